#!/usr/bin/env node
// Starts Plenary: builds first when there is no build (or the sources are newer), then hands over to
// startServer() inside the server bundle, so the app's modules (database, config) exist once per process.
import module from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// Node 22.1 and later keep V8's compiled code of the modules on disk, so a restart compiles them once less (compiling
// the bundle and its dependencies is about a third of a restart); Node 20 has no such cache and skips this.
module.enableCompileCache?.(path.join(root, "build", ".compile-cache"));
const buildFile = path.join(root, "build", "index.js");
const mode = process.env.NODE_ENV === "development" ? "development" : "production";
process.env.NODE_ENV ??= mode;

if (mode === "production") {
  const { ensureBuild, buildIsStale } = await import("./cli/ensure-build.js");
  if (buildIsStale()) console.log("Building Plenary (first start or changed sources)…");
  // app/cli/build.js rather than `remix build`, which exits with esbuild still running (see that file)
  const result = await ensureBuild({ stdio: "inherit" });
  if (result.status !== 0) {
    console.error("The build failed; see the messages above.");
    process.exit(result.status);
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
