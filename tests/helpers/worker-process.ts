import { type ChildProcess, spawn } from "node:child_process";

import type { PreparedDatabase } from "./db";
import { ROOT } from "./paths";

/** What a sending process of the tests gets: its database, the test relay, quiet logs, no rate unless asked. */
export function senderEnv(database: PreparedDatabase, smtpUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: "production",
    LOG_LEVEL: "error",
    ...database.env,
    SMTP_URL: smtpUrl,
    MAIL_FROM: "NEAR Secretariat <secretariat@near.example.org>",
    MAIL_RATE_PER_MINUTE: "0",
    ...extra,
  };
}

/** `npm run worker` as node itself with tsx as a loader: the tsx launcher would run it in a child that survives a SIGKILL. */
export function spawnWorkerProcess(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "app/cli/worker.ts"], { cwd: ROOT, env, stdio: "ignore" });
}
