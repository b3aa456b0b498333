/** A span of time to replay: from `since` (inclusive) to `until` (exclusive); either side may be open. */
export interface TrailWindow {
  readonly since?: Date;
  readonly until?: Date;
}

/** Whether an event time (ISO 8601, as CloudTrail writes it) falls in the window; a time that cannot be read does not. */
export function isInWindow(eventTime: string, window: TrailWindow): boolean {
  const time = Date.parse(eventTime);
  if (Number.isNaN(time)) return false;
  return (window.since === undefined || time >= window.since.getTime()) && (window.until === undefined || time < window.until.getTime());
}

const DAY_MS = 86_400_000;

/**
 * Whether a log file written on `day` (UTC midnight of the date in its CloudTrail key) may hold events
 * of the window. CloudTrail delivers a file some minutes after the events in it, so the file of the day
 * after the window's last day may still hold its last events.
 */
export function isDayInWindow(day: Date, window: TrailWindow): boolean {
  const start = day.getTime();
  if (window.since !== undefined && start < startOfDay(window.since.getTime())) return false;
  // `until` is exclusive: the window's last day is the one of the millisecond before it.
  return window.until === undefined || start <= startOfDay(window.until.getTime() - 1) + DAY_MS;
}

function startOfDay(time: number): number {
  return Math.floor(time / DAY_MS) * DAY_MS;
}
