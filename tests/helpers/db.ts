import fs from "node:fs";
import path from "node:path";

import pg from "pg";
import { inject } from "vitest";

import { createPgliteDb, createPostgresDb, type DB, openPglite } from "~/db.server";
import { TMP } from "./paths";

export const usingPostgres = Boolean(process.env.TEST_DATABASE_URL);
export const databaseLabel = usingPostgres ? "PostgreSQL server" : "PGlite";

let counter = 0;

/** A fresh database name on the test server, dropped by the caller (or global teardown). */
async function cloneTemplate(): Promise<{ name: string; url: string }> {
  const admin = process.env.TEST_DATABASE_URL!;
  const name = `plenary_t_${process.ppid}_${process.pid}_${++counter}_${Date.now() % 100000}`;
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${inject("pgTemplate")}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

export async function adminQuery(text: string) {
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

export type TestDb = { db: DB; close: () => Promise<void> };

/** An isolated, migrated database: PGlite from the snapshot (~0.5 s), or a new database on the server. */
export async function createTestDb(): Promise<TestDb> {
  if (usingPostgres) {
    const { name, url } = await cloneTemplate();
    const db = createPostgresDb(url, 5);
    return {
      db,
      close: async () => {
        await db.destroy();
        await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      },
    };
  }
  const pglite = await openPglite(undefined, snapshotBlob());
  const db = createPgliteDb(pglite);
  return { db, close: () => db.destroy() };
}

function snapshotBlob() {
  return new Blob([fs.readFileSync(inject("pgliteSnapshot"))]);
}

/** What a server process needs for its own migrated database: DATABASE_URL, or a DATA_DIR seeded from the snapshot. */
export type PreparedDatabase = {
  env: Record<string, string>;
  dataDir: string;
  databaseName?: string;
  dispose: () => Promise<void>;
};

export async function prepareServerDatabase(): Promise<PreparedDatabase> {
  const dataDir = fs.mkdtempSync(path.join(TMP, "server-"));
  if (usingPostgres) {
    const { name, url } = await cloneTemplate();
    return {
      env: { DATABASE_URL: url, SESSION_SECRET: "test-secret-that-is-long-enough-0123456789", DATA_DIR: dataDir },
      dataDir,
      databaseName: name,
      dispose: async () => {
        await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const pglite = await openPglite(path.join(dataDir, "pgdata"), snapshotBlob());
  await pglite.close();
  return {
    env: { DATA_DIR: dataDir },
    dataDir,
    dispose: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

/**
 * Runs `fn` on a running test server's own database. An in-process server: its own handle, the server keeps
 * running. PostgreSQL: a second connection, the server keeps running. PGlite in a server process (one process
 * at a time): the server is stopped, the data directory opened here, then the server is started again.
 */
export async function withServerDb<T>(
  server: { dataDir: string; stop: () => Promise<unknown>; restart: () => Promise<void>; db?: DB },
  env: Record<string, string>,
  fn: (db: DB) => Promise<T>,
): Promise<T> {
  if (server.db) return fn(server.db);
  if (env.DATABASE_URL) {
    const db = createPostgresDb(env.DATABASE_URL, 2);
    try {
      return await fn(db);
    } finally {
      await db.destroy();
    }
  }
  await server.stop();
  const db = createPgliteDb(await openPglite(path.join(server.dataDir, "pgdata")));
  try {
    return await fn(db);
  } finally {
    await db.destroy();
    await server.restart();
  }
}
