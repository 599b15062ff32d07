import fs from "node:fs";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";
import { Kysely, PGliteDialect } from "kysely";
import pg from "pg";
import type { TestProject } from "vitest/node";

import { ensureBuild } from "../../app/cli/ensure-build.js";
import { migrateToLatest } from "../../db/migrator";
import { TMP } from "../helpers/paths";

/**
 * Once per run: build the app (integration tests start the real server) and migrate a database
 * that every test file copies: a PGlite snapshot, or a template database on TEST_DATABASE_URL's server.
 */
export default async function setup(project: TestProject) {
  fs.mkdirSync(TMP, { recursive: true });
  // built once for every suite that needs it, unless a source changed (and never twice at once)
  const build = await ensureBuild();
  if (build.status !== 0) throw new Error(`remix build failed:\n${build.output}`);

  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    const template = `plenary_tpl_${process.pid}`;
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    await adminQuery(adminUrl, `CREATE DATABASE "${template}" TEMPLATE template0 ENCODING 'UTF8'`);
    const pool = new pg.Pool({ connectionString: withDatabase(adminUrl, template), max: 1 });
    const { PostgresDialect } = await import("kysely");
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
    await migrateToLatest(db);
    await db.destroy();
    project.provide("pgTemplate", template);
    return async () => {
      const left = await adminQuery(adminUrl, `SELECT datname FROM pg_database WHERE datname LIKE 'plenary_t\\_${process.pid}\\_%' OR datname = '${template}'`);
      for (const row of left) await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
    };
  }

  const pglite = await PGlite.create();
  const db = new Kysely<any>({ dialect: new PGliteDialect({ pglite }) });
  await migrateToLatest(db);
  const dump = await pglite.dumpDataDir("none");
  await db.destroy();
  const snapshot = path.join(TMP, `pglite-snapshot-${process.pid}.tar`);
  fs.writeFileSync(snapshot, Buffer.from(await dump.arrayBuffer()));
  project.provide("pgliteSnapshot", snapshot);
  return () => fs.rmSync(snapshot, { force: true });
}

async function adminQuery(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

declare module "vitest" {
  export interface ProvidedContext {
    pgTemplate: string;
    pgliteSnapshot: string;
  }
}
