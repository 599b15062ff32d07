// npm run backup -- [file] [--force] — writes a verified, compressed backup of the whole database: PGlite's data
// directory (embedded; stop the server first, or download a backup from Settings → System) or pg_dump's
// custom format (DATABASE_URL). The default name is plenary-backup-YYYYMMDD-HHMM.plenary (UTC).
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

import { closeDb, DataDirLockedError, getDb, getPglite } from "~/db.server";
import { getEnv } from "~/env.server";
import { writeAudit } from "~/models/audit.server";
import { recordBackup } from "~/models/backup-log.server";
import { backupDatabaseKind, backupFileName, createBackup, verifyBackupFile } from "~/services/backup.server";

function megabytes(bytes: number) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

async function main() {
  const { values, positionals } = parseArgs({ options: { force: { type: "boolean", default: false } }, allowPositionals: true });
  if (positionals.length > 1) {
    console.error("Usage: npm run backup -- [file] [--force]");
    return 2;
  }
  const file = path.resolve(positionals[0] ?? backupFileName());
  if (fs.existsSync(file) && !values.force) {
    console.error(`${file} already exists: choose another name, or add --force to replace it.`);
    return 1;
  }
  if (!fs.existsSync(path.dirname(file))) {
    console.error(`The folder ${path.dirname(file)} does not exist.`);
    return 1;
  }

  const env = getEnv();
  const kind = backupDatabaseKind(env);
  if (env.isEmbedded && !fs.existsSync(path.join(env.DATA_DIR, "pgdata", "PG_VERSION"))) {
    console.error(`There is no embedded database in ${env.DATA_DIR}: nothing to back up.`);
    return 1;
  }
  let db;
  try {
    db = getDb();
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      console.error(`Plenary is running (pid ${error.pid}): stop it, or download a backup from Settings → System.`);
      return 1;
    }
    throw error;
  }
  try {
    const backup = await createBackup({ db, env, pglite: await getPglite() });
    await backup.writeTo(file, { overwrite: values.force });
    await verifyBackupFile(file);
    // The log and audit rows are written after the dump: they are in the live database, not in the file.
    await db.transaction().execute(async (trx) => {
      await recordBackup(trx, { kind: "command", databaseKind: kind, fileName: path.basename(file), bytes: backup.bytes, createdBy: null });
      await writeAudit(trx, {
        actor: { label: "command line" },
        action: "backup.created",
        details: { file: path.basename(file), bytes: backup.bytes, database: kind },
      });
    });
    const tables = Object.values(backup.manifest.tables);
    const rows = tables.reduce((sum, t) => sum + t.rows, 0);
    console.log(
      `Backup written to ${file} (${megabytes(backup.bytes)}, ${kind === "embedded" ? "embedded database" : "PostgreSQL"}: ` +
        `${rows} rows in ${tables.length} tables, verified).`,
    );
    console.log(
      "It does not contain SESSION_SECRET or the data-encryption key (DATA_ENCRYPTION_KEY or DATA_DIR/data-encryption-key): " +
        "keep those with your backups, stored separately and securely.",
    );
    return 0;
  } finally {
    await closeDb();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`Cannot back up: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
