// npm run bench:render — what a 10,000-badge PDF does to everyone else's requests (issue 15): the event loop's
// delay (p99 of a 10 ms heartbeat, what /healthz or a reply page would wait) while the PDF renders in the render
// pool, next to the same PDF rendered on the request thread and to the idle loop, interleaved (pool, inline,
// idle) × BENCH_RUNS. Goal: p99 ≤ 50 ms during the render, and the pool costs at most 1.25 × the inline time.
import { performance } from "node:perf_hooks";

import { closeRenderPool, render } from "~/services/render-pool.server";
import { syntheticBadges } from "../fixtures/badges";

const N = Number(process.env.BENCH_N ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const badges = syntheticBadges(N);
const task = { kind: "badges_pdf" as const, input: { lang: "en" as const, eventTitle: "17th NEAR General Assembly", badges, layout: "sheet" as const } };

/** Runs `work` while a 10 ms heartbeat records how late each beat fires; returns the work's time and the p99 delay. */
async function withHeartbeat(work: () => Promise<unknown>) {
  const delays: number[] = [];
  let expected = performance.now() + 10;
  let running = true;
  const beat = () => {
    const now = performance.now();
    delays.push(Math.max(0, now - expected));
    expected = now + 10;
    if (running) setTimeout(beat, 10);
  };
  setTimeout(beat, 10);
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  running = false;
  // the beat that was due while the work held the thread counts too
  delays.push(Math.max(0, performance.now() - expected));
  delays.sort((a, b) => a - b);
  return { ms, p99: delays[Math.min(delays.length - 1, Math.floor(delays.length * 0.99))], max: delays.at(-1)! };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pool = { ms: [] as number[], p99: [] as number[], max: [] as number[] };
const inline = { ms: [] as number[], p99: [] as number[], max: [] as number[] };
const idle = { p99: [] as number[] };

console.log(`bench:render  ${N.toLocaleString("en")} badges, A4 sheets of 8; warm-up, then ${RUNS} interleaved runs`);
await render(task, { threads: 1 }); // thread start, fonts, caches
await render(task, { threads: 0 });
for (let i = 0; i < RUNS; i++) {
  const a = await withHeartbeat(() => render(task, { threads: 1 }));
  pool.ms.push(a.ms);
  pool.p99.push(a.p99);
  pool.max.push(a.max);
  const b = await withHeartbeat(() => render(task, { threads: 0 }));
  inline.ms.push(b.ms);
  inline.p99.push(b.p99);
  inline.max.push(b.max);
  idle.p99.push((await withHeartbeat(() => new Promise((resolve) => setTimeout(resolve, 2000)))).p99);
}
await closeRenderPool();

const f = (ms: number) => `${Math.round(ms).toLocaleString("en")} ms`;
console.log(
  `render in the pool (a worker thread)   ${f(median(pool.ms)).padStart(9)}   event loop p99 ${f(median(pool.p99)).padStart(8)}, worst ${f(Math.max(...pool.max))}`,
);
console.log(
  `render on the request thread           ${f(median(inline.ms)).padStart(9)}   event loop p99 ${f(median(inline.p99)).padStart(8)}, worst ${f(Math.max(...inline.max))}`,
);
console.log(`idle (no render, the floor)                        event loop p99 ${f(median(idle.p99)).padStart(8)}`);
const ratio = median(pool.ms) / median(inline.ms);
console.log(
  `ratio: ${ratio.toFixed(2)} (goal ≤ 1.25: pool time / request-thread time; ${ratio <= 1.25 ? "met" : "NOT met"}); ` +
    `event loop p99 during the render ${f(median(pool.p99))} (goal ≤ 50 ms: ${median(pool.p99) <= 50 ? "met" : "NOT met"})`,
);
