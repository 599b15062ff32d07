import { type Kysely, sql } from "kysely";

/**
 * Issue 18 §3: non-member invitees. A guest (an international organisation, an expert, a partner city, the press,
 * an observer) is a directory row of its own kind: a `member` row whose `guest_kind` is set. It is never one of the
 * member governments (lists, counts and pickers of members leave it out), but it is invited, written to, reminded
 * and answered exactly like one. Its invitation fixes the participant category of the people it registers, and
 * may be for one person only (no delegation).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("member")
    .addColumn("guest_kind", "text", (c) => c.check(sql`guest_kind in ('organisation', 'expert', 'partner_city', 'press', 'observer')`))
    .execute();
  await sql`create index member_guest_kind on member (guest_kind) where guest_kind is not null`.execute(db);
  await db.schema
    .alterTable("invitation")
    .addColumn("guest_category", "text", (c) => c.check(sql`guest_category in ('delegate', 'observer', 'press', 'guest')`))
    .execute();
  await db.schema
    .alterTable("invitation")
    .addColumn("single_person", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("invitation").dropColumn("single_person").execute();
  await db.schema.alterTable("invitation").dropColumn("guest_category").execute();
  await sql`drop index if exists member_guest_kind`.execute(db);
  await db.schema.alterTable("member").dropColumn("guest_kind").execute();
}
