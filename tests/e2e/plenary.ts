import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import type { BrowserContext } from "@playwright/test";

import { ROOT, TMP } from "../helpers/paths";
import { freePort } from "../helpers/ports";

/**
 * A journey's own Plenary: the built `node app/server.js`, as `npm start` runs it, on a fresh embedded database
 * prepared with the command-line tools an operator would use (or a seed script) before the server opens it.
 */
export type Plenary = { url: string; dataDir: string; child: ChildProcess; log: () => string };

/** Runs a TypeScript command (`app/cli/*.ts`, a seed script) against `env`; its standard output. */
export function cli(script: string, args: string[], env: Record<string, string>, input?: string) {
  const result = spawnSync(path.join(ROOT, "node_modules/.bin/tsx"), [script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: "production", LOG_LEVEL: "warn", ...env },
    input,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`${script} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/** `prepare` fills the new data directory (users, demo, seed) before the server starts; what it returns comes back with the server. */
export async function startPlenary<T extends object>(
  name: string,
  prepare: (env: Record<string, string>) => T,
  extraEnv: Record<string, string> = {},
): Promise<Plenary & T> {
  fs.mkdirSync(TMP, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(TMP, `e2e-${name}-`));
  let child: ChildProcess | undefined;
  let output = "";
  try {
    const prepared = prepare({ DATA_DIR: dataDir });
    const port = await freePort();
    const url = `http://localhost:${port}`;
    child = spawn(process.execPath, [path.join(ROOT, "app/server.js")], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: "production", PORT: String(port), APP_URL: url, DATA_DIR: dataDir, LOG_LEVEL: "info", ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
      const health = await fetch(`${url}/healthz`).catch(() => undefined);
      if (health?.ok) return { url, dataDir, child, log: () => output, ...prepared };
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`server did not start within 60 s:\n${output}`);
  } catch (error) {
    if (child) await stopChild(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

export async function stopPlenary(plenary: Plenary | undefined) {
  if (!plenary) return;
  await stopChild(plenary.child);
  fs.rmSync(plenary.dataDir, { recursive: true, force: true });
}

/** Console errors, uncaught errors and CSP violations of every page of a context, for the final assertions. */
export async function watch(context: BrowserContext, problems: string[]) {
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) =>
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI} on ${location.pathname} (${event.sourceFile}:${event.lineNumber})`),
    );
  });
  context.on("console", (m) => m.type() === "error" && problems.push(`${m.text()} (${m.location().url})`));
  context.on("weberror", (e) => problems.push(e.error().message));
}
