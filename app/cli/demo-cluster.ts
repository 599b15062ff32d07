// npm run demo:cluster — the production topology on this machine: nginx on http://127.0.0.1:8080 in front of two
// web processes, two mail workers, PostgreSQL (DATABASE_URL, default a `plenary_cluster` database on the local
// server, created when missing). Ctrl-C stops everything. See deploy/ and README "Deployment".
import os from "node:os";
import path from "node:path";

import pg from "pg";

import { startCluster } from "./cluster.server";

const databaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/plenary_cluster";
const url = new URL(databaseUrl);
const admin = new pg.Client({ connectionString: Object.assign(new URL(databaseUrl), { pathname: "/postgres" }).toString() });
await admin.connect();
const name = url.pathname.slice(1);
const exists = await admin.query("select 1 from pg_database where datname = $1", [name]);
if (!exists.rowCount) await admin.query(`create database "${name.replace(/"/g, '""')}"`);
await admin.end();

const cluster = await startCluster({
  databaseUrl,
  workDir: path.join(os.tmpdir(), "plenary-cluster"),
  proxyPort: Number(process.env.PORT ?? 8080),
  env: Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith("MAIL_") || key === "SMTP_URL")) as Record<string, string>,
});
console.log(`Plenary runs at ${cluster.url} (nginx → web ${cluster.webPorts.join(", ")}; 2 mail workers; ${databaseUrl}).`);
console.log("Create the first administrator with: DATABASE_URL=… npm run user:create -- --email you@example.org --role admin");
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await cluster.stop();
    process.exit(0);
  });
}
