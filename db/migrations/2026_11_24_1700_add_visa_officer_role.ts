import { type Kysely, sql } from "kysely";

/**
 * A fourth staff role (RELIABILITY A4/D4): a visa officer works like staff and may also reveal passport data and
 * download visa support letters, which otherwise only administrators may.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table staff_user drop constraint staff_user_role_check`.execute(db);
  await sql`alter table staff_user add constraint staff_user_role_check check (role in ('admin', 'staff', 'viewer', 'visa_officer'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update staff_user set role = 'staff' where role = 'visa_officer'`.execute(db);
  await sql`alter table staff_user drop constraint staff_user_role_check`.execute(db);
  await sql`alter table staff_user add constraint staff_user_role_check check (role in ('admin', 'staff', 'viewer'))`.execute(db);
}
