import { pathToFileURL } from "node:url";

import { Piscina } from "piscina";
import { Gauge } from "prom-client";

import { getEnv } from "~/env.server";
import { projectFile } from "~/lib/project-files.server";
import type { RenderTask, runRenderTask as RunRenderTask } from "~/lib/render-task.server";
import { logger } from "~/logger.server";
import { registry } from "~/metrics.server";

/**
 * PDFs and spreadsheets render in worker threads (issue 15): a 10,000-badge PDF keeps one core busy for
 * seconds, and on the request thread it would hold every other request (sign-ins, reply pages, /healthz) for
 * as long. The pool has RENDER_THREADS threads (default: one fewer than the cores, at least 1, at most 4);
 * tasks queue when all are busy. Threads start on the first task and end after a minute without work.
 */
let pool: Piscina | undefined;

new Gauge({
  name: "plenary_render_tasks_waiting",
  help: "PDFs and spreadsheets waiting for a free render thread",
  registers: [registry],
  collect() {
    this.set(pool?.queueSize ?? 0);
  },
});
new Gauge({
  name: "plenary_render_threads",
  help: "Render threads running (they start on the first task and end after a minute without work)",
  registers: [registry],
  collect() {
    this.set(pool?.threads.length ?? 0);
  },
});

const libFile = (name: string) => projectFile("app", "lib", name);
const workerFile = () => libFile("render-worker.mjs");

/**
 * The renderers, for RENDER_THREADS=0 only: loaded from their sources as a render thread loads them, so that
 * pdfkit, fontkit and ExcelJS (some 50 MB) are not in the server's bundle and not in the request thread's memory.
 */
let inProcess: Promise<(task: RenderTask) => Promise<Uint8Array>> | undefined;
function inProcessRenderer() {
  inProcess ??= (async () => {
    const { tsImport } = await import("tsx/esm/api");
    const loaded = (await tsImport(pathToFileURL(libFile("render-task.server.ts")).href, import.meta.url)) as { runRenderTask: typeof RunRenderTask };
    return loaded.runRenderTask;
  })().catch((error: unknown) => {
    inProcess = undefined;
    throw error;
  });
  return inProcess;
}

function getPool(threads: number): Piscina {
  pool ??= new Piscina({ filename: workerFile(), minThreads: 0, maxThreads: threads, idleTimeout: 60_000 });
  return pool;
}

/** Renders a document in the pool (with RENDER_THREADS=0: here, on the request thread). */
export async function render(task: RenderTask, { threads = getEnv().RENDER_THREADS }: { threads?: number } = {}): Promise<Buffer<ArrayBuffer>> {
  const bytes = threads === 0 ? await (await inProcessRenderer())(task) : ((await getPool(threads).run(task)) as Uint8Array);
  // a copy into a Buffer of its own (a Response body); a few milliseconds for a 10 MB file
  return Buffer.from(bytes);
}

/** Ends the pool's threads (a graceful shutdown, after the last request). */
export async function closeRenderPool(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await closing?.destroy().catch((error: unknown) => logger.warn({ err: String(error) }, "render pool did not close cleanly"));
}
