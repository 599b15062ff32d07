// Child processes of a benchmark (servers under test, ceilings): output to a file, stopped gracefully, and never
// outliving the benchmark whichever way it ends. Shared by bench:rsvp and bench:scale.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * The server's command line as `npm start` runs it: package.json's start script (node's own flags, such as the heap
 * budget, then app/server.js), so a benchmark measures the server the way it is started. BENCH_CPU_PROF=<dir> adds a
 * V8 CPU profile written there when the server stops (node does not take --cpu-prof from NODE_OPTIONS).
 */
export function serverArgs(root: string): string[] {
  const start = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start;
  const [node, ...args] = start.trim().split(/\s+/);
  if (node !== "node" || !args.at(-1)?.endsWith(".js")) throw new Error(`npm start is not "node [flags] <file>.js": ${start}`);
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [];
  return [...profile, ...args.slice(0, -1), path.join(root, args.at(-1)!)];
}

/** A child process whose output goes to a file (a pipe nobody drains fast enough would slow the server down). */
export type Child = { process: ChildProcess; log: string; output: () => string; stop: (graceMs?: number) => Promise<void> };
export const children = new Set<Child>();
let aborting = false;

export function startChild(name: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; dir: string }): Child {
  if (aborting) throw new Error("aborted");
  const log = path.join(options.dir, `${name}.log`);
  const fd = fs.openSync(log, "w");
  const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", fd, fd] });
  fs.closeSync(fd);
  const output = () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "");
  const handle: Child = {
    process: child,
    log,
    output,
    /** SIGTERM (a graceful stop: Plenary closes its database), SIGKILL after graceMs */
    stop: async (graceMs = 15_000) => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        await exited;
        clearTimeout(killer);
      }
      children.delete(handle);
    },
  };
  children.add(handle);
  return handle;
}

export async function waitFor(child: Child, ready: (output: string) => boolean, what: string, ms: number) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`${what} exited with ${child.process.exitCode}:\n${child.output().slice(-3000)}`);
    if (ready(child.output())) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not start within ${ms / 1000} s:\n${child.output().slice(-3000)}`);
}

/**
 * Stops every child on SIGINT/SIGTERM and on an uncaught exception (a throw inside an autocannon callback never
 * reaches the benchmark's try/finally), then runs `cleanup`; kills any survivor at exit.
 */
export function stopChildrenOnExit(cleanup: (graceMs?: number) => Promise<void>) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      aborting = true;
      void cleanup(1000).finally(() => process.exit(130));
    });
  }
  process.once("exit", () => {
    for (const child of children) child.process.kill("SIGKILL");
  });
  process.once("uncaughtException", (error) => {
    aborting = true;
    console.error(error);
    void cleanup(1000).finally(() => process.exit(1));
  });
}

/** Stops every child still running (gracefully, then SIGKILL after graceMs). */
export async function stopChildren(graceMs?: number) {
  await Promise.all([...children].map((child) => child.stop(graceMs).catch(() => undefined)));
}

/** The last lines each child wrote, for a failed run. */
export function printChildLogs() {
  for (const child of children) console.error(`--- ${path.basename(child.log)} (last lines) ---\n${child.output().slice(-2000)}`);
}

/** A benchmark's body: a throw is printed with the children's last lines and sets exit code 1; the children are always stopped and `cleanup` run. */
export async function runBench(body: () => Promise<void>, cleanup: () => Promise<void>) {
  try {
    await body();
  } catch (error) {
    process.exitCode = 1;
    console.error(error);
    printChildLogs();
  } finally {
    await cleanup();
  }
}

/** The middle value (the mean of the two middle ones for an even count). */
export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
