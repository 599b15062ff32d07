import { type Kysely, sql } from "kysely";

/**
 * MAIL_RATE_PER_MINUTE holds across every process that sends (issue 15): the next free send slot is kept in the
 * database, and each message reserves one before it leaves (reserveSendSlot in app/models/email-message.server.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("mail_queue_state").addColumn("rate_next_at", "timestamptz").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table mail_queue_state drop column if exists rate_next_at`.execute(db);
}
