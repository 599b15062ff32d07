// The ceiling server of PERF-LIMITS 4c: express + @remix-run/express, NODE_ENV=production, no extra middleware.
// Started by tests/bench/rsvp.bench.ts after `remix build` in this folder; prints "listening <port>".
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { createRequestHandler } from "@remix-run/express";
import express from "express";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, "../../.tmp/minimal-remix");
const build = await import(pathToFileURL(path.join(out, "build/index.js")).href);

const app = express();
app.disable("x-powered-by");
app.use("/build", express.static(path.join(out, "public/build"), { immutable: true, maxAge: "1y" }));
app.all("*", createRequestHandler({ build, mode: "production" }));
const server = app.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
