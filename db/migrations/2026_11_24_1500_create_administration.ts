import { type Kysely, sql } from "kysely";

const LOCALES = sql`('en', 'ko', 'zh', 'ja', 'ru', 'mn')`;

/**
 * Administration: the secretariat's identity (one row), one-time links for staff invitations and password
 * resets, and a log of backups. Invited staff have no password until they follow their link.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("secretariat")
    .addColumn("id", "smallint", (c) =>
      c
        .primaryKey()
        .defaultTo(1)
        .check(sql`id = 1`),
    )
    .addColumn("name", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("short_name", "text")
    .addColumn("address", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("phone", "text")
    .addColumn("website", "text")
    .addColumn("sender_name", "text")
    .addColumn("reply_to", "text")
    .addColumn("signature", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("time_zone", "text", (c) => c.notNull().defaultTo("Asia/Seoul"))
    .addColumn("default_locale", "text", (c) =>
      c
        .notNull()
        .defaultTo("en")
        .check(sql`default_locale in ${LOCALES}`),
    )
    .addColumn("logo", "bytea")
    .addColumn("logo_type", "text", (c) => c.check(sql`logo_type in ('image/png', 'image/svg+xml')`))
    .addColumn("logo_updated_at", "timestamptz")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("updated_by", "uuid", (c) => c.references("staff_user.id").onDelete("set null"))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`insert into secretariat (id) values (1)`.execute(db);

  await sql`alter table staff_user alter column password_hash drop not null`.execute(db);
  await db.schema
    .alterTable("staff_user")
    .addColumn("invited_at", "timestamptz")
    .addColumn("invited_by", "uuid", (c) => c.references("staff_user.id").onDelete("set null"))
    .execute();

  await db.schema
    .createTable("staff_token")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("staff_user.id").onDelete("cascade"))
    .addColumn("purpose", "text", (c) => c.notNull().check(sql`purpose in ('invite', 'reset')`))
    .addColumn("created_by", "uuid", (c) => c.references("staff_user.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("used_at", "timestamptz")
    .execute();
  await db.schema.createIndex("staff_token_user_idx").on("staff_token").column("user_id").execute();

  await db.schema
    .createTable("backup_log")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('command', 'download')`))
    .addColumn("database_kind", "text", (c) => c.notNull().check(sql`database_kind in ('embedded', 'postgres')`))
    .addColumn("file_name", "text")
    .addColumn("bytes", "bigint")
    .addColumn("created_by", "uuid", (c) => c.references("staff_user.id").onDelete("set null"))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["backup_log", "staff_token", "secretariat"]) await db.schema.dropTable(table).execute();
  await db.schema.alterTable("staff_user").dropColumn("invited_at").dropColumn("invited_by").execute();
  await sql`update staff_user set password_hash = '!' where password_hash is null`.execute(db);
  await sql`alter table staff_user alter column password_hash set not null`.execute(db);
}
