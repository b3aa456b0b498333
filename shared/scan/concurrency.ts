/**
 * Runs `task` over `items` with at most `limit` in flight, resolving to the results in input order.
 * The first rejection rejects the whole run (tasks already started finish first); a reader that wants
 * to go on after one resource fails catches inside its task.
 */
export async function mapBounded<T, R>(items: Iterable<T>, limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const queue = [...items];
  const results: R[] = new Array(queue.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  async function worker(): Promise<void> {
    while (failure === undefined && next < queue.length) {
      const index = next++;
      try {
        results[index] = await task(queue[index] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, queue.length)) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}
