import { sql } from "kysely";

import type { DB } from "~/db.server";
import { UNDELIVERED } from "~/lib/mail-recipients";
import { seal, unseal } from "~/lib/sealed.server";
import type { SortState } from "~/lib/sorting";
import { createToken, hashToken, invitationLinkToken, isWellFormedToken } from "~/lib/tokens.server";
import { type GuestCategory, INVITATION_RESPONSES, type InvitationResponse, type Locale, type LocalizedText, type RecipientOutcome } from "../../db/schema";

/**
 * The invitation of a member to an event, created once (event × member is unique). A guest's (issue 18 §3) carries
 * the participant category it fixes and whether one person answers; an existing invitation keeps its own.
 */
type Guest = { category: GuestCategory; singlePerson: boolean };

export async function ensureInvitation(
  db: DB,
  { eventId, memberId, letterLocale, createdBy, guest }: { eventId: string; memberId: string; letterLocale: Locale; createdBy: string | null; guest?: Guest },
) {
  const invitations = await ensureInvitations(db, { eventId, members: [{ memberId, letterLocale }], createdBy, guest });
  return invitations.get(memberId)!;
}

/**
 * The invitations of these members to the event, created where missing (in the letter language given); by member.
 * Existing invitations keep their language. One statement, two when some existed already.
 */
export async function ensureInvitations(
  db: DB,
  { eventId, members, createdBy, guest }: { eventId: string; members: { memberId: string; letterLocale: Locale }[]; createdBy: string | null; guest?: Guest },
) {
  const invitations = new Map<string, { id: string; letterLocale: Locale; created: boolean }>();
  if (!members.length) return invitations;
  const inserted = await db
    .insertInto("invitation")
    .values(
      members.map(({ memberId, letterLocale }) => ({
        event_id: eventId,
        member_id: memberId,
        letter_locale: letterLocale,
        created_by: createdBy,
        ...(guest ? { guest_category: guest.category, single_person: guest.singlePerson } : {}),
      })),
    )
    .onConflict((oc) => oc.columns(["event_id", "member_id"]).doNothing())
    .returning(["id", "member_id as memberId", "letter_locale as letterLocale"])
    .execute();
  for (const row of inserted) invitations.set(row.memberId, { id: row.id, letterLocale: row.letterLocale, created: true });
  const others = members.filter((m) => !invitations.has(m.memberId)).map((m) => m.memberId);
  for (const row of await invitationsOfMembers(db, { eventId, memberIds: others })) {
    invitations.set(row.memberId, { id: row.id, letterLocale: row.letterLocale, created: false });
  }
  return invitations;
}

/** The existing invitations of these members to the event (one statement; none asked, none read). */
export async function invitationsOfMembers(db: DB, { eventId, memberIds }: { eventId: string; memberIds: string[] }) {
  if (!memberIds.length) return [];
  return db
    .selectFrom("invitation")
    .select(["id", "member_id as memberId", "letter_locale as letterLocale", "response"])
    .where("event_id", "=", eventId)
    .where("member_id", "in", memberIds)
    .execute();
}

/** The idempotency key of an invitation's first letter (one per invitation, whatever the waves). */
export const invitationLetterKey = (invitationId: string) => `invitation:${invitationId}:invitation:1`;

/**
 * What it takes to hand out an invitation's link again: DATA_ENCRYPTION_KEY, under which each random token is
 * sealed, and (only for links issued before 2026-12-05, which were derived from SESSION_SECRET) the legacy key.
 */
export type LinkKeys = { key: Buffer; legacySecret?: string };

/**
 * The invitation's live link token: 256 random bits whose SHA-256 finds the invitation and whose sealed copy lets a
 * reminder carry the same link; nothing in the database opens it without DATA_ENCRYPTION_KEY. Issues one the first
 * time. A link from before sealing is recognised by the legacy key once and sealed from then on.
 */
export async function ensureLinkToken(
  db: DB,
  { invitationId, keys, isNew = false }: { invitationId: string; keys: LinkKeys; isNew?: boolean },
): Promise<string> {
  if (isNew) return issueLinkToken(db, { invitationId, keys, version: 1 });
  return (await liveLinkToken(db, { invitationId, keys })) ?? reissueLinkToken(db, { invitationId, keys });
}

/** An invitation's live link as stored: its hash, version and the token sealed under DATA_ENCRYPTION_KEY. */
export type LiveToken = { tokenHash: string; version: number; tokenSealed: string | null };

/**
 * The live link's token when it can be handed out again, else null (revoked, or sealed under another key). Never
 * issues a link: the worker uses it at send time, and a revoked link must stay revoked.
 */
export async function liveLinkToken(
  db: DB,
  { invitationId, keys, live }: { invitationId: string; keys: LinkKeys; live?: LiveToken | null },
): Promise<string | null> {
  // read here unless the caller has it already (the mail worker's claim brings it along)
  const row =
    live === undefined
      ? await db
          .selectFrom("invitation_token")
          .select(["token_hash as tokenHash", "version", "token_sealed as tokenSealed"])
          .where("invitation_id", "=", invitationId)
          .where("revoked_at", "is", null)
          .executeTakeFirst()
      : live;
  if (row?.tokenSealed) {
    try {
      const token = unseal(keys.key, row.tokenSealed);
      if (hashToken(token) === row.tokenHash) return token;
    } catch {
      // sealed under another DATA_ENCRYPTION_KEY: that link cannot be handed out again
    }
  } else if (row && keys.legacySecret) {
    const token = invitationLinkToken(keys.legacySecret, invitationId, row.version);
    if (hashToken(token) === row.tokenHash) {
      await db
        .updateTable("invitation_token")
        .set({ token_sealed: seal(keys.key, token) })
        .where("token_hash", "=", row.tokenHash)
        .execute();
      return token;
    }
  }
  return null;
}

/** ensureLinkToken for many invitations: one statement reads their live links; only a missing one costs more. */
export async function ensureLinkTokens(db: DB, { invitationIds, keys }: { invitationIds: string[]; keys: LinkKeys }) {
  if (!invitationIds.length) return;
  const live = await db
    .selectFrom("invitation_token")
    .select(["invitation_id as invitationId", "token_hash as tokenHash", "version", "token_sealed as tokenSealed"])
    .where("invitation_id", "in", invitationIds)
    .where("revoked_at", "is", null)
    .execute();
  const byInvitation = new Map(live.map((row) => [row.invitationId, row]));
  for (const invitationId of invitationIds) {
    const token = await liveLinkToken(db, { invitationId, keys, live: byInvitation.get(invitationId) ?? null });
    if (token === null) await reissueLinkToken(db, { invitationId, keys });
  }
}

async function issueLinkToken(db: DB, { invitationId, keys, version }: { invitationId: string; keys: LinkKeys; version: number }) {
  const [token] = await issueFirstLinkTokens(db, { invitationIds: [invitationId], keys, version });
  return token;
}

/** The first link of each of these new invitations, in one statement; the tokens in the same order. */
export async function issueFirstLinkTokens(db: DB, { invitationIds, keys, version = 1 }: { invitationIds: string[]; keys: LinkKeys; version?: number }) {
  const tokens = invitationIds.map(() => createToken());
  if (!tokens.length) return tokens;
  await db
    .insertInto("invitation_token")
    .values(invitationIds.map((id, i) => ({ token_hash: hashToken(tokens[i]), invitation_id: id, version, token_sealed: seal(keys.key, tokens[i]) })))
    .execute();
  return tokens;
}

/** Revokes the live link (it stops working at once) and issues the next one. */
export async function reissueLinkToken(db: DB, { invitationId, keys }: { invitationId: string; keys: LinkKeys }): Promise<string> {
  await db
    .updateTable("invitation_token")
    .set({ revoked_at: sql`now()` })
    .where("invitation_id", "=", invitationId)
    .where("revoked_at", "is", null)
    .execute();
  const last = await db
    .selectFrom("invitation_token")
    .select((eb) => eb.fn.max("version").as("v"))
    .where("invitation_id", "=", invitationId)
    .executeTakeFirst();
  return issueLinkToken(db, { invitationId, keys, version: Number(last?.v ?? 0) + 1 });
}

/** The member and letter language of one invitation (what a confirmation needs to address its letter). */
export async function getInvitationAddressing(db: DB, { invitationId }: { invitationId: string }) {
  return db.selectFrom("invitation").select(["member_id as memberId", "letter_locale as locale"]).where("id", "=", invitationId).executeTakeFirstOrThrow();
}

/** Whether this invitation is one of this event's (one indexed lookup; the event page's link actions check it). */
export async function invitationOfEvent(db: DB, { eventId, invitationId }: { eventId: string; invitationId: string }) {
  const row = await db.selectFrom("invitation").select("id").where("id", "=", invitationId).where("event_id", "=", eventId).executeTakeFirst();
  return Boolean(row);
}

export async function revokeLinkToken(db: DB, { invitationId }: { invitationId: string }) {
  await db
    .updateTable("invitation_token")
    .set({ revoked_at: sql`now()` })
    .where("invitation_id", "=", invitationId)
    .where("revoked_at", "is", null)
    .execute();
}

/**
 * The invitation a live link token belongs to; malformed tokens are refused before any query, and links of
 * archived events count as expired (not found).
 */
export type InvitationLink = NonNullable<Awaited<ReturnType<typeof findInvitationByToken>>>;

/** An invitation (`i`) with its member (`m`) as a reply shows it: getReply and a reply link's lookup read these. */
export const REPLY_INVITATION_COLUMNS = [
  "i.id",
  "i.event_id as eventId",
  "i.member_id as memberId",
  "m.names as memberNames",
  "m.country as memberCountry",
  "i.letter_locale as letterLocale",
  "i.response",
  "i.revision",
  "i.decline_reason as declineReason",
  "i.answered_at as answeredAt",
  "i.changed_at as changedAt",
  "i.guest_category as guestCategory",
  "i.single_person as singlePerson",
] as const;

/**
 * A stamp of everything `eventFacts` reads for the event `e` (services/event-facts.server.ts): the transaction ids
 * (xmin) of the current versions of the event row, its host member and subcommittee, the secretariat row, the
 * published List of Participants and each programme item (with its id). Every INSERT and UPDATE writes a row version
 * with a new xmin and a DELETE removes one: any committed change to those rows changes the stamp, whatever code or
 * process made it.
 */
const eventFactsVersion = sql<string>`concat_ws(':', e.xmin::text,
  (select md5(coalesce(string_agg(p.id::text || '@' || p.xmin::text, ',' order by p.id), '')) from programme_item p where p.event_id = e.id),
  coalesce((select h.xmin::text from member h where h.id = e.host_member_id), '-'),
  coalesce((select sc.xmin::text from subcommittee sc where sc.id = e.subcommittee_id), '-'),
  coalesce((select s.xmin::text from secretariat s where s.id = 1), '-'),
  coalesce((select pl.xmin::text from participant_list pl where pl.event_id = e.id), '-'))`;

export async function findInvitationByToken(db: DB, { token }: { token: string }) {
  if (!isWellFormedToken(token)) return undefined;
  return (
    db
      .selectFrom("invitation_token as t")
      .innerJoin("invitation as i", "i.id", "t.invitation_id")
      .innerJoin("event as e", "e.id", "i.event_id")
      .innerJoin("member as m", "m.id", "i.member_id")
      // the invitation as its reply page shows it (getReply's ReplyInvitation): the page reads no second time
      .select(REPLY_INVITATION_COLUMNS)
      // whether the link was opened before: a scanner's hundredth GET writes nothing
      .select((eb) => eb.exists(eb.selectFrom("invitation_access as a").select("a.invitation_id").whereRef("a.invitation_id", "=", "i.id")).as("opened"))
      .select(eventFactsVersion.as("factsVersion"))
      .where("t.token_hash", "=", hashToken(token))
      .where("t.revoked_at", "is", null)
      .where("e.status", "<>", "archived")
      .executeTakeFirst()
  );
}

export type InvitationListRow = {
  id: string;
  memberId: string;
  memberNames: LocalizedText;
  country: string;
  letterLocale: Locale;
  response: InvitationResponse;
  lastStatus: string | null;
  lastKind: string | null;
  lastTo: unknown;
  /** the latest message did not reach a To address (refused, bounced, suppressed or failed): those addresses */
  lastUndelivered: string[];
  /** replies written by email to this invitation's messages (the intake), and the latest one's time */
  emailedReplies: number;
  lastEmailedReplyAt: Date | null;
  /** size of the registered delegation */
  people: number;
  changedAt: Date | null;
};

/** The invitations of an event with the state of each member's latest message and the size of each delegation. */
/** How many of the event's invitations have each answer (one aggregate query: the counts of a long list). */
export async function countInvitationsByResponse(db: DB, { eventId }: { eventId: string }): Promise<Record<InvitationResponse, number>> {
  const rows = await db
    .selectFrom("invitation")
    .select(["response", sql<number>`count(*)::int`.as("n")])
    .where("event_id", "=", eventId)
    .groupBy("response")
    .execute();
  const counts = Object.fromEntries(INVITATION_RESPONSES.map((r) => [r, 0])) as Record<InvitationResponse, number>;
  for (const row of rows) counts[row.response] = Number(row.n);
  return counts;
}

/** The columns the event's invitation list sorts by on the server (`?sort=`); "member" is country, then name. */
export const INVITATION_SORTS = ["member", "answer", "people", "changed"] as const;
export type InvitationSort = (typeof INVITATION_SORTS)[number];
/** answers in the order a secretariat reads them: who comes, who may, who has not answered, who does not */
const ANSWER_ORDER = ["attending", "representative", "undecided", "pending", "declining"] satisfies InvitationResponse[];

/**
 * The event's invitations in country and name order (or by answer, delegation size or last change), with each
 * one's last message and people; optionally only some answers and one page of them (the event page shows 100 at
 * a time, issue 15). Ties fall back to country and name, so a page boundary never moves between requests.
 */
export async function listInvitations(
  db: DB,
  {
    eventId,
    responses,
    limit,
    offset = 0,
    sort = { key: "member", dir: "asc" },
  }: { eventId: string; responses?: InvitationResponse[]; limit?: number; offset?: number; sort?: SortState<InvitationSort> },
): Promise<InvitationListRow[]> {
  if (responses && !responses.length) return [];
  return (
    await db
      .selectFrom("invitation as i")
      .innerJoin("member as m", "m.id", "i.member_id")
      .leftJoin(
        (eb) =>
          eb
            .selectFrom("email_message")
            .select([
              "invitation_id",
              "status",
              "kind",
              "to_addresses",
              "to_undelivered",
              "recipients",
              sql<number>`row_number() over (partition by invitation_id order by created_at desc)`.as("rn"),
            ])
            .where("event_id", "=", eventId)
            .as("last"),
        (join) => join.onRef("last.invitation_id", "=", "i.id").on("last.rn", "=", 1),
      )
      .select([
        "i.id",
        "i.member_id as memberId",
        "m.names as memberNames",
        "m.country",
        "i.letter_locale as letterLocale",
        "i.response",
        "last.status as lastStatus",
        "last.kind as lastKind",
        "last.to_addresses as lastTo",
        "last.to_undelivered as lastToUndelivered",
        "last.recipients as lastRecipients",
        sql<number>`(select count(*) from delegate d where d.invitation_id = i.id)::int`.as("people"),
        sql<number>`(select count(*) from inbound_mail im where im.invitation_id = i.id and im.kind = 'reply')::int`.as("emailedReplies"),
        sql<Date | null>`(select max(received_at) from inbound_mail im where im.invitation_id = i.id and im.kind = 'reply')`.as("lastEmailedReplyAt"),
        "i.changed_at as changedAt",
      ])
      .where("i.event_id", "=", eventId)
      .$if(Boolean(responses), (q) => q.where("i.response", "in", responses!))
      .$if(sort.key === "answer", (q) => q.orderBy(sql`array_position(${sql.val(ANSWER_ORDER)}::text[], i.response::text)`, sort.dir))
      .$if(sort.key === "people", (q) => q.orderBy(sql.ref("people"), sort.dir)) // the count selected above, not counted twice
      .$if(sort.key === "changed", (q) => q.orderBy(sql`i.changed_at ${sql.raw(sort.dir === "asc" ? "asc nulls first" : "desc nulls last")}`))
      .orderBy("m.country", sort.key === "member" ? sort.dir : "asc")
      .orderBy(sql`m.names->>'en'`, sort.key === "member" ? sort.dir : "asc")
      .orderBy("i.id")
      .$if(limit !== undefined, (q) => q.limit(limit!).offset(offset))
      .execute()
  ).map(({ lastToUndelivered, lastRecipients, ...row }) => ({
    ...row,
    lastUndelivered: lastToUndelivered
      ? ((lastRecipients ?? []) as RecipientOutcome[]).filter((r) => r.field === "to" && UNDELIVERED.has(r.state)).map((r) => r.address)
      : [],
    lastEmailedReplyAt: row.lastEmailedReplyAt ? new Date(row.lastEmailedReplyAt) : null,
  })) as InvitationListRow[];
}

/**
 * Invitations of open events that an address may be reached at (for "send me my link again"): the member's
 * office address or a contact's, or a delegate registered with it; only those whose link is live (a link
 * staff revoked stays revoked). The caller checks that the address is one of the invitation's recipients.
 */
export async function invitationsReachableAt(db: DB, { address }: { address: string }) {
  const email = address.trim().toLowerCase();
  const rows = await db
    .selectFrom("invitation as i")
    .innerJoin("event as e", "e.id", "i.event_id")
    .innerJoin("member as m", "m.id", "i.member_id")
    .select([
      "i.id",
      "i.event_id as eventId",
      "i.member_id as memberId",
      "i.letter_locale as letterLocale",
      sql<boolean>`exists (select 1 from delegate d where d.invitation_id = i.id and lower(d.email) = ${email})`.as("viaDelegate"),
    ])
    .where("e.status", "=", "open")
    .where(sql<boolean>`exists (select 1 from invitation_token t where t.invitation_id = i.id and t.revoked_at is null)`)
    .where(
      sql<boolean>`(lower(m.office_email) = ${email}
        or exists (select 1 from contact c where c.member_id = m.id and exists (select 1 from unnest(c.emails) x where lower(x) = ${email}))
        or exists (select 1 from delegate d where d.invitation_id = i.id and lower(d.email) = ${email}))`,
    )
    .orderBy("i.created_at", "desc")
    .limit(20)
    .execute();
  return rows.map((row) => ({ ...row, viaDelegate: Boolean(row.viaDelegate) }));
}

/** The members invited to an event (id, country, names): the order-of-precedence form's list, nothing else loaded. */
export async function listInvitedMembers(db: DB, { eventId }: { eventId: string }) {
  return db
    .selectFrom("invitation as i")
    .innerJoin("member as m", "m.id", "i.member_id")
    .select(["m.id", "m.country", "m.names"])
    .where("i.event_id", "=", eventId)
    .execute();
}
