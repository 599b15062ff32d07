// npm run bench:start — how long the embedded server takes to serve (issue 15): a first `npm start` on an empty data
// directory (the build present, so the database comes from build/pgdata-template.tar.gz) and a restart on the same
// directory, each timed from the process's spawn until /readyz answers 200 (the server listens only once its
// database is open and migrated). Next to each, the raw ceiling measured in the same run and interleaved with it
// (ceiling, app, ceiling, app): a bare Node process that opens PGlite from the same template (first start) or on
// the directory it left (restart), runs one query and answers HTTP. Also the server's RSS 5 s after it is ready.
//
// Goals (issue 15): first start < 5 s, restart < 3 s. The `ratio:` lines give the app's median time over its goal
// (≤ 1 meets it); the ceiling's time is printed beside it.
//
// Knobs: BENCH_RUNS (5) starts of each kind, BENCH_REST_SECONDS (5) before the RSS at rest is read.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { pgliteTemplateFile } from "~/db.server";
import { buildIsStale, ensureBuild } from "../../app/cli/ensure-build.js";
import { freePort } from "../helpers/ports";
import { type Child, median, runBench, serverArgs, startChild, stopChildren, stopChildrenOnExit } from "./children";

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const REST_SECONDS = Number(process.env.BENCH_REST_SECONDS ?? 5);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const GOALS = { first: 5_000, restart: 3_000 };
const say = (text: string) => process.stderr.write(`bench:start  ${text}\n`);

/** The ceiling: PGlite opened as the server opens it (from the template when the directory is new), one query, HTTP. */
const CEILING = `
import fs from "node:fs";
import http from "node:http";
import { PGlite } from "@electric-sql/pglite";
const [dataDir, template, port] = process.argv.slice(-3);
const fresh = !fs.existsSync(dataDir);
const pg = await PGlite.create({ dataDir, ...(fresh ? { loadDataDir: new Blob([fs.readFileSync(template)]) } : {}) });
await pg.query("select 1");
const server = http.createServer((_req, res) => res.end("ready")).listen(Number(port), "127.0.0.1");
process.once("SIGTERM", () => server.close(() => pg.close().then(() => process.exit(0))));
`;

/** Milliseconds from spawn until `url` answers 200 (polled every 20 ms). */
async function timeUntilReady(start: () => Child, url: string, limitMs = 120_000): Promise<{ ms: number; child: Child }> {
  const started = performance.now();
  const child = start();
  while (performance.now() - started < limitMs) {
    if (child.process.exitCode !== null) throw new Error(`${path.basename(child.log)} exited with ${child.process.exitCode}:\n${child.output().slice(-3000)}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ok) return { ms: performance.now() - started, child };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${path.basename(child.log)} was not ready within ${limitMs / 1000} s:\n${child.output().slice(-3000)}`);
}

/** Resident memory of a process (Linux), in MB. */
function rssMb(pid: number | undefined): number {
  const status = pid ? fs.readFileSync(`/proc/${pid}/status`, "utf8") : "";
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plenary-bench-start-"));
const cleanup = async (graceMs?: number) => {
  await stopChildren(graceMs);
  fs.rmSync(dir, { recursive: true, force: true });
};
stopChildrenOnExit(cleanup);

await runBench(async () => {
  // the build first (npm start builds when it is stale): the figures are of starts with the build present
  if (buildIsStale()) {
    say("building first…");
    const built = await ensureBuild();
    if (built.status !== 0) throw new Error(`the build failed:\n${built.output}`);
  }
  const template = pgliteTemplateFile();
  if (!fs.existsSync(template)) throw new Error(`no ${path.relative(ROOT, template)} after the build`);
  const times = { ceilingFirst: [] as number[], appFirst: [] as number[], ceilingRestart: [] as number[], appRestart: [] as number[] };
  const rest = { first: [] as number[], restart: [] as number[] };
  say(`${RUNS} runs of (ceiling first start, app first start, ceiling restart, app restart)…`);
  for (let run = 0; run < RUNS; run++) {
    const port = await freePort();
    const ceilingDir = path.join(dir, `ceiling-${run}`);
    const dataDir = path.join(dir, `data-${run}`);
    const ceiling = () =>
      startChild(`ceiling-${run}`, ["--input-type=module", "-e", CEILING, path.join(ceilingDir, "pgdata"), template, String(port)], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, NODE_ENV: "production" },
        dir,
      });
    const app = () =>
      startChild(`plenary-${run}`, serverArgs(ROOT), {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          NODE_ENV: "production",
          PORT: String(port),
          HOST: "127.0.0.1",
          APP_URL: `http://127.0.0.1:${port}`,
          DATA_DIR: dataDir,
          LOG_LEVEL: "warn",
        },
        dir,
      });
    for (const kind of ["First", "Restart"] as const) {
      fs.mkdirSync(ceilingDir, { recursive: true });
      const raw = await timeUntilReady(ceiling, `http://127.0.0.1:${port}/`);
      await raw.child.stop();
      times[`ceiling${kind}`].push(raw.ms);
      const served = await timeUntilReady(app, `http://127.0.0.1:${port}/readyz`);
      times[`app${kind}`].push(served.ms);
      await new Promise((resolve) => setTimeout(resolve, REST_SECONDS * 1000));
      rest[kind === "First" ? "first" : "restart"].push(rssMb(served.child.process.pid));
      await served.child.stop();
    }
    say(
      `run ${run + 1}: first start ${(times.appFirst[run] / 1000).toFixed(2)} s (ceiling ${(times.ceilingFirst[run] / 1000).toFixed(2)} s), ` +
        `restart ${(times.appRestart[run] / 1000).toFixed(2)} s (ceiling ${(times.ceilingRestart[run] / 1000).toFixed(2)} s)`,
    );
  }
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const first = median(times.appFirst);
  const restart = median(times.appRestart);
  console.log(`\nbench:start — embedded PGlite, ${os.cpus().length} cores, Node ${process.version}, median of ${RUNS} starts each (spawn → /readyz 200)`);
  console.log(`  first start on an empty data directory: ${s(first)} (raw PGlite from the template + HTTP: ${s(median(times.ceilingFirst))})`);
  console.log(`  restart on the same directory:          ${s(restart)} (raw PGlite + HTTP: ${s(median(times.ceilingRestart))})`);
  console.log(
    `  RSS ${REST_SECONDS} s after ready: ${median(rest.first).toFixed(0)} MB after a first start, ${median(rest.restart).toFixed(0)} MB after a restart (goal ≤ 400 MB)`,
  );
  console.log(`ratio: ${(first / GOALS.first).toFixed(2)} (first start over its 5 s goal; goal ≤ 1)`);
  console.log(`ratio: ${(restart / GOALS.restart).toFixed(2)} (restart over its 3 s goal; goal ≤ 1)`);
}, cleanup);
process.exit(process.exitCode ?? 0);
