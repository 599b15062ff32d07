import { isDatabaseUnavailable } from "~/lib/db-errors";
import { logger } from "~/logger.server";

export type PollingRunner = { stop: () => Promise<void>; wake: () => void; runOnce: () => Promise<number> };

/**
 * The loop that the background runners next to the mail worker share (send waves, webhook deliveries): one
 * pass, then a pause of `pollMs` (doubling up to 15 s while passes fail, e.g. while the database is away), cut
 * short by `wake`; `stop` ends the loop after the pass under way. With `loop: false` nothing runs by itself
 * and a test calls `runOnce`. `registry` holds the process's running runners of one kind, for waking them all.
 */
export function startPollingRunner({
  pass,
  pollMs,
  loop,
  registry,
  failure,
}: {
  /** one pass over the work that waits; it checks `stopping()` between steps; returns how much it did */
  pass: (stopping: () => boolean) => Promise<number>;
  pollMs: number;
  loop: boolean;
  registry: Set<PollingRunner>;
  /** the log line for a pass that failed for another reason than the database being unavailable */
  failure: string;
}): PollingRunner {
  let stopping = false;
  let wake: (() => void) | undefined;
  const runOnce = () => pass(() => stopping);

  let backoff = pollMs;
  const running = (async () => {
    while (loop && !stopping) {
      try {
        await runOnce();
        backoff = pollMs;
      } catch (error) {
        // the database went away mid-pass: that step rolled back, and the work goes on when it is back
        if (!isDatabaseUnavailable(error)) logger.error({ err: error instanceof Error ? error.message : String(error) }, failure);
        backoff = Math.min(backoff * 2, 15_000);
      }
      if (stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff);
        timer.unref();
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  })();

  const runner: PollingRunner = {
    runOnce,
    wake: () => wake?.(),
    stop: async () => {
      stopping = true;
      registry.delete(runner);
      wake?.();
      await running;
    },
  };
  if (loop) registry.add(runner);
  return runner;
}
