import type { FindingChange } from '../findings/store.js';
import type { Logger } from '../logging/logger.js';

/** What one export did: which findings the destination took, and which it refused for good (recorded on each finding). */
export interface ExportReport {
  readonly exported: readonly string[];
  readonly failed: readonly { readonly findingId: string; readonly reason: string }[];
}

/**
 * Where findings are copied after each write, besides the alert channel (Security Hub; the next
 * destination is one more implementation). Callers know this interface, never the class behind it.
 */
export interface FindingsExport {
  /**
   * Sends every finding the write touched, in its current state (an update replaces the copy, it
   * never adds one). A finding the destination refuses is retried, then recorded on the finding and
   * reported; a destination that cannot be reached throws FindingsExportError.
   */
  export(changes: readonly FindingChange[], logger: Logger): Promise<ExportReport>;
}

/** The destination could not be reached (after its client's retries): the findings listed were not exported. */
export class FindingsExportError extends Error {
  override readonly name = 'FindingsExportError';
  constructor(
    message: string,
    readonly pending: readonly string[],
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}
