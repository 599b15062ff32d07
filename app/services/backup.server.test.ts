import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import type { PGlite } from "@electric-sql/pglite";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createPgliteDb, createPostgresDb, type DB, openPglite } from "~/db.server";
import { parseEnv } from "~/env.server";
import { lastBackup, recordBackup, tableChecksums } from "~/models/backup-log.server";
import { BackupError, backupFileName, createBackup, verifyBackupFile } from "~/services/backup.server";
import { migrations } from "../../db/migrations/index";
import { createTestDb, databaseLabel, type PreparedDatabase, prepareServerDatabase, type TestDb, usingPostgres } from "../../tests/helpers/db";
import { TMP } from "../../tests/helpers/paths";

describe("backupFileName", () => {
  it("names the file after the UTC minute it was taken", () => {
    expect(backupFileName(new Date("2026-11-24T09:05:59Z"))).toBe("plenary-backup-20261124-0905.plenary");
  });
});

describe(`backup log and table checksums (${databaseLabel})`, () => {
  let test: TestDb;
  beforeAll(async () => {
    test = await createTestDb();
  });
  afterAll(() => test.close());

  it("lastBackup is null at first, then the most recent backup", async () => {
    expect(await lastBackup(test.db)).toBeNull();
    await recordBackup(test.db, { kind: "command", databaseKind: "embedded", fileName: "a.plenary", bytes: 10, createdBy: null });
    await sql`update backup_log set at = now() - interval '1 day'`.execute(test.db);
    await recordBackup(test.db, { kind: "download", databaseKind: "postgres", fileName: "b.plenary", bytes: 5_000_000_000, createdBy: null });
    expect(await lastBackup(test.db)).toEqual({ at: expect.any(Date), kind: "download", bytes: 5_000_000_000 });
  });

  it("checksums do not depend on the session's time zone and change with the data", async () => {
    const utc = await test.db.transaction().execute((trx) => tableChecksums(trx));
    const seoul = await test.db.transaction().execute(async (trx) => {
      await sql`set local timezone = 'Asia/Seoul'`.execute(trx);
      await sql`set local datestyle = 'German'`.execute(trx);
      return tableChecksums(trx);
    });
    expect(seoul).toEqual(utc);
    expect(utc.backup_log.rows).toBe(2);
    expect(Object.keys(utc)).toContain("kysely_migration");

    await sql`update backup_log set file_name = 'c.plenary' where file_name = 'a.plenary'`.execute(test.db);
    const changed = await test.db.transaction().execute((trx) => tableChecksums(trx));
    expect(changed.backup_log.rows).toBe(2);
    expect(changed.backup_log.md5).not.toBe(utc.backup_log.md5);
    expect({ ...changed, backup_log: undefined }).toEqual({ ...utc, backup_log: undefined });
  });
});

describe(`createBackup and verifyBackupFile (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let db: DB;
  let pglite: PGlite | undefined;
  let work: string;
  let file: string;

  beforeAll(async () => {
    database = await prepareServerDatabase();
    work = fs.mkdtempSync(path.join(TMP, "backup-unit-"));
    file = path.join(work, "unit.plenary");
    if (usingPostgres) db = createPostgresDb(database.env.DATABASE_URL, 2);
    else db = createPgliteDb((pglite = await openPglite(path.join(database.dataDir, "pgdata"))));
  });
  afterAll(async () => {
    await db.destroy();
    await database.dispose();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("writes a self-describing file that verifies", async () => {
    await db.insertInto("rate_limit").values({ key: "unit", hits: 1, window_started_at: new Date() }).execute();
    const env = parseEnv(database.env);
    const backup = await createBackup({ db, env, pglite });
    await backup.writeTo(file);
    expect(fs.statSync(file).size).toBe(backup.bytes);
    expect(fs.readdirSync(work)).toEqual(["unit.plenary"]);

    const verified = await verifyBackupFile(file);
    expect(verified.manifest).toEqual(backup.manifest);
    expect(verified.manifest).toMatchObject({
      format: "plenary-backup",
      formatVersion: 1,
      kind: usingPostgres ? "postgres" : "embedded",
      migration: Object.keys(migrations).sort().at(-1),
      payload: { format: usingPostgres ? "pg_dump-custom" : "pglite-datadir-tar-gzip" },
    });
    expect(verified.manifest.tables.rate_limit.rows).toBe(1);
    expect(verified.manifest.tables.secretariat.rows).toBe(1);

    const again = await createBackup({ db, env, pglite });
    await expect(again.writeTo(file)).rejects.toThrow(BackupError);
    expect(fs.readdirSync(work)).toEqual(["unit.plenary"]);
    await again.dispose();
  });

  it("refuses missing files, trailing bytes, unknown formats and manifests that are not JSON", async () => {
    await expect(verifyBackupFile(path.join(work, "missing.plenary"))).rejects.toThrow(/does not exist/);

    const bytes = fs.readFileSync(file);
    const longer = path.join(work, "longer.plenary");
    fs.writeFileSync(longer, Buffer.concat([bytes, Buffer.from("x")]));
    await expect(verifyBackupFile(longer)).rejects.toThrow(/1 unexpected bytes at its end/);

    const header = (version: string, json: Buffer) =>
      Buffer.concat([
        Buffer.from(`PLENARY-BACKUP\n${version} ${json.length} ${crypto.createHash("sha256").update(json).digest("hex")}\n`),
        json,
        Buffer.from("\n"),
      ]);
    const future = path.join(work, "future.plenary");
    fs.writeFileSync(future, header("2", Buffer.from("{}")));
    await expect(verifyBackupFile(future)).rejects.toThrow(/backup format 2/);
    const notJson = path.join(work, "not-json.plenary");
    fs.writeFileSync(notJson, header("1", Buffer.from("{nope")));
    await expect(verifyBackupFile(notJson)).rejects.toThrow(/manifest is not valid JSON/);
    const incomplete = path.join(work, "incomplete.plenary");
    fs.writeFileSync(incomplete, header("1", Buffer.from('{"format":"plenary-backup"}')));
    await expect(verifyBackupFile(incomplete)).rejects.toThrow(/manifest is incomplete/);
  });
});
