/**
 * Runs `task` for every item with at most `limit` running at once, in order of the items; resolves when all
 * have settled. A task's rejection does not stop the others (the caller's task handles its own errors).
 */
export async function forEachWithLimit<T>(items: readonly T[], limit: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++];
      await task(item).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}
