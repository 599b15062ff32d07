import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { ensureBuild } from "../../app/cli/ensure-build.js";
import { ROOT, TMP } from "../helpers/paths";
import { E2E_PORT } from "../playwright.config";

export const E2E_DIR = path.join(TMP, "e2e");
export const SETUP_LINK_FILE = path.join(E2E_DIR, "setup-link.txt");

/**
 * Starts the production build exactly as `npm start` does, on a fresh embedded database, and keeps what
 * it prints: the e2e tests open the first-run setup link from the console like a new user would.
 */
export default async function globalSetup() {
  // Never wipe a directory that a running server still holds: it would write its state back on exit.
  const lock = path.join(E2E_DIR, "data", "pgdata.lock");
  if (fs.existsSync(lock)) {
    const pid = Number(fs.readFileSync(lock, "utf8"));
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      alive = false;
    }
    if (alive) throw new Error(`A Plenary server (pid ${pid}) is using ${E2E_DIR}; stop it before running the e2e suite.`);
  }
  fs.rmSync(E2E_DIR, { recursive: true, force: true });
  fs.mkdirSync(E2E_DIR, { recursive: true });
  const build = await ensureBuild();
  if (build.status !== 0) throw new Error(`remix build failed:\n${build.output}`);

  const log = fs.openSync(path.join(E2E_DIR, "server.log"), "w");
  const server = spawn(process.execPath, [path.join(ROOT, "app/server.js")], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      PORT: String(E2E_PORT),
      DATA_DIR: path.join(E2E_DIR, "data"),
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", log, log],
  });

  const deadline = Date.now() + 90_000;
  let output = "";
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server exited:\n${fs.readFileSync(path.join(E2E_DIR, "server.log"), "utf8")}`);
    output = fs.readFileSync(path.join(E2E_DIR, "server.log"), "utf8");
    const link = output.match(/https?:\/\/\S+\/setup\/[A-Za-z0-9_-]{43}/)?.[0];
    if (link) {
      fs.writeFileSync(SETUP_LINK_FILE, link);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (!fs.existsSync(SETUP_LINK_FILE)) throw new Error(`no setup link within 90 s:\n${output}`);

  return async () => {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
  };
}
