import type { EquivalentChange, StateSink } from './reader.js';

/** The AWS error code of a failed call (`AccessDeniedException`, `NotFoundException`...), as the SDK names its exceptions. */
export function awsErrorCode(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

export interface ResourceReadOptions {
  /** Error codes that mean the resource simply has none of the state read (no policy): nothing to present, nothing unread. */
  readonly absentWhen?: readonly string[];
  /** The rules left unjudged on the resource when the read fails (default: all the reader's). */
  readonly ruleIds?: readonly string[];
}

/**
 * Reads one resource of a reader's list: `read` makes its calls and returns the change that would make
 * the state it found, or undefined when there is nothing to present. Any other failure (deleted
 * meanwhile, denied) leaves the resource unread, with the error code as the reason, and the read goes
 * on with the next resource.
 */
export async function readResource(
  sink: StateSink,
  resource: string,
  read: () => Promise<EquivalentChange | undefined>,
  options: ResourceReadOptions = {},
): Promise<void> {
  let change: EquivalentChange | undefined;
  try {
    change = await read();
  } catch (error) {
    const code = awsErrorCode(error);
    if (options.absentWhen?.includes(code) === true) return;
    sink.unread({ resource, reason: code, ...(options.ruleIds === undefined ? {} : { ruleIds: options.ruleIds }) });
    return;
  }
  if (change !== undefined) sink.observe(change);
}
