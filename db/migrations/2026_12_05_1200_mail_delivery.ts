import { type Kysely, sql } from "kysely";

/**
 * Mail like a professional sender (issue 16).
 * - email_message: per-recipient outcomes (`recipients`), the first attempt (the retry window counts from it),
 *   `to_undelivered` (a To address refused, bounced or suppressed, even if a Cc was accepted), `bypass_pause`
 *   (the Settings test message, which is sent while the queue is paused and resumes it when it succeeds), and
 *   two new statuses: bounced (no To address took it) and suppressed (every To address is on the suppression list).
 * - mail_queue_state: why the queue is paused (configuration or rate), when a rate pause ends, and a fingerprint
 *   of the SMTP settings the configuration pause was taken under (other settings end the pause).
 * - mail_suppression: addresses that bounced hard; nothing is sent to them until staff lift it.
 * - inbound_mail: what the intake received (late bounces, auto-replies, replies written by email).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table email_message drop constraint if exists email_message_status_check`.execute(db);
  await sql`alter table email_message add constraint email_message_status_check
    check (status in ('queued', 'sending', 'sent', 'deferred', 'failed', 'local', 'cancelled', 'bounced', 'suppressed'))`.execute(db);
  await db.schema
    .alterTable("email_message")
    .addColumn("recipients", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("first_attempt_at", "timestamptz")
    .addColumn("to_undelivered", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("bypass_pause", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("bounced_at", "timestamptz")
    .execute();
  await db.schema.createIndex("email_message_message_id_idx").on("email_message").column("message_id").execute();
  await db.schema
    .createIndex("email_message_invitation_idx")
    .on("email_message")
    .column("invitation_id")
    .where(sql.ref("invitation_id"), "is not", null)
    .execute();

  await db.schema
    .alterTable("mail_queue_state")
    .addColumn("pause_kind", "text", (c) => c.check(sql`pause_kind in ('configuration', 'rate')`))
    .addColumn("resume_at", "timestamptz")
    .addColumn("pause_fingerprint", "text")
    .execute();

  await db.schema
    .createTable("mail_suppression")
    // lower-cased address
    .addColumn("address", "text", (c) => c.primaryKey())
    .addColumn("reason", "text", (c) => c.notNull().check(sql`reason in ('refused', 'bounced', 'manual')`))
    .addColumn("reply", "text")
    .addColumn("email_message_id", "uuid", (c) => c.references("email_message.id").onDelete("set null"))
    .addColumn("created_by", "uuid", (c) => c.references("staff_user.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("inbound_mail")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('bounce', 'delay', 'auto_reply', 'reply', 'other')`))
    .addColumn("how", "text", (c) => c.notNull())
    .addColumn("email_message_id", "uuid", (c) => c.references("email_message.id").onDelete("set null"))
    .addColumn("invitation_id", "uuid", (c) => c.references("invitation.id").onDelete("cascade"))
    .addColumn("event_id", "uuid", (c) => c.references("event.id").onDelete("cascade"))
    .addColumn("message_id", "text")
    .addColumn("from_name", "text")
    .addColumn("from_address", "text")
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("details", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("received_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("inbound_mail_invitation_idx").on("inbound_mail").columns(["invitation_id", "received_at"]).execute();
  await db.schema.createIndex("inbound_mail_event_idx").on("inbound_mail").columns(["event_id", "received_at"]).execute();
  await db.schema.createIndex("inbound_mail_received_idx").on("inbound_mail").column("received_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("inbound_mail").execute();
  await db.schema.dropIndex("email_message_message_id_idx").ifExists().execute();
  await db.schema.dropIndex("email_message_invitation_idx").ifExists().execute();
  await db.schema.dropTable("mail_suppression").execute();
  await db.schema.alterTable("mail_queue_state").dropColumn("pause_kind").dropColumn("resume_at").dropColumn("pause_fingerprint").execute();
  await sql`update email_message set status = 'failed' where status in ('bounced', 'suppressed')`.execute(db);
  await db.schema
    .alterTable("email_message")
    .dropColumn("recipients")
    .dropColumn("first_attempt_at")
    .dropColumn("to_undelivered")
    .dropColumn("bypass_pause")
    .dropColumn("bounced_at")
    .execute();
  await sql`alter table email_message drop constraint if exists email_message_status_check`.execute(db);
  await sql`alter table email_message add constraint email_message_status_check
    check (status in ('queued', 'sending', 'sent', 'deferred', 'failed', 'local', 'cancelled'))`.execute(db);
}
