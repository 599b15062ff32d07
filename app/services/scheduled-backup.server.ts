import fs from "node:fs/promises";
import path from "node:path";

import type { PGlite } from "@electric-sql/pglite";

import type { DB } from "~/db.server";
import type { Env } from "~/env.server";
import { logger } from "~/logger.server";
import { lastBackupOfKind, recordBackup } from "~/models/backup-log.server";
import { backupDatabaseKind, backupFileName, createBackup } from "~/services/backup.server";

const NAME = /^plenary-backup-\d{8}-\d{4}\.plenary$/;

/** Where scheduled backups go: BACKUP_DIR, or `backups` in the data directory. */
export const backupDir = (env: Env) => env.BACKUP_DIR ?? path.join(env.DATA_DIR, "backups");

/**
 * Scheduled backups of the embedded database (issue 20 §6): every BACKUP_EVERY_HOURS the process that holds it
 * writes the same file as `npm run backup` into the backup directory, logs it (kind `scheduled`) and keeps the
 * newest BACKUP_KEEP files. With PostgreSQL, back up with pg_dump (README "Deployment"). Returns the file
 * written, or null when none was due.
 */
export async function runScheduledBackup({ db, env, pglite, now = new Date() }: { db: DB; env: Env; pglite: PGlite | undefined; now?: Date }) {
  if (!env.isEmbedded || !env.BACKUP_EVERY_HOURS || !pglite) return null;
  const last = await lastBackupOfKind(db, { kind: "scheduled" });
  if (last && now.getTime() - last.getTime() < env.BACKUP_EVERY_HOURS * 3600_000) return null;
  const dir = backupDir(env);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const fileName = backupFileName(now);
  const file = path.join(dir, fileName);
  const backup = await createBackup({ db, env, pglite });
  await backup.writeTo(file, { overwrite: true });
  await recordBackup(db, { kind: "scheduled", databaseKind: backupDatabaseKind(env), fileName, bytes: backup.bytes, createdBy: null });
  const files = (await fs.readdir(dir)).filter((name) => NAME.test(name)).sort();
  for (const old of files.slice(0, Math.max(0, files.length - env.BACKUP_KEEP))) await fs.rm(path.join(dir, old), { force: true });
  logger.info({ file, bytes: backup.bytes, kept: Math.min(files.length, env.BACKUP_KEEP) }, "scheduled backup written");
  return file;
}
