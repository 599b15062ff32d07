import { type Kysely, sql } from "kysely";

/**
 * Issue 18 §7. A place on a programme item with a capacity is a registration row: registered (holds a place) or
 * waiting (in the order asked). `delegate.programme_item_ids` stays the list of items a person holds a place on,
 * so the roster, calendar, API and check-in keep reading it. An event may require staff approval of the
 * delegates of some participant categories; the decision is kept on the delegate (null = not decided yet).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("programme_registration")
    .addColumn("delegate_id", "uuid", (c) => c.notNull().references("delegate.id").onDelete("cascade"))
    .addColumn("programme_item_id", "uuid", (c) => c.notNull().references("programme_item.id").onDelete("cascade"))
    .addColumn("event_id", "uuid", (c) => c.notNull().references("event.id").onDelete("cascade"))
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('registered', 'waiting')`))
    .addColumn("requested_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("promoted_at", "timestamptz")
    .addPrimaryKeyConstraint("programme_registration_pkey", ["delegate_id", "programme_item_id"])
    .execute();
  await sql`create index programme_registration_queue on programme_registration (programme_item_id, status, requested_at)`.execute(db);
  await sql`create index programme_registration_event on programme_registration (event_id)`.execute(db);

  // everyone registered today keeps their place (even above a capacity set later): nobody is bumped by the upgrade
  await sql`
    insert into programme_registration (delegate_id, programme_item_id, event_id, status, requested_at)
    select d.id, p.id, p.event_id, 'registered', d.created_at
    from delegate d
    join invitation i on i.id = d.invitation_id
    join programme_item p on p.event_id = i.event_id and p.id = any(d.programme_item_ids)
    on conflict do nothing
  `.execute(db);

  await db.schema
    .alterTable("event")
    .addColumn("approval_categories", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();
  await db.schema
    .alterTable("delegate")
    .addColumn("approval", "text", (c) => c.check(sql`approval in ('approved', 'refused')`))
    .addColumn("approval_at", "timestamptz")
    .addColumn("approval_by", "text")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("delegate").dropColumn("approval").dropColumn("approval_at").dropColumn("approval_by").execute();
  await db.schema.alterTable("event").dropColumn("approval_categories").execute();
  await db.schema.dropTable("programme_registration").execute();
}
