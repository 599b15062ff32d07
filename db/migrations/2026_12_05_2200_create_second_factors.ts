import { type Kysely, sql } from "kysely";

/**
 * Two-factor sign-in (issue 19 item 3). Per staff user: an authenticator app's TOTP secret (sealed under
 * DATA_ENCRYPTION_KEY; confirmed_at null while the user has not yet typed a first code; last_step = the last
 * 30-second step accepted, so a code is never accepted twice), ten one-time recovery codes (SHA-256 only) and
 * passkeys (WebAuthn credentials). A password sign-in that needs a second step holds a short-lived pending row
 * (its cookie carries the raw id) instead of a session. One policy row says who must have a second factor.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("staff_totp")
    .addColumn("user_id", "uuid", (c) => c.primaryKey().references("staff_user.id").onDelete("cascade"))
    .addColumn("secret", "text", (c) => c.notNull())
    .addColumn("confirmed_at", "timestamptz")
    .addColumn("last_step", "integer")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("staff_recovery_code")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("staff_user.id").onDelete("cascade"))
    .addColumn("code_hash", "text", (c) => c.notNull())
    .addColumn("used_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("staff_recovery_code_user_hash_key", ["user_id", "code_hash"])
    .execute();

  await db.schema
    .createTable("staff_passkey")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("staff_user.id").onDelete("cascade"))
    .addColumn("credential_id", "text", (c) => c.notNull().unique())
    .addColumn("public_key", "text", (c) => c.notNull())
    .addColumn("counter", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("transports", "text")
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("last_used_at", "timestamptz")
    .execute();
  await db.schema.createIndex("staff_passkey_user_idx").on("staff_passkey").column("user_id").execute();

  await db.schema
    .createTable("sign_in_pending")
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("staff_user.id").onDelete("cascade"))
    .addColumn("purpose", "text", (c) => c.notNull().check(sql`purpose in ('verify', 'enrol')`))
    .addColumn("redirect_to", "text")
    .addColumn("challenge", "text")
    .addColumn("failures", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("security_policy")
    .addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn("second_factor", "text", (c) =>
      c
        .notNull()
        .defaultTo("none")
        .check(sql`second_factor in ('none', 'all', 'passport_roles')`),
    )
    .addColumn("updated_by", "uuid", (c) => c.references("staff_user.id").onDelete("set null"))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`insert into security_policy (id) values (1)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["security_policy", "sign_in_pending", "staff_passkey", "staff_recovery_code", "staff_totp"]) await db.schema.dropTable(table).execute();
}
