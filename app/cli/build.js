#!/usr/bin/env node
// Builds Plenary (the classic Remix compiler, as `remix build` does) and then disposes of the compiler's esbuild
// contexts before exiting.
//
// `remix build` ends with process.exit() while its esbuild contexts are still open. The esbuild service then
// waits for their disposal after its input closes; if it had just pinged the exiting process (it does every
// second), that ping is never answered and Go aborts with "fatal error: all goroutines are asleep - deadlock!"
// and a goroutine dump on the terminal (a slow first build makes it likely). With the contexts disposed, the
// service exits as soon as this process does, and this process exits by itself.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(path.join(root, "package.json"));
const dev = (file) => require(`@remix-run/dev/dist/${file}`);

process.env.NODE_ENV ??= "production";
const mode = process.env.NODE_ENV === "development" ? "development" : "production";
const { readConfig } = dev("config.js");
const { create } = dev("compiler/compiler.js");
const { createFileWatchCache } = dev("compiler/fileWatchCache.js");
const { logger } = dev("tux/logger.js");
const { logThrown } = dev("compiler/utils/log.js");

const started = Date.now();
logger.info(`building… (NODE_ENV=${mode})`);
const config = await readConfig(root);
fs.rmSync(config.assetsBuildDirectory, { recursive: true, force: true });
fs.mkdirSync(config.assetsBuildDirectory, { recursive: true });
const compiler = await create({ config, options: { mode, sourcemap: false }, fileWatchCache: createFileWatchCache(), logger });
try {
  await compiler.compile();
  logger.info(`built (${((Date.now() - started) / 1000).toFixed(1)} s)`);
} catch (error) {
  logThrown(error);
  process.exitCode = 1;
} finally {
  await compiler.dispose();
}
