import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";

import { createPgliteDb, openPglite } from "~/db.server";
import { writePgliteTemplate } from "~/pglite-template.server";
import { migrations } from "../db/migrations";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plenary-template-"));

/** Issue 15: a first start on an empty DATA_DIR unpacks the build's database instead of running initdb. */
describe("the embedded database template", () => {
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a new data directory starts from it, migrated, and keeps what is written after a restart", async () => {
    const template = path.join(dir, "template.tar.gz");
    await writePgliteTemplate(template);
    const pgdata = path.join(dir, "pgdata");

    const db = createPgliteDb(await openPglite(pgdata, undefined, { template }));
    // unpacked, not made by initdb: the migrations are there already, and the settings rows of a new installation
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
    expect(applied.rows.map((row) => row.name)).toEqual(Object.keys(migrations).sort());
    expect((await sql<{ n: number }>`select count(*)::int as n from secretariat`.execute(db)).rows[0].n).toBe(1);
    expect((await sql<{ n: number }>`select count(*)::int as n from staff_user`.execute(db)).rows[0].n).toBe(0);
    await sql`update secretariat set short_name = 'NEAR'`.execute(db);
    await db.destroy();
    expect(fs.existsSync(path.join(pgdata, "PG_VERSION"))).toBe(true);

    // the directory is the database from now on: the template is not unpacked over it again
    const again = createPgliteDb(await openPglite(pgdata, undefined, { template }));
    expect((await sql<{ s: string }>`select short_name as s from secretariat`.execute(again)).rows[0].s).toBe("NEAR");
    await again.destroy();
  });
});
