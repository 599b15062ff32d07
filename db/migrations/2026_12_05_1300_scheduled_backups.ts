import { type Kysely, sql } from "kysely";

/** Scheduled backups of the embedded database (issue 20 §6) are logged as their own kind. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table backup_log drop constraint if exists backup_log_kind_check`.execute(db);
  await sql`alter table backup_log add constraint backup_log_kind_check check (kind in ('command', 'download', 'scheduled'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from backup_log where kind = 'scheduled'`.execute(db);
  await sql`alter table backup_log drop constraint if exists backup_log_kind_check`.execute(db);
  await sql`alter table backup_log add constraint backup_log_kind_check check (kind in ('command', 'download'))`.execute(db);
}
