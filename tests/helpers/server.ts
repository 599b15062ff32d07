import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

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
};

/**
 * Starts the real, built Plenary server (`node app/server.js`) on its own port and database, the way
 * `npm start` does, and waits until /healthz answers.
 */
export async function startTestServer(extraEnv: Record<string, string> = {}, prepared?: PreparedDatabase): Promise<TestServer> {
  const database = prepared ?? (await prepareServerDatabase());
  const port = await freePort();
  const host = extraEnv.HOST ?? "127.0.0.1";
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  let output = "";
  let child: ChildProcess;

  const launch = async () => {
    child = spawn(process.execPath, [path.join(ROOT, "app/server.js")], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "production",
        PORT: String(port),
        APP_URL: url,
        LOG_LEVEL: "info",
        // tests send waves of mail: no 1-a-second throttle unless a test asks for one
        MAIL_RATE_PER_MINUTE: "0",
        ...database.env,
        ...extraEnv,
      },
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
    setupLink: () => [...output.matchAll(/https?:\/\/\S+\/setup\/[A-Za-z0-9_-]{43}/g)].at(-1)?.[0],
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
