import { type Kysely, sql } from "kysely";

/**
 * Issue 18 §1. Files a delegation uploads on its reply page: the note verbale (one per invitation), and per
 * delegate a photo for the badge and a passport scan. The bytes live in the database, so a backup holds them.
 * A passport scan is sealed (AES-256-GCM under DATA_ENCRYPTION_KEY, key id in `key_id`) like the passport number.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("document")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("invitation_id", "uuid", (c) => c.notNull().references("invitation.id").onDelete("cascade"))
    // a person removed from the delegation takes their photo and scan with them
    .addColumn("delegate_id", "uuid", (c) => c.references("delegate.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('note_verbale', 'passport_scan', 'photo')`))
    .addColumn("media_type", "text", (c) => c.notNull().check(sql`media_type in ('application/pdf', 'image/jpeg', 'image/png')`))
    .addColumn("byte_size", "integer", (c) => c.notNull().check(sql`byte_size > 0`))
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("file_name", "text", (c) => c.notNull())
    .addColumn("width", "integer")
    .addColumn("height", "integer")
    .addColumn("key_id", "text")
    .addColumn("content", "bytea", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("document_owner", sql`(kind = 'note_verbale') = (delegate_id is null)`)
    .addCheckConstraint("document_sealed", sql`(kind = 'passport_scan') = (key_id is not null)`)
    .execute();
  // one of each kind per delegation (note verbale) or per person (photo, scan): a new upload replaces the old
  await sql`create unique index document_one_per_kind on document (invitation_id, kind, coalesce(delegate_id, '00000000-0000-0000-0000-000000000000'::uuid))`.execute(
    db,
  );
  await sql`create index document_delegate on document (delegate_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("document").execute();
}
