import type { ExportLedger, FindingChange } from '../findings/store.js';
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

/**
 * The destination could not be reached (after its client's retries): the findings `pending` were not
 * exported; `settled` is what the export did with the others before.
 */
export class FindingsExportError extends Error {
  override readonly name = 'FindingsExportError';
  constructor(
    message: string,
    readonly pending: readonly string[],
    readonly settled: ExportReport,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/** An export that went as far as it could: `unreachable` when the destination could not be reached. */
export interface ScheduledExportReport extends ExportReport {
  readonly unreachable?: FindingsExportError;
}

/**
 * For the scheduled runs, whose retry would not repeat every change (a finding a reconcile resolved is
 * not resolved again, so a retry would not send it): exports, and when the destination cannot be
 * reached records that on each finding not exported instead of throwing, so none is lost silently.
 * The caller fails its run afterwards, once everything else is done, so the Errors alarm fires.
 */
export async function exportRecordingOutage(
  exporter: FindingsExport,
  ledger: ExportLedger,
  changes: readonly FindingChange[],
  logger: Logger,
): Promise<ScheduledExportReport> {
  try {
    return await exporter.export(changes, logger);
  } catch (error) {
    if (!(error instanceof FindingsExportError)) throw error;
    const reason = `not exported: ${error.message}`;
    for (const findingId of error.pending) await ledger.recordSecurityHubExport(findingId, reason);
    const { exported, failed } = error.settled;
    return { exported, failed: [...failed, ...error.pending.map((findingId) => ({ findingId, reason }))], unreachable: error };
  }
}
