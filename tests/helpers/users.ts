import { spawnSync } from "node:child_process";
import path from "node:path";

import { ROOT } from "./paths";

export const TEST_PASSWORD = "a long enough passphrase";

/** Creates a staff account with the real CLI (`npm run user:create`) against a prepared database. */
export function createUser(env: Record<string, string>, email: string, role: "admin" | "staff" | "visa_officer" | "viewer") {
  const result = spawnSync(path.join(ROOT, "node_modules/.bin/tsx"), ["app/cli/user-create.ts", "--email", email, "--role", role, "--password-stdin"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: "production", LOG_LEVEL: "warn", ...env },
    input: `${TEST_PASSWORD}\n`,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(result.stderr);
}
