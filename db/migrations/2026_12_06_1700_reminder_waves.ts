import { type Kysely, sql } from "kysely";

/**
 * Reminders to many members run as send waves too (issue 15): a wave of kind `reminder` carries the reminder's
 * batch (the page's click, or an automatic schedule's). While a batch's wave is being prepared, it is the batch's
 * only one, so a double click or the schedule's next pass starts no second. The members stay in `member_ids` (an
 * event invites a member once).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("send_wave")
    .addColumn("kind", "text", (c) =>
      c
        .notNull()
        .defaultTo("invitation")
        .check(sql`kind in ('invitation', 'reminder')`),
    )
    .addColumn("batch", "text")
    .execute();
  await sql`create unique index send_wave_reminder_batch on send_wave (event_id, batch) where kind = 'reminder' and status in ('queued', 'running')`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists send_wave_reminder_batch`.execute(db);
  await db.schema.alterTable("send_wave").dropColumn("batch").dropColumn("kind").execute();
}
