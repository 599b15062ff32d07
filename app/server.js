#!/usr/bin/env node
// Starts Plenary: builds first when there is no build (or the sources are newer), then hands over to
// startServer() inside the server bundle, so the app's modules (database, config) exist once per process.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const buildFile = path.join(root, "build", "index.js");
const mode = process.env.NODE_ENV === "development" ? "development" : "production";
process.env.NODE_ENV ??= mode;

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

function buildIsStale() {
  if (!fs.existsSync(buildFile) || !fs.existsSync(path.join(root, "public", "build"))) return true;
  const built = fs.statSync(buildFile).mtimeMs;
  const sources = ["app", "db", "emails", "public", "remix.config.js", "package-lock.json"].map((p) => path.join(root, p));
  return sources.some((source) => newestMtime(source) > built);
}

if (mode === "production" && buildIsStale()) {
  console.log("Building Plenary (first start or changed sources)…");
  // app/cli/build.js rather than `remix build`, which exits with esbuild still running (see that file)
  const result = spawnSync(process.execPath, [path.join(root, "app", "cli", "build.js")], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) {
    console.error("The build failed; see the messages above.");
    process.exit(result.status ?? 1);
  }
}

const build = await import(pathToFileURL(buildFile).href + (mode === "development" ? `?t=${Date.now()}` : ""));
try {
  await build.entry.module.startServer({ build, rootDir: root, mode });
} catch (error) {
  // Readable one-liners for the problems an operator can fix; a stack trace for everything else.
  if (error && ["DataDirLockedError", "StartupError"].includes(error.name)) {
    console.error(`Plenary cannot start: ${error.message}`);
    process.exit(1);
  }
  if (error && error.code === "EADDRINUSE") {
    console.error(`Plenary cannot start: port ${process.env.PORT ?? 3000} is already in use. Set PORT to another port.`);
    process.exit(1);
  }
  throw error;
}
