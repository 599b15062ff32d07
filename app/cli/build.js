#!/usr/bin/env node
// Builds Plenary (the classic Remix compiler, as `remix build` does) and then disposes of the compiler's esbuild
// contexts before exiting.
//
// `remix build` ends with process.exit() while its esbuild contexts are still open. The esbuild service then
// waits for their disposal after its input closes; if it had just pinged the exiting process (it does every
// second), that ping is never answered and Go aborts with "fatal error: all goroutines are asleep - deadlock!"
// and a goroutine dump on the terminal (a slow first build makes it likely). With the contexts disposed, the
// service exits as soon as this process does, and this process exits by itself.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import zlib from "node:zlib";

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
  if (mode === "production") await precompress(config.assetsBuildDirectory);
  logger.info(`built (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  // a new embedded database, ready to unpack on a first start (app/cli/pglite-template.ts)
  const template = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "app/cli/pglite-template.ts")], { cwd: root, stdio: "inherit" });
  if (template.status !== 0) throw new Error("the embedded database template could not be made");
} catch (error) {
  logThrown(error);
  process.exitCode = 1;
} finally {
  await compiler.dispose();
}

/**
 * Writes a brotli (quality 11) and a gzip copy next to every script and style of the browser build, once per
 * build, so they are served at the best ratio without compressing on each request (the reply page's scripts:
 * about 140 KB on the wire instead of 495 KB). app/http.server.ts serves them with express-static-gzip.
 */
async function precompress(dir) {
  const brotli = promisify(zlib.brotliCompress);
  const gzip = promisify(zlib.gzip);
  const files = fs.readdirSync(dir, { recursive: true }).filter((file) => /\.(js|css)$/.test(file));
  await Promise.all(
    files.map(async (file) => {
      const source = fs.readFileSync(path.join(dir, file));
      const [br, gz] = await Promise.all([
        brotli(source, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: source.length } }),
        gzip(source, { level: 9 }),
      ]);
      fs.writeFileSync(path.join(dir, `${file}.br`), br);
      fs.writeFileSync(path.join(dir, `${file}.gz`), gz);
    }),
  );
}
