import { type Kysely, sql } from "kysely";

/**
 * Issue 18 §5. Each delegate gets a personal confirmation with a QR e-badge. Its link to the e-badge page is a
 * random token per delegate: only its SHA-256 is looked up, and a copy sealed under DATA_ENCRYPTION_KEY lets the
 * worker put the same link into a later confirmation (the stored message holds it masked). The row goes with the
 * delegate (a person removed or replaced loses their e-badge). Messages may carry inline images (the QR code as a
 * CID attachment): filename, content type, content id and base64 content.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("delegate_badge_link")
    .addColumn("delegate_id", "uuid", (c) => c.primaryKey().references("delegate.id").onDelete("cascade"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("token_sealed", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .alterTable("email_message")
    .addColumn("inline_images", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("email_message").dropColumn("inline_images").execute();
  await db.schema.dropTable("delegate_badge_link").execute();
}
