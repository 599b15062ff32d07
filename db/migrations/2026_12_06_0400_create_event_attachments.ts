import { type Kysely, sql } from "kysely";

/**
 * Issue 18 §8, letters as documents. Files staff attach to an event's invitation (agenda, practical
 * information) are stored once per event, with their SHA-256; a message refers to them by id and the worker
 * attaches them when it sends. A removed file keeps its row (removed_at) while a message still to be sent
 * refers to it, so a retry carries the same bytes. Per event: whether the letter goes along as a PDF, and in
 * which second language. Per message: the PDF letter's text (rendered when sent, with the live link) and the
 * files it carries.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("event_attachment")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("event_id", "uuid", (c) => c.notNull().references("event.id").onDelete("cascade"))
    .addColumn("filename", "text", (c) => c.notNull())
    .addColumn("content_type", "text", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull().check(sql`size > 0`))
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("content", "bytea", (c) => c.notNull())
    .addColumn("created_by", "uuid", (c) => c.references("staff_user.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("removed_at", "timestamptz")
    .execute();
  await sql`create index event_attachment_event on event_attachment (event_id, created_at)`.execute(db);

  await db.schema
    .createTable("event_letter_option")
    .addColumn("event_id", "uuid", (c) => c.primaryKey().references("event.id").onDelete("cascade"))
    .addColumn("attach_pdf", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("second_locale", "text", (c) => c.check(sql`second_locale in ('en', 'ko', 'zh', 'ja', 'ru', 'mn')`))
    .addColumn("updated_by", "uuid", (c) => c.references("staff_user.id").onDelete("set null"))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("email_message_document")
    .addColumn("message_id", "uuid", (c) => c.primaryKey().references("email_message.id").onDelete("cascade"))
    .addColumn("letter", "jsonb")
    .addColumn("attachment_ids", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("email_message_document").execute();
  await db.schema.dropTable("event_letter_option").execute();
  await db.schema.dropTable("event_attachment").execute();
}
