/**
 * What one piece of input may hold (README, "Hostile input"). Past a cap, the piece at fault (a line,
 * a document, a record) is skipped and reported with its position; everything else is still read.
 */

/**
 * One line: a JSON Lines entry, or a whole single-line document (CloudTrail writes each S3 log file,
 * a few MB, as one line). Also the most a document spread over several lines may hold, since it is
 * parsed whole. Memory for one line is a few times this, whatever the input's size.
 */
export const MAX_LINE_BYTES = 128 * 1024 * 1024;

/**
 * One record a detection reads. CloudTrail's own events are at most 1 MB, its "Large" event size
 * (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventConfiguration.html);
 * it truncates larger fields and marks them `omitted`.
 */
export const MAX_RECORD_BYTES = 1024 * 1024;

/**
 * eventID, eventSource and eventName: a UUID, a host name and an API name in CloudTrail's records.
 * The first and last become parts of the findings table's keys, which DynamoDB bounds (1,024 bytes).
 */
export const MAX_KEY_FIELD_CHARS = 128;

/** A size in words: "128 MiB", "1 MiB", "512 KiB". */
export function describeBytes(bytes: number): string {
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes >> 20} MiB`;
  if (bytes >= 1 << 10 && bytes % (1 << 10) === 0) return `${bytes >> 10} KiB`;
  return `${bytes} bytes`;
}

/**
 * Whether a parsed record would take more than `limit` bytes as JSON: a walk with a stack of its own
 * (never recursion, so no nesting depth can overflow it) that stops as soon as the limit is passed.
 * Strings count their UTF-16 length, close to their UTF-8 size for CloudTrail's mostly ASCII text.
 */
export function exceedsBytes(value: unknown, limit: number): boolean {
  const stack: unknown[] = [value];
  let size = 0;
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') {
      size += item.length + 2;
    } else if (Array.isArray(item)) {
      size += 2 + item.length;
      for (const child of item) stack.push(child);
    } else if (typeof item === 'object' && item !== null) {
      size += 2;
      for (const [key, child] of Object.entries(item)) {
        size += key.length + 4;
        stack.push(child);
      }
    } else {
      size += 8;
    }
    if (size > limit) return true;
  }
  return false;
}
