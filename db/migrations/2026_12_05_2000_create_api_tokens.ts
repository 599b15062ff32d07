import { type Kysely, sql } from "kysely";

/**
 * Personal API tokens (issue 19 §1): created by an administrator, shown once, stored as a SHA-256 digest, scoped per
 * area, with an expiry; revoked tokens stay listed (and keep their audit trail) but no longer authenticate.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("api_token")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("scopes", sql`text[]`, (c) => c.notNull())
    .addColumn("created_by", "uuid", (c) => c.notNull().references("staff_user.id").onDelete("restrict"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("revoked_at", "timestamptz")
    .addColumn("revoked_by", "uuid", (c) => c.references("staff_user.id").onDelete("restrict"))
    .addColumn("last_used_at", "timestamptz")
    .addColumn("last_used_ip", "text")
    .addCheckConstraint("api_token_name_length", sql`char_length(name) between 1 and 100`)
    .addCheckConstraint("api_token_scopes_present", sql`cardinality(scopes) >= 1`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("api_token").execute();
}
