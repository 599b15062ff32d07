import { sql } from "kysely";

import type { DB } from "~/db.server";
import { type MailDelegate, PERSON_NAME_COLUMNS, selectMailDelegates } from "~/models/ebadge.server";
import type { ApprovalDecision, LocalizedText, ParticipantCategory, RegistrationStatus } from "../../db/schema";

/**
 * Places on programme items with a capacity, their waiting lists, and staff approval of delegates (issue 18 §7).
 * `programme_registration` holds who asked for which item (registered or waiting, in the order asked);
 * `delegate.programme_item_ids` is kept equal to the items a person holds a place on, so every reader of that
 * column (roster, calendar, API, check-in) sees only people with a place.
 */

export type RegistrationRow = { delegateId: string; itemId: string; status: RegistrationStatus; requestedAt: Date };

/** Someone moved from a waiting list to a place (they get an email). */
export type Promotion = { delegateId: string; itemId: string };

/** The registrations of one delegation, before a save re-writes it (a substitute inherits the place of the person replaced). */
export async function snapshotRegistrations(trx: DB, { invitationId }: { invitationId: string }): Promise<RegistrationRow[]> {
  return (await listRegistrations(trx, { invitationId })).map(({ delegateId, itemId, status, requestedAt }) => ({ delegateId, itemId, status, requestedAt }));
}

/** Locks the items (in id order, so two saves never wait on each other crosswise) and returns their capacity. */
async function lockItems(trx: DB, { eventId, itemIds }: { eventId: string; itemIds: string[] }) {
  if (!itemIds.length) return new Map<string, number | null>();
  const rows = await trx
    .selectFrom("programme_item")
    .select(["id", "capacity"])
    .where("event_id", "=", eventId)
    .where("id", "in", itemIds)
    .orderBy("id")
    .forNoKeyUpdate()
    .execute();
  return new Map(rows.map((row) => [row.id, row.capacity]));
}

/**
 * Locks all the event's programme items, in id order, before a change touches delegates: every writer of places
 * takes the items first and the delegates after, so two saves never deadlock (a save may move someone of
 * another delegation from a waiting list). NO KEY UPDATE leaves check-ins (foreign keys) unblocked.
 */
export async function lockProgramme(trx: DB, { eventId }: { eventId: string }) {
  await trx.selectFrom("programme_item").select("id").where("event_id", "=", eventId).orderBy("id").forNoKeyUpdate().execute();
}

async function countRegistered(trx: DB, itemId: string) {
  const row = await trx
    .selectFrom("programme_registration")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("programme_item_id", "=", itemId)
    .where("status", "=", "registered")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Fills free places of one (locked) item from its waiting list, first asked first served. */
async function promoteOnLockedItem(trx: DB, { itemId, capacity }: { itemId: string; capacity: number | null }): Promise<Promotion[]> {
  const registered = await countRegistered(trx, itemId);
  let query = trx
    .selectFrom("programme_registration")
    .select("delegate_id as delegateId")
    .where("programme_item_id", "=", itemId)
    .where("status", "=", "waiting")
    .orderBy("requested_at")
    .orderBy("seq");
  if (capacity !== null) {
    const free = capacity - registered;
    if (free <= 0) return [];
    query = query.limit(free);
  }
  const next = await query.execute();
  if (!next.length) return [];
  const ids = next.map((row) => row.delegateId);
  await trx
    .updateTable("programme_registration")
    .set({ status: "registered", promoted_at: sql`now()` })
    .where("programme_item_id", "=", itemId)
    .where("delegate_id", "in", ids)
    .execute();
  return ids.map((delegateId) => ({ delegateId, itemId }));
}

/**
 * Sets `programme_item_ids` of these delegates to the items they hold a place on. Only rows that differ are
 * written: after a save the people usually hold what they asked for, and an unchanged row written again costs a
 * new row version and its index entries (issue 15: the most expensive statement of a reply).
 */
async function refreshPlaces(trx: DB, delegateIds: string[]) {
  if (!delegateIds.length) return;
  const held = sql<string[]>`coalesce((select array_agg(r.programme_item_id order by r.requested_at, r.programme_item_id)
        from programme_registration r where r.delegate_id = delegate.id and r.status = 'registered'), '{}'::uuid[])`;
  await trx
    .updateTable("delegate")
    .set({ programme_item_ids: held })
    .where("id", "in", [...new Set(delegateIds)])
    .where(sql<boolean>`programme_item_ids is distinct from ${held}`)
    .execute();
}

/**
 * After a save of one delegation (its delegates' `programme_item_ids` now hold what was asked for): new
 * requests get a place while there is one, else join the waiting list; items no longer asked for (or a
 * declined, removed or refused person) free their place, which goes to the first person waiting. A substitute
 * keeps the place (or waiting-list turn) of the person replaced. The items are locked, so two delegations
 * asking for the last place at once get it one at a time: exactly one gets it.
 */
export async function syncRegistrations(
  trx: DB,
  { eventId, invitationId, previous, carried }: { eventId: string; invitationId: string; previous: RegistrationRow[]; carried: Map<string, string> },
): Promise<Promotion[]> {
  const people = await trx
    .selectFrom("delegate as d")
    .innerJoin("invitation as i", "i.id", "d.invitation_id")
    .innerJoin("event as e", "e.id", "i.event_id")
    .select(["d.id", "d.programme_item_ids as asked", sql<boolean>`d.approval = 'refused' and d.category = any(e.approval_categories)`.as("refused")])
    .where("d.invitation_id", "=", invitationId)
    .orderBy("d.position")
    .execute();
  const affected = [...new Set([...previous.map((r) => r.itemId), ...people.flatMap((p) => p.asked)])];
  const capacity = await lockItems(trx, { eventId, itemIds: affected });
  const wants = new Map(people.map((p) => [p.id, p.refused ? [] : [...new Set(p.asked)].filter((id) => capacity.has(id))]));
  // a substitute takes over what the person replaced held, for the items they ask for too
  const inherited = [...carried].flatMap(([newId, replacedId]) =>
    previous.filter((r) => r.delegateId === replacedId && wants.get(newId)?.includes(r.itemId)).map((r) => ({ ...r, delegateId: newId })),
  );
  if (inherited.length) {
    await trx
      .insertInto("programme_registration")
      .values(
        inherited.map((r) => ({ delegate_id: r.delegateId, programme_item_id: r.itemId, event_id: eventId, status: r.status, requested_at: r.requestedAt })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  const ids = people.map((p) => p.id);
  const existing = ids.length
    ? await trx
        .selectFrom("programme_registration")
        .select(["delegate_id as delegateId", "programme_item_id as itemId"])
        .where("delegate_id", "in", ids)
        .execute()
    : [];
  const dropped = existing.filter((r) => !wants.get(r.delegateId)?.includes(r.itemId));
  for (const r of dropped) {
    await trx.deleteFrom("programme_registration").where("delegate_id", "=", r.delegateId).where("programme_item_id", "=", r.itemId).execute();
  }
  const held = new Set(existing.map((r) => `${r.delegateId}:${r.itemId}`));
  for (const person of people) {
    for (const itemId of wants.get(person.id) ?? []) {
      if (held.has(`${person.id}:${itemId}`)) continue;
      const limit = capacity.get(itemId) ?? null;
      const status: RegistrationStatus = limit === null || (await countRegistered(trx, itemId)) < limit ? "registered" : "waiting";
      await trx
        .insertInto("programme_registration")
        .values({ delegate_id: person.id, programme_item_id: itemId, event_id: eventId, status, requested_at: sql`clock_timestamp()` })
        .execute();
    }
  }
  const promotions: Promotion[] = [];
  for (const itemId of affected) {
    if (capacity.has(itemId)) promotions.push(...(await promoteOnLockedItem(trx, { itemId, capacity: capacity.get(itemId) ?? null })));
  }
  await refreshPlaces(trx, [...ids, ...promotions.map((p) => p.delegateId)]);
  return promotions;
}

/** After a capacity was raised (or removed): the places it opens go to the people waiting. */
export async function promoteWaiting(trx: DB, { eventId, itemId }: { eventId: string; itemId: string }): Promise<Promotion[]> {
  const capacity = await lockItems(trx, { eventId, itemIds: [itemId] });
  if (!capacity.has(itemId)) return [];
  const promotions = await promoteOnLockedItem(trx, { itemId, capacity: capacity.get(itemId) ?? null });
  await refreshPlaces(
    trx,
    promotions.map((p) => p.delegateId),
  );
  return promotions;
}

/** Frees every place a person holds or waits for (a refusal); the places go to the next people waiting. */
async function releasePlaces(trx: DB, { eventId, delegateId }: { eventId: string; delegateId: string }): Promise<Promotion[]> {
  const held = await trx.selectFrom("programme_registration").select("programme_item_id as itemId").where("delegate_id", "=", delegateId).execute();
  const capacity = await lockItems(trx, { eventId, itemIds: held.map((r) => r.itemId) });
  await trx.deleteFrom("programme_registration").where("delegate_id", "=", delegateId).execute();
  const promotions: Promotion[] = [];
  for (const { itemId } of held) promotions.push(...(await promoteOnLockedItem(trx, { itemId, capacity: capacity.get(itemId) ?? null })));
  await refreshPlaces(trx, [delegateId, ...promotions.map((p) => p.delegateId)]);
  return promotions;
}

export type PlaceStatus = { itemId: string; status: RegistrationStatus; position: number | null };

/** Each delegate's places and waiting-list positions (1 = next to get a place), for the reply page. */
export async function listPlacesOfInvitation(db: DB, { invitationId }: { invitationId: string }): Promise<Map<string, PlaceStatus[]>> {
  const map = new Map<string, PlaceStatus[]>();
  for (const { delegateId, itemId, status, position } of await listRegistrations(db, { invitationId, position: true })) {
    map.set(delegateId, [...(map.get(delegateId) ?? []), { itemId, status, position }]);
  }
  return map;
}

export type Registration = {
  delegateId: string;
  itemId: string;
  invitationId: string;
  status: RegistrationStatus;
  requestedAt: Date;
  /** the place in the waiting list (1 = next), with `position: true`; null for a place held */
  position: number | null;
  nameLocale: string;
  familyName: string | null;
  givenName: string;
  latinFamilyName: string | null;
  latinGivenName: string | null;
  patronymic: string | null;
  clanName: string | null;
  memberNames: LocalizedText;
};

/**
 * Registrations on programme items with their delegate, invitation and member: of one delegation
 * (`invitationId`) or of one item of an event (`eventId` and `itemId`); places first, then the waiting list in
 * the order asked. With `position`, each waiting person's place in the queue (one subquery a row).
 */
export async function listRegistrations(
  db: DB,
  options: ({ invitationId: string } | { eventId: string; itemId: string }) & { position?: boolean },
): Promise<Registration[]> {
  const rows = await db
    .selectFrom("programme_registration as r")
    .innerJoin("delegate as d", "d.id", "r.delegate_id")
    .innerJoin("invitation as i", "i.id", "d.invitation_id")
    .innerJoin("member as m", "m.id", "i.member_id")
    .select([
      "r.delegate_id as delegateId",
      "r.programme_item_id as itemId",
      "i.id as invitationId",
      "r.status",
      "r.requested_at as requestedAt",
      ...PERSON_NAME_COLUMNS,
      "m.names as memberNames",
      options.position
        ? sql<number | null>`case when r.status = 'waiting' then (select count(*) from programme_registration w
        where w.programme_item_id = r.programme_item_id and w.status = 'waiting'
          and (w.requested_at, w.seq) <= (r.requested_at, r.seq)) end`.as("position")
        : sql<null>`null`.as("position"),
    ])
    .$call((qb) =>
      "invitationId" in options
        ? qb.where("d.invitation_id", "=", options.invitationId)
        : qb.where("r.event_id", "=", options.eventId).where("r.programme_item_id", "=", options.itemId),
    )
    .orderBy("r.status")
    .orderBy("r.requested_at")
    .orderBy("r.seq")
    .limit(5000)
    .execute();
  return rows.map((row) => ({ ...row, position: row.position === null ? null : Number(row.position) })) as Registration[];
}

/** Who holds a place on an item and who waits (in order), for the staff programme item page. */
export function listItemRegistrations(db: DB, { eventId, itemId }: { eventId: string; itemId: string }): Promise<Registration[]> {
  return listRegistrations(db, { eventId, itemId });
}

// ---- approval ------------------------------------------------------------------------------

export type ApprovalStatus = "not_required" | "pending" | ApprovalDecision;

export async function getApprovalCategories(db: DB, { eventId }: { eventId: string }): Promise<ParticipantCategory[]> {
  const row = await db.selectFrom("event").select("approval_categories").where("id", "=", eventId).executeTakeFirst();
  return row?.approval_categories ?? [];
}

export async function setApprovalCategories(db: DB, { eventId, categories }: { eventId: string; categories: ParticipantCategory[] }) {
  await db
    .updateTable("event")
    .set({ approval_categories: [...new Set(categories)], updated_at: new Date() })
    .where("id", "=", eventId)
    .execute();
}

/** Each delegate's approval status in one delegation (not_required when their category needs none). */
export async function listApprovalsOfInvitation(db: DB, { invitationId }: { invitationId: string }): Promise<Map<string, ApprovalStatus>> {
  const rows = await db
    .selectFrom("delegate as d")
    .innerJoin("invitation as i", "i.id", "d.invitation_id")
    .innerJoin("event as e", "e.id", "i.event_id")
    .select(["d.id", "d.approval", sql<boolean>`d.category = any(e.approval_categories)`.as("required")])
    .where("d.invitation_id", "=", invitationId)
    .execute();
  return new Map(rows.map((row) => [row.id, row.required ? (row.approval ?? "pending") : "not_required"]));
}

export type ApprovalRow = {
  delegateId: string;
  invitationId: string;
  category: ParticipantCategory;
  approval: ApprovalDecision | null;
  approvalAt: Date | null;
  approvalBy: string | null;
  nameLocale: string;
  familyName: string | null;
  givenName: string;
  latinFamilyName: string | null;
  latinGivenName: string | null;
  patronymic: string | null;
  clanName: string | null;
  title: string | null;
  memberNames: LocalizedText;
};

/** The people of confirmed delegations whose category needs approval: pending first, then refused, then approved. */
export async function listApprovals(db: DB, { eventId }: { eventId: string }): Promise<ApprovalRow[]> {
  return (await db
    .selectFrom("delegate as d")
    .innerJoin("invitation as i", "i.id", "d.invitation_id")
    .innerJoin("event as e", "e.id", "i.event_id")
    .innerJoin("member as m", "m.id", "i.member_id")
    .select([
      "d.id as delegateId",
      "i.id as invitationId",
      "d.category",
      "d.approval",
      "d.approval_at as approvalAt",
      "d.approval_by as approvalBy",
      ...PERSON_NAME_COLUMNS,
      "d.title",
      "m.names as memberNames",
    ])
    .where("i.event_id", "=", eventId)
    .where("i.response", "in", ["attending", "representative", "undecided"])
    .where(sql<boolean>`d.category = any(e.approval_categories)`)
    .orderBy(sql`case when d.approval is null then 0 when d.approval = 'refused' then 1 else 2 end`)
    .orderBy(sql`m.names->>'en'`)
    .orderBy("d.position")
    .limit(2000)
    .execute()) as ApprovalRow[];
}

export type Decided = { delegateId: string; invitationId: string; decision: ApprovalDecision; promotions: Promotion[] };

/**
 * Records staff's decision for these delegates of the event (only people whose category needs approval and
 * whose decision changes). A refusal frees their places for the people waiting.
 */
export async function decideApproval(
  trx: DB,
  { eventId, delegateIds, decision, staffLabel }: { eventId: string; delegateIds: string[]; decision: ApprovalDecision; staffLabel: string },
): Promise<Decided[]> {
  if (!delegateIds.length) return [];
  await lockProgramme(trx, { eventId });
  const changed = await trx
    .updateTable("delegate as d")
    .from("invitation as i")
    .set({ approval: decision, approval_at: sql`now()`, approval_by: staffLabel, updated_at: sql`now()` })
    .whereRef("i.id", "=", "d.invitation_id")
    .where("i.event_id", "=", eventId)
    .where("d.id", "in", delegateIds)
    .where(sql<boolean>`exists (select 1 from event e where e.id = ${eventId}::uuid and d.category = any(e.approval_categories))`)
    .where(sql<boolean>`d.approval is distinct from ${decision}`)
    .returning(["d.id as delegateId", "d.invitation_id as invitationId"])
    .execute();
  const decided: Decided[] = [];
  for (const row of changed) {
    const promotions = decision === "refused" ? await releasePlaces(trx, { eventId, delegateId: row.delegateId }) : [];
    decided.push({ ...row, decision, promotions });
  }
  return decided;
}

/** SQL condition: delegate `d` is not waiting for (or refused) approval. Used by every list of who comes. */
export const approvedOrNotRequired = sql<boolean>`not exists (select 1 from event e
  where e.id = i.event_id and d.category = any(e.approval_categories) and d.approval is distinct from 'approved')`;

export type NoticeTarget = MailDelegate & {
  /** when they got the place or the decision: part of the message's idempotency key */
  promotedAt: Date | null;
  approvalAt: Date | null;
};

/** Whom the promotion and approval emails go to, and in which language (the invitation's). */
export async function listNoticeTargets(db: DB, { delegateIds, itemId }: { delegateIds: string[]; itemId?: string }): Promise<NoticeTarget[]> {
  if (!delegateIds.length) return [];
  return selectMailDelegates(db)
    .select("d.approval_at as approvalAt")
    .select((eb) =>
      itemId
        ? eb
            .selectFrom("programme_registration as r")
            .select("r.promoted_at")
            .whereRef("r.delegate_id", "=", "d.id")
            .where("r.programme_item_id", "=", itemId)
            .$asScalar()
            .as("promotedAt")
        : sql<null>`null`.as("promotedAt"),
    )
    .where("d.id", "in", delegateIds)
    .execute();
}
