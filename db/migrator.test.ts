import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";

import { createPgliteDb, openPglite } from "~/db.server";
import { createTestDb, databaseLabel, type TestDb } from "../tests/helpers/db";
import { migrations } from "./migrations/index";
import { createMigrator, isMigrated, migrateToLatest } from "./migrator";

const names = Object.keys(migrations);

describe(`migrateToLatest at start-up (${databaseLabel})`, () => {
  let test: TestDb | undefined;
  afterEach(async () => {
    await test?.close();
    test = undefined;
  });

  it("answers from one read when every migration of this code is applied, and applies the missing one otherwise", async () => {
    test = await createTestDb();
    const { db } = test;
    expect(await isMigrated(db)).toBe(true);
    expect((await migrateToLatest(db)).results).toEqual([]);

    // one step back: the last migration is undone, so the start-up must apply it again
    const down = await createMigrator(db).migrateDown();
    expect(down.error).toBeUndefined();
    expect(await isMigrated(db)).toBe(false);
    const up = await migrateToLatest(db);
    expect(up.results?.map((r) => [r.migrationName, r.status])).toEqual([[names.at(-1), "Success"]]);
    expect(await isMigrated(db)).toBe(true);
  });

  it("leaves a database with a migration this code does not know to kysely's Migrator, which refuses it", async () => {
    test = await createTestDb();
    const { db } = test;
    await sql`insert into kysely_migration (name, timestamp) values ('2099_01_01_0000_from_a_newer_version', now()::text)`.execute(db);
    expect(await isMigrated(db)).toBe(false);
    await expect(migrateToLatest(db)).rejects.toThrow(/corrupted migrations/);
  });

  it("reads nothing from a new database (no table yet) and migrates it", async () => {
    const db = createPgliteDb(await openPglite(undefined, undefined, { template: "/nonexistent" }));
    try {
      expect(await isMigrated(db)).toBe(false);
      const result = await migrateToLatest(db);
      expect(result.results).toHaveLength(names.length);
      expect(await isMigrated(db)).toBe(true);
    } finally {
      await db.destroy();
    }
  });

  it("never reads inside a caller's transaction (a failed read would end it)", async () => {
    test = await createTestDb();
    await test.db.transaction().execute(async (trx) => {
      expect(await isMigrated(trx)).toBe(false);
    });
  });
});
