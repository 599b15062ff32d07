import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";

import { createPgliteDb, createPostgresDb, type DB, lockDataDir, openPglite } from "~/db.server";
import { type PreparedDatabase, prepareServerDatabase } from "./db";
import { ROOT } from "./paths";
export { freePort } from "./ports";
import { freePort } from "./ports";

export type TestServer = {
  url: string;
  output: () => string;
  /** the exit code once the server process has ended (null while it runs) */
  exitCode: () => number | null;
  setupLink: () => string | undefined;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  restart: () => Promise<void>;
  dispose: () => Promise<void>;
  dataDir: string;
  /** the server's database on TEST_DATABASE_URL's server (PostgreSQL runs only) */
  databaseName?: string;
  /** in-process servers: the very database handle the server uses (tests read and change it directly) */
  db?: DB;
};

export type ServerMode = "in-process" | "process";

/**
 * Starts Plenary for a route test. By default inside the test's own process (`inProcess`): the built server
 * bundle, imported afresh, on the test's open database, so a test reads and changes the server's data without
 * stopping it. `{ mode: "process" }` spawns `node app/server.js` instead, for what only a real process shows:
 * signals, exit codes, crashes, several processes on one database.
 */
export async function startTestServer(
  extraEnv: Record<string, string> = {},
  prepared?: PreparedDatabase,
  { mode = "in-process" }: { mode?: ServerMode } = {},
): Promise<TestServer> {
  return mode === "process" ? startProcessServer(extraEnv, prepared) : startInProcessServer(extraEnv, prepared);
}

type Running = { stop: () => Promise<void> };
type ServerBundle = { entry: { module: { runServer: (options: object) => Promise<Running> } } };
type DbHolder = { db: DB; close: () => Promise<void>; pglite?: () => Promise<unknown> };

// the bundle is external in tests/vitest.config.ts: Node imports it as it is, one copy per query string
const importBundle = (specifier: string) => import(/* @vite-ignore */ specifier) as Promise<ServerBundle>;
let instances = 0;

async function startInProcessServer(extraEnv: Record<string, string>, prepared?: PreparedDatabase): Promise<TestServer> {
  const database = prepared ?? (await prepareServerDatabase());
  const port = await freePort();
  const host = extraEnv.HOST ?? "127.0.0.1";
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const env: Record<string, string> = { ...baseEnv(port, url), ...database.env, ...extraEnv };
  const pglite = env.DATABASE_URL ? undefined : await openPglite(path.join(database.dataDir, "pgdata"));
  // PGlite: the server and the test share the one instance. PostgreSQL: the server opens its own pool from
  // DATABASE_URL as in production (through a test's proxy, if any); the test gets a direct connection.
  const db = pglite ? createPgliteDb(pglite) : createPostgresDb(database.env.DATABASE_URL ?? env.DATABASE_URL, 2);
  let output = "";
  let running: Running | undefined;
  let exitCode: number | null = null;

  const launch = async () => {
    // a fresh copy of the app: its own parsed environment, logger, caches and rate limits, as a new process has
    const global = globalThis as { __plenaryDb?: DbHolder; __plenaryLogStream?: { write: (line: string) => void } };
    if (pglite) {
      // the data directory is locked as `npm start` locks it (the backup command refuses while it is)
      const unlock = lockDataDir(database.dataDir);
      global.__plenaryDb = { db, close: async () => unlock(), pglite: async () => pglite };
    } else {
      delete global.__plenaryDb;
    }
    global.__plenaryLogStream = { write: (line) => void (output += line) };
    const saved = process.env;
    process.env = env as NodeJS.ProcessEnv;
    try {
      const build = await importBundle(`${pathToFileURL(path.join(ROOT, "build/index.js")).href}?instance=${++instances}`);
      running = await build.entry.module.runServer({ build, rootDir: ROOT, mode: "production", print: (text: string) => void (output += text) });
      exitCode = null;
    } finally {
      process.env = saved;
    }
  };
  const stop = async () => {
    await running?.stop();
    running = undefined;
    exitCode = 0;
    return exitCode;
  };

  await launch();
  return {
    url,
    output: () => output,
    exitCode: () => exitCode,
    setupLink: () => setupLinkIn(output),
    stop: async (signal?: NodeJS.Signals) => {
      if (signal && signal !== "SIGTERM" && signal !== "SIGINT") throw new Error(`an in-process server cannot get ${signal}: use { mode: "process" }`);
      return stop();
    },
    restart: async () => {
      await stop();
      await launch();
    },
    dispose: async () => {
      await stop();
      await db.destroy();
      await database.dispose();
    },
    dataDir: database.dataDir,
    databaseName: database.databaseName,
    db,
  };
}

function baseEnv(port: number, url: string) {
  return {
    PATH: process.env.PATH ?? "",
    NODE_ENV: "production",
    PORT: String(port),
    APP_URL: url,
    LOG_LEVEL: "info",
    // tests send waves of mail: no 1-a-second throttle unless a test asks for one
    MAIL_RATE_PER_MINUTE: "0",
  };
}

function setupLinkIn(output: string) {
  return [...output.matchAll(/https?:\/\/\S+\/setup\/[A-Za-z0-9_-]{43}/g)].at(-1)?.[0];
}

/**
 * Starts the real, built Plenary server (`node app/server.js`) on its own port and database, the way
 * `npm start` does, and waits until /healthz answers.
 */
async function startProcessServer(extraEnv: Record<string, string> = {}, prepared?: PreparedDatabase): Promise<TestServer> {
  const database = prepared ?? (await prepareServerDatabase());
  const port = await freePort();
  const host = extraEnv.HOST ?? "127.0.0.1";
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  let output = "";
  let child: ChildProcess;

  const launch = async () => {
    child = spawn(process.execPath, [path.join(ROOT, "app/server.js")], {
      cwd: ROOT,
      env: { ...baseEnv(port, url), ...database.env, ...extraEnv } as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
      if (output.includes("Plenary is running at")) {
        const health = await fetch(`${url}/healthz`).catch(() => undefined);
        if (health?.ok) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`server did not start within 60 s:\n${output}`);
  };

  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill(signal);
    return exited;
  };

  await launch();
  return {
    url,
    output: () => output,
    exitCode: () => child.exitCode ?? (child.signalCode ? -1 : null),
    setupLink: () => setupLinkIn(output),
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
    dispose: async () => {
      await stop();
      await database.dispose();
    },
    dataDir: database.dataDir,
    databaseName: database.databaseName,
  };
}
