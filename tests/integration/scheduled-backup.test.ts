import fs from "node:fs";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { verifyBackupFile } from "~/services/backup.server";
import { type PreparedDatabase, prepareServerDatabase, usingPostgres } from "../helpers/db";
import { waitFor } from "../helpers/replies";
import { startTestServer, type TestServer } from "../helpers/server";

/**
 * Issue 20 §6: the embedded database backs itself up on a schedule. The running server (the only process that
 * may open it) writes the same verified file as `npm run backup` into DATA_DIR/backups and keeps the newest
 * BACKUP_KEEP files.
 */
describe.skipIf(usingPostgres)("scheduled backups of the embedded database", () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let dir = "";
  const old = ["plenary-backup-20240101-0000.plenary", "plenary-backup-20250101-0000.plenary", "plenary-backup-20260101-0000.plenary"];

  beforeAll(async () => {
    database = await prepareServerDatabase();
    dir = path.join(database.dataDir, "backups");
    fs.mkdirSync(dir, { recursive: true });
    // three older backups, and a file that is not one of ours (never touched)
    for (const name of old) fs.writeFileSync(path.join(dir, name), "old");
    fs.writeFileSync(path.join(dir, "notes.txt"), "keep me");
    server = await startTestServer({ BACKUP_EVERY_HOURS: "24", BACKUP_KEEP: "2" }, database);
  });
  afterAll(async () => {
    await server?.dispose();
    await database?.dispose();
  });

  it("writes a verified backup soon after start, logs it, and keeps only the newest two", async () => {
    const isNew = (name: string) => /^plenary-backup-\d{8}-\d{4}\.plenary$/.test(name) && !old.includes(name);
    await waitFor(() => fs.readdirSync(dir).some(isNew), 60_000);
    const written = fs.readdirSync(dir).find(isNew)!;
    // the file is renamed into place only once complete
    const verified = await verifyBackupFile(path.join(dir, written));
    expect(verified.manifest.tables.member).toBeDefined();
    expect(fs.statSync(path.join(dir, written)).mode & 0o777).toBe(0o600);
    await waitFor(() => fs.readdirSync(dir).filter((name) => name.endsWith(".plenary")).length === 2, 10_000);
    expect(fs.readdirSync(dir).sort()).toEqual(["notes.txt", "plenary-backup-20260101-0000.plenary", written].sort());
    expect(server.output()).toContain("scheduled backup written");
  });
});
