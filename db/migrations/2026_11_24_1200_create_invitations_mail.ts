import { type Kysely, sql } from "kysely";

const LOCALES = sql`('en', 'ko', 'zh', 'ja', 'ru', 'mn')`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("invitation")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("event_id", "uuid", (c) => c.notNull().references("event.id").onDelete("cascade"))
    .addColumn("member_id", "uuid", (c) => c.notNull().references("member.id").onDelete("restrict"))
    .addColumn("letter_locale", "text", (c) => c.notNull().check(sql`letter_locale in ${LOCALES}`))
    .addColumn("response", "text", (c) =>
      c
        .notNull()
        .defaultTo("pending")
        .check(sql`response in ('pending', 'attending', 'declining', 'representative', 'undecided')`),
    )
    .addColumn("revision", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("first_opened_at", "timestamptz")
    .addColumn("answered_at", "timestamptz")
    .addColumn("created_by", "uuid", (c) => c.references("staff_user.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("invitation_event_member", ["event_id", "member_id"])
    .execute();

  // Only the SHA-256 of a link token is stored; one live token per invitation.
  await db.schema
    .createTable("invitation_token")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("invitation_id", "uuid", (c) => c.notNull().references("invitation.id").onDelete("cascade"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("revoked_at", "timestamptz")
    .execute();
  await sql`create unique index invitation_token_live on invitation_token (invitation_id) where revoked_at is null`.execute(db);

  await db.schema
    .createTable("letter")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("event_id", "uuid", (c) => c.notNull().references("event.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('invitation', 'reminder', 'update', 'cancellation')`))
    .addColumn("locale", "text", (c) => c.notNull().check(sql`locale in ${LOCALES}`))
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("updated_by", "uuid", (c) => c.references("staff_user.id").onDelete("set null"))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("letter_event_kind_locale", ["event_id", "kind", "locale"])
    .execute();

  // The outbox and the mail log: written in the same transaction as the change that causes the message.
  await db.schema
    .createTable("email_message")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("idempotency_key", "text", (c) => c.notNull().unique())
    .addColumn("message_id", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("locale", "text", (c) => c.notNull().check(sql`locale in ${LOCALES}`))
    .addColumn("event_id", "uuid", (c) => c.references("event.id").onDelete("set null"))
    .addColumn("invitation_id", "uuid", (c) => c.references("invitation.id").onDelete("set null"))
    .addColumn("to_addresses", "jsonb", (c) => c.notNull())
    .addColumn("cc_addresses", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("html", "text", (c) => c.notNull())
    .addColumn("text_body", "text", (c) => c.notNull())
    .addColumn("ics", "text")
    .addColumn("ics_name", "text")
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("queued")
        .check(sql`status in ('queued', 'sending', 'sent', 'deferred', 'failed', 'local', 'cancelled')`),
    )
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("give_up_at", "timestamptz")
    .addColumn("lease_until", "timestamptz")
    .addColumn("leased_by", "text")
    .addColumn("last_reply", "text")
    .addColumn("created_by", "uuid", (c) => c.references("staff_user.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("sent_at", "timestamptz")
    .execute();
  await db.schema.createIndex("email_message_due_idx").on("email_message").columns(["status", "next_attempt_at"]).execute();
  await db.schema.createIndex("email_message_event_idx").on("email_message").columns(["event_id", "created_at"]).execute();

  // One row: whether the queue is paused (bad SMTP credentials or configuration) and the worker's heartbeat.
  await db.schema
    .createTable("mail_queue_state")
    .addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn("paused_at", "timestamptz")
    .addColumn("pause_reason", "text")
    .addColumn("heartbeat_at", "timestamptz")
    .execute();
  await sql`insert into mail_queue_state (id) values (1)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["mail_queue_state", "email_message", "letter", "invitation_token", "invitation"]) {
    await db.schema.dropTable(table).execute();
  }
}
