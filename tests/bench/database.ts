// A database of a benchmark's own: a new embedded data directory (the default setup), or a new database on
// BENCH_DATABASE_URL's PostgreSQL server (dropped and created afresh). Shared by bench:send and bench:rsvp.
import fs from "node:fs";
import path from "node:path";

import { sql } from "kysely";

import { createPgliteDb, createPostgresDb, type DB, openPglite } from "~/db.server";

export const benchOnPostgres = Boolean(process.env.BENCH_DATABASE_URL);
export const benchDatabaseLabel = benchOnPostgres ? "PostgreSQL" : "embedded PGlite on disk";

/**
 * `env`: what the server needs to find the same database (on PostgreSQL also fixed secrets, since DATA_DIR's
 * generated ones are not used); `open()`: a fresh handle for checks after the run (PGlite: once the server stopped).
 */
export async function benchDatabase(dir: string, name: string): Promise<{ db: DB; env: Record<string, string>; open: () => Promise<DB> }> {
  if (!process.env.BENCH_DATABASE_URL) {
    const pgdata = path.join(dir, "data", "pgdata");
    fs.mkdirSync(path.dirname(pgdata), { recursive: true });
    const open = async () => createPgliteDb(await openPglite(pgdata));
    return { db: await open(), env: {}, open };
  }
  const admin = createPostgresDb(process.env.BENCH_DATABASE_URL, 1);
  try {
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
    await sql`create database ${sql.id(name)}`.execute(admin);
  } finally {
    await admin.destroy();
  }
  const url = new URL(process.env.BENCH_DATABASE_URL);
  url.pathname = `/${name}`;
  const open = async () => createPostgresDb(url.toString(), 4);
  return {
    db: await open(),
    env: { DATABASE_URL: url.toString(), SESSION_SECRET: "b".repeat(40), DATA_ENCRYPTION_KEY: "c".repeat(64) },
    open,
  };
}
