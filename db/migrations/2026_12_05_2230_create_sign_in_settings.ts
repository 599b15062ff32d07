import { type Kysely, sql } from "kysely";

/**
 * Single sign-on (issue 19 item 4): the administrator's sign-in choices (one row, id = 1): whether the password
 * form is offered, whether single sign-on creates accounts for unknown addresses (with which role, for which
 * email domains); and when each staff account last signed in through single sign-on.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("sign_in_settings")
    .addColumn("id", "smallint", (c) =>
      c
        .primaryKey()
        .defaultTo(1)
        .check(sql`id = 1`),
    )
    .addColumn("password_sign_in", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("sso_provisioning", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("sso_role", "text", (c) =>
      c
        .notNull()
        .defaultTo("viewer")
        .check(sql`sso_role in ('staff', 'visa_officer', 'viewer')`),
    )
    .addColumn("sso_domains", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("updated_by", "uuid", (c) => c.references("staff_user.id").onDelete("set null"))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`insert into sign_in_settings (id) values (1)`.execute(db);
  await db.schema.alterTable("staff_user").addColumn("last_sso_sign_in_at", "timestamptz").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("staff_user").dropColumn("last_sso_sign_in_at").execute();
  await db.schema.dropTable("sign_in_settings").execute();
}
