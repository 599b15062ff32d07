import { describe, expect, it } from "vitest";

import { forEachWithLimit } from "~/lib/concurrency";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("at most N tasks at once", () => {
  it.each([1, 2, 5])("limit %i: never more at once, every item once, in order of start", async (limit) => {
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    await forEachWithLimit(
      Array.from({ length: 12 }, (_, i) => i),
      limit,
      async (i) => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        for (let k = 0; k < (i % 3) + 1; k++) await tick();
        running--;
      },
    );
    expect(peak).toBe(limit);
    expect(started).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it("a failing task does not stop the others", async () => {
    const done: number[] = [];
    await forEachWithLimit([1, 2, 3, 4], 2, async (i) => {
      if (i === 2) throw new Error("boom");
      done.push(i);
    });
    expect(done.sort()).toEqual([1, 3, 4]);
  });

  it("no items: resolves at once", async () => {
    await expect(forEachWithLimit([], 2, async () => undefined)).resolves.toBeUndefined();
  });
});
