import fs from "node:fs";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";

import { createPgliteDb, PGLITE_PARSERS, PGLITE_START_PARAMS } from "~/db.server";
import { migrateToLatest } from "../db/migrator";

/**
 * Writes a new embedded database with every migration applied as a gzipped tarball (`npm run build` makes
 * build/pgdata-template.tar.gz with it). A first start unpacks it instead of running initdb and the migrations
 * (openPglite). It holds no installation's data or secrets: the schema and the settings rows the migrations
 * create (id 1).
 */
export async function writePgliteTemplate(file: string) {
  const pglite = await PGlite.create({ parsers: PGLITE_PARSERS, startParams: PGLITE_START_PARAMS });
  const db = createPgliteDb(pglite);
  try {
    await migrateToLatest(db);
    const tarball = await pglite.dumpDataDir("gzip");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(`${file}.part`, Buffer.from(await tarball.arrayBuffer()));
    fs.renameSync(`${file}.part`, file);
  } finally {
    await db.destroy();
  }
}
