// Builds Plenary when there is no build or a source is newer than it, one build at a time: `npm start`, the test
// suites and the e2e suite all call this, and two builds writing public/build at once would corrupt each other.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const buildFile = path.join(root, "build", "index.js");
const lockDir = path.join(root, "build.lock");

function newestMtime(target) {
  let newest = 0;
  const stack = [target];
  while (stack.length) {
    const current = stack.pop();
    let stat;
    try {
      stat = fs.statSync(current);
    } catch {
      continue;
    }
    if (stat.isDirectory()) {
      if (current === path.join(root, "public", "build")) continue;
      for (const entry of fs.readdirSync(current)) stack.push(path.join(current, entry));
    } else if (!/\.test\.tsx?$/.test(current)) {
      newest = Math.max(newest, stat.mtimeMs);
    }
  }
  return newest;
}

/** Whether the build is missing or older than a source (tests excluded: they are not part of the build). */
export function buildIsStale() {
  if (!fs.existsSync(buildFile) || !fs.existsSync(path.join(root, "public", "build"))) return true;
  const built = fs.statSync(buildFile).mtimeMs;
  const sources = ["app", "db", "emails", "public", "remix.config.js", "package.json", "package-lock.json"].map((p) => path.join(root, p));
  return sources.some((source) => newestMtime(source) > built);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Builds when stale; `{ stdio: "inherit" }` shows the compiler's output. Returns { built, status, output }.
 * A build already running in another process is waited for (a lock directory); a lock left by a build that
 * died is taken over after 5 minutes.
 */
export async function ensureBuild({ stdio = "pipe", force = false } = {}) {
  if (!force && !buildIsStale()) return { built: false, status: 0, output: "" };
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      const age = Date.now() - fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs;
      if (age > 5 * 60_000) fs.rmSync(lockDir, { recursive: true, force: true });
      else await sleep(250);
    }
  }
  try {
    if (!force && !buildIsStale()) return { built: false, status: 0, output: "" };
    const result = spawnSync(process.execPath, [path.join(root, "app", "cli", "build.js")], {
      cwd: root,
      stdio: stdio === "inherit" ? "inherit" : "pipe",
      encoding: "utf8",
      env: { ...process.env, NODE_ENV: "production" },
    });
    return { built: true, status: result.status ?? 1, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}
