import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { ROOT, TMP } from "../helpers/paths";
import { freePort } from "../helpers/ports";

/** The files of a fresh checkout (no build yet); node_modules is shared. */
function freshCheckout(dir: string) {
  for (const entry of ["app", "db", "emails", "public", "remix.config.js", "package.json", "package-lock.json", "tsconfig.json", "remix.env.d.ts"]) {
    fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true, filter: (source) => !source.startsWith(path.join(ROOT, "public", "build")) });
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
}

describe("the first `npm start` of a fresh checkout", () => {
  const dir = fs.mkdtempSync(path.join(TMP, "checkout-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("builds and starts without an esbuild goroutine dump, even when the build's process is slow to exit", async () => {
    freshCheckout(dir);
    // Node processes that dawdle on exit (a loaded machine): esbuild's once-a-second ping to a build that has
    // finished then goes unanswered, which is exactly when undisposed esbuild contexts deadlock
    const slowExit = path.join(dir, "slow-exit.mjs");
    fs.writeFileSync(slowExit, "process.on('exit', () => { const until = Date.now() + 1500; while (Date.now() < until); });\n");
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(dir, "app/server.js")], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "production",
        PORT: String(port),
        DATA_DIR: path.join(dir, "data"),
        LOG_LEVEL: "info",
        NODE_OPTIONS: `--import ${slowExit}`,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const deadline = Date.now() + 150_000;
    while (!output.includes("Plenary is running at") && child.exitCode === null && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill("SIGTERM");
    await exited;
    expect(output).toContain("Building Plenary");
    expect(output).toContain("Plenary is running at");
    expect(output).not.toMatch(/goroutine|deadlock/);
    expect(fs.existsSync(path.join(dir, "build", "index.js"))).toBe(true);
  }, 180_000);
});
