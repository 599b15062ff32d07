import crypto from "node:crypto";

import { sql } from "kysely";

import type { DB } from "~/db.server";
import { isSamePerson, OWN_DATA_FIELDS } from "~/lib/delegate-identity";
import { type DelegateInput, PRIVACY_NOTICE_VERSION, type ReplyInput } from "~/lib/reply-schemas";
import { maskPassportNumber, seal, unseal } from "~/lib/sealed.server";
import { lockProgramme, type Promotion, snapshotRegistrations, syncRegistrations } from "~/models/capacity.server";
import { REPLY_INVITATION_COLUMNS } from "~/models/invitation.server";
import { enqueueWebhookEvent } from "~/models/webhook.server";
import type { DelegateRole, DietaryTag, Gender, GuestCategory, Honorific, InvitationResponse, Locale, LocalizedText } from "../../db/schema";

/** Records the first opening of a link; later openings write nothing (a GET changes no reply, see T3). */
export async function recordLinkOpened(db: DB, { invitationId }: { invitationId: string }) {
  await db
    .insertInto("invitation_access")
    .values({ invitation_id: invitationId })
    .onConflict((oc) => oc.column("invitation_id").doNothing())
    .execute();
}

const OWN_DATA_COLUMNS = [
  "arrival_at as arrivalAt",
  "arrival_transport as arrivalTransport",
  "arrival_place as arrivalPlace",
  "departure_at as departureAt",
  "departure_transport as departureTransport",
  "departure_place as departurePlace",
  "hotel",
  "dietary_note as dietaryNote",
  "accessibility",
  "passport_name as passportName",
  "nationality",
  "passport_expiry as passportExpiry",
  "dietary",
] as const;

/** What a save re-writes of a person kept (badge code, check-in and category are staff's and stay). */
const UPSERTED = [
  "invitation_id",
  "position",
  "role",
  "name_locale",
  "family_name",
  "given_name",
  "patronymic",
  "clan_name",
  "latin_family_name",
  "latin_given_name",
  "gender",
  "honorific",
  "title",
  "email",
  "phone",
  "dietary",
  "dietary_note",
  "accessibility",
  "interpretation_locale",
  "arrival_at",
  "arrival_transport",
  "arrival_place",
  "departure_at",
  "departure_transport",
  "departure_place",
  "hotel",
  "programme_item_ids",
  "needs_visa_letter",
  "list_consent",
  "passport_name",
  "nationality",
  "passport_expiry",
  "passport_number_enc",
  "birth_date_enc",
  "consent_at",
  "notice_version",
] as const;

export type DelegateRow = {
  id: string;
  position: number;
  role: DelegateRole;
  nameLocale: Locale;
  familyName: string | null;
  givenName: string;
  patronymic: string | null;
  clanName: string | null;
  latinFamilyName: string | null;
  latinGivenName: string | null;
  gender: Gender | null;
  honorific: Honorific | null;
  title: string | null;
  email: string | null;
  phone: string | null;
  dietary: DietaryTag[];
  dietaryNote: string | null;
  accessibility: string | null;
  interpretation: Locale | null;
  arrivalAt: string | null;
  arrivalTransport: string | null;
  arrivalPlace: string | null;
  departureAt: string | null;
  departureTransport: string | null;
  departurePlace: string | null;
  hotel: string | null;
  programme: string[];
  needsVisaLetter: boolean;
  passportName: string | null;
  nationality: string | null;
  passportExpiry: string | null;
  /** "•••••543" and the year of birth: what any screen may show (RELIABILITY D4) */
  passportNumberMasked: string | null;
  birthYear: string | null;
  hasPassportData: boolean;
  consentAt: Date | null;
  /** may appear on the published List of Participants (issue 18 §2) */
  listConsent: boolean;
};

const DELEGATE_COLUMNS = [
  "id",
  "position",
  "role",
  "name_locale as nameLocale",
  "family_name as familyName",
  "given_name as givenName",
  "patronymic",
  "clan_name as clanName",
  "latin_family_name as latinFamilyName",
  "latin_given_name as latinGivenName",
  "gender",
  "honorific",
  "title",
  "email",
  "phone",
  "dietary",
  "dietary_note as dietaryNote",
  "accessibility",
  "interpretation_locale as interpretation",
  "arrival_at as arrivalAt",
  "arrival_transport as arrivalTransport",
  "arrival_place as arrivalPlace",
  "departure_at as departureAt",
  "departure_transport as departureTransport",
  "departure_place as departurePlace",
  "hotel",
  "programme_item_ids as programme",
  "needs_visa_letter as needsVisaLetter",
  "passport_name as passportName",
  "nationality",
  "passport_expiry as passportExpiry",
  "passport_number_enc as passportNumberEnc",
  "birth_date_enc as birthDateEnc",
  "consent_at as consentAt",
  "list_consent as listConsent",
] as const;

function masked(key: Buffer, sealed: string | null, show: (plain: string) => string) {
  if (!sealed) return null;
  try {
    return show(unseal(key, sealed));
  } catch {
    return "•••••";
  }
}

export async function listDelegates(db: DB, { invitationId, key }: { invitationId: string; key: Buffer }): Promise<DelegateRow[]> {
  const rows = await db.selectFrom("delegate").select(DELEGATE_COLUMNS).where("invitation_id", "=", invitationId).orderBy("position").execute();
  return rows.map(({ passportNumberEnc, birthDateEnc, ...row }) => ({
    ...row,
    passportNumberMasked: masked(key, passportNumberEnc, maskPassportNumber),
    birthYear: masked(key, birthDateEnc, (plain) => plain.slice(0, 4)),
    hasPassportData: Boolean(passportNumberEnc || birthDateEnc),
  }));
}

/** The delegations of several invitations at once (a page of the JSON API's replies), each in position order. */
export async function listDelegatesOfInvitations(
  db: DB,
  { invitationIds, key }: { invitationIds: string[]; key: Buffer },
): Promise<Map<string, DelegateRow[]>> {
  const map = new Map<string, DelegateRow[]>();
  if (!invitationIds.length) return map;
  const rows = await db
    .selectFrom("delegate")
    .select([...DELEGATE_COLUMNS, "invitation_id as invitationId"])
    .where("invitation_id", "in", invitationIds)
    .orderBy("invitation_id")
    .orderBy("position")
    .execute();
  for (const { passportNumberEnc, birthDateEnc, invitationId, ...row } of rows) {
    const delegate = {
      ...row,
      passportNumberMasked: masked(key, passportNumberEnc, maskPassportNumber),
      birthYear: masked(key, birthDateEnc, (plain) => plain.slice(0, 4)),
      hasPassportData: Boolean(passportNumberEnc || birthDateEnc),
    };
    map.set(invitationId, [...(map.get(invitationId) ?? []), delegate]);
  }
  return map;
}

export type ReplyState = {
  id: string;
  eventId: string;
  memberId: string;
  memberNames: LocalizedText;
  memberCountry: string;
  letterLocale: Locale;
  response: InvitationResponse;
  revision: number;
  declineReason: string | null;
  answeredAt: Date | null;
  changedAt: Date | null;
  /** a guest's invitation (issue 18 §3): the category it fixes, and whether one person answers */
  guestCategory: GuestCategory | null;
  singlePerson: boolean;
  delegates: DelegateRow[];
};

/** An invitation as a reply shows it, without its people (a reply link's lookup reads it along: findInvitationByToken). */
export type ReplyInvitation = Omit<ReplyState, "delegates">;

/** The reply so far; `invitation`: the invitation's row when the caller read it already (the reply link's lookup). */
export async function getReply(
  db: DB,
  { invitationId, key, invitation: known }: { invitationId: string; key: Buffer; invitation?: ReplyInvitation },
): Promise<ReplyState | undefined> {
  if (known?.id === invitationId) return { ...known, delegates: await listDelegates(db, { invitationId, key }) };
  const invitation = await db
    .selectFrom("invitation as i")
    .innerJoin("member as m", "m.id", "i.member_id")
    .select(REPLY_INVITATION_COLUMNS)
    .where("i.id", "=", invitationId)
    .executeTakeFirst();
  if (!invitation) return undefined;
  return { ...invitation, delegates: await listDelegates(db, { invitationId, key }) };
}

export type ReplyActor = { kind: "link" } | { kind: "staff"; user: { id: string; email: string }; reason: string };

export type SaveOutcome =
  | {
      status: "saved";
      revision: number;
      responseBefore: InvitationResponse;
      /** people replaced by someone else in this save (issue 18 §4) */
      substitutions: { replacedId: string; newId: string; explicit: boolean }[];
      /** people of any delegation who got a place from a waiting list through this save (issue 18 §7) */
      promotions: Promotion[];
    }
  | { status: "duplicate"; revision: number }
  | { status: "conflict"; revision: number };

/** Who is in the delegation, as history rows and feeds show it (no contact details, no passport data). */
export function delegationSummary(
  delegates: (Pick<DelegateInput, "role" | "givenName" | "nameLocale"> & {
    [K in "familyName" | "latinFamilyName" | "latinGivenName" | "patronymic"]?: string | null;
  })[],
) {
  return delegates.map((d) => ({
    role: d.role,
    nameLocale: d.nameLocale,
    familyName: d.familyName ?? null,
    givenName: d.givenName,
    patronymic: d.patronymic ?? null,
    latinFamilyName: d.latinFamilyName ?? null,
    latinGivenName: d.latinGivenName ?? null,
  }));
}

/**
 * Applies one reply (answer + the whole delegation) if the invitation is still at `expectedRevision`
 * (RELIABILITY L2): the row is locked, the revision compared, the delegation replaced and one history row
 * written, all in the caller's transaction. The same submission posted twice is recognised (L3). Passport
 * number and date of birth are sealed with `key`; a blank field keeps the value stored for that delegate.
 */
export async function applyReply(
  trx: DB,
  {
    invitationId,
    expectedRevision,
    input,
    actor,
    key,
    passportAllowed,
  }: { invitationId: string; expectedRevision: number; input: ReplyInput; actor: ReplyActor; key: Buffer; passportAllowed: boolean },
): Promise<SaveOutcome> {
  const current = await trx
    .selectFrom("invitation")
    .select(["revision", "response", "event_id as eventId", "guest_category as guestCategory"])
    .where("id", "=", invitationId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (current.revision !== expectedRevision) {
    const earlier = await trx
      .selectFrom("invitation_change")
      .select("revision")
      .where("invitation_id", "=", invitationId)
      .where("submission_id", "=", input.submission)
      .executeTakeFirst();
    return earlier ? { status: "duplicate", revision: earlier.revision } : { status: "conflict", revision: current.revision };
  }
  const revision = current.revision + 1;
  const coming = input.response !== "declining";
  const people = coming ? input.delegates : [];
  const stored = new Map(
    (
      await trx
        .selectFrom("delegate")
        .select([
          "id",
          "passport_number_enc as number",
          "birth_date_enc as birth",
          "consent_at as consentAt",
          "notice_version as notice",
          // kept with the person across edits of the delegation: badge code, arrival and the category staff set
          "category",
          "check_in_code as checkInCode",
          "checked_in_at as checkedInAt",
          "checked_in_by as checkedInBy",
          // who the person is, to tell a corrected name from another person (issue 18 §4)
          "role",
          "name_locale as nameLocale",
          "family_name as familyName",
          "given_name as givenName",
          "patronymic",
          "clan_name as clanName",
          "latin_family_name as latinFamilyName",
          "latin_given_name as latinGivenName",
          ...OWN_DATA_COLUMNS,
        ])
        .where("invitation_id", "=", invitationId)
        .execute()
    ).map((row) => [row.id, row]),
  );
  // Delegates are matched by the id the form carries, never by position. The same id with another person's name,
  // or a person posted as replacing a stored one, is a substitution: a new record (new badge code, no arrival,
  // no passport data, no travel or needs taken over), and the person replaced kept as history.
  const claimed = new Set<string>();
  const substitutions: { replaced: typeof stored extends Map<string, infer R> ? R : never; newId: string; person: DelegateInput; explicit: boolean }[] = [];
  const matched = people.map((p) => {
    const byId = p.id && !claimed.has(p.id) ? stored.get(p.id) : undefined;
    if (byId && isSamePerson(byId, p)) {
      claimed.add(byId.id);
      return { p, before: byId };
    }
    const replacedId = byId ? byId.id : p.replaces && !claimed.has(p.replaces) && !people.some((q) => q.id === p.replaces) ? p.replaces : undefined;
    const replaced = replacedId ? stored.get(replacedId) : undefined;
    const newId = crypto.randomUUID();
    if (replaced) {
      claimed.add(replaced.id);
      substitutions.push({ replaced, newId, person: p, explicit: !byId });
    }
    // posted as the replaced person's fields (the name typed over theirs): what was theirs stays theirs
    const inherited = byId ? new Set(OWN_DATA_FIELDS.filter((field) => (p[field] ?? null) === (byId[field] ?? null))) : new Set<string>();
    const person = { ...p, ...Object.fromEntries([...inherited].map((field) => [field, undefined])) } as DelegateInput;
    if (byId && [...p.dietary].sort().join() === [...byId.dietary].sort().join()) person.dietary = [];
    return { p: person, before: undefined, newId };
  });
  // People kept stay the same rows (what hangs off them, such as check-ins per programme item, stays with them);
  // people gone or replaced are deleted. Positions move out of the way first: (invitation, position) is unique.
  const kept = matched.flatMap(({ before }) => (before ? [before.id] : []));
  await lockProgramme(trx, { eventId: current.eventId });
  const previousPlaces = await snapshotRegistrations(trx, { invitationId });
  await trx
    .updateTable("delegate")
    .set({ position: sql`-1 - position` })
    .where("invitation_id", "=", invitationId)
    .execute();
  let gone = trx.deleteFrom("delegate").where("invitation_id", "=", invitationId);
  if (kept.length) gone = gone.where("id", "not in", kept);
  await gone.execute();
  if (people.length) {
    await trx
      .insertInto("delegate")
      .values(
        matched.map(({ p, before, newId }, position) => {
          const visa = passportAllowed && p.needsVisaLetter;
          const fresh = visa && (p.passportNumber !== undefined || p.birthDate !== undefined);
          const number = visa ? (p.passportNumber !== undefined ? seal(key, p.passportNumber) : (before?.number ?? null)) : null;
          const birth = visa ? (p.birthDate !== undefined ? seal(key, p.birthDate) : (before?.birth ?? null)) : null;
          return {
            ...(before
              ? {
                  id: before.id,
                  category: before.category,
                  check_in_code: before.checkInCode,
                  checked_in_at: before.checkedInAt,
                  checked_in_by: before.checkedInBy,
                }
              : // a guest's invitation fixes the category of the people it registers (issue 18 §3)
                { id: newId, ...(current.guestCategory ? { category: current.guestCategory } : {}) }),
            invitation_id: invitationId,
            position,
            role: p.role,
            name_locale: p.nameLocale,
            family_name: p.familyName ?? null,
            given_name: p.givenName,
            patronymic: p.patronymic ?? null,
            clan_name: p.clanName ?? null,
            latin_family_name: p.latinFamilyName ?? null,
            latin_given_name: p.latinGivenName ?? null,
            gender: p.gender ?? null,
            honorific: p.honorific ?? null,
            title: p.title ?? null,
            email: p.email ?? null,
            phone: p.phone ?? null,
            dietary: p.dietary,
            dietary_note: p.dietaryNote ?? null,
            accessibility: p.accessibility ?? null,
            interpretation_locale: p.interpretation ?? null,
            arrival_at: p.arrivalAt ?? null,
            arrival_transport: p.arrivalTransport ?? null,
            arrival_place: p.arrivalPlace ?? null,
            departure_at: p.departureAt ?? null,
            departure_transport: p.departureTransport ?? null,
            departure_place: p.departurePlace ?? null,
            hotel: p.hotel ?? null,
            programme_item_ids: p.programme,
            needs_visa_letter: p.needsVisaLetter,
            list_consent: p.listConsent ?? false,
            passport_name: visa ? (p.passportName ?? null) : null,
            nationality: visa ? (p.nationality ?? null) : null,
            passport_expiry: visa ? (p.passportExpiry ?? null) : null,
            passport_number_enc: number,
            birth_date_enc: birth,
            consent_at: fresh ? new Date() : number || birth ? (before?.consentAt ?? null) : null,
            notice_version: fresh ? PRIVACY_NOTICE_VERSION : number || birth ? (before?.notice ?? null) : null,
          };
        }),
      )
      .onConflict((oc) =>
        oc.column("id").doUpdateSet((eb) => ({
          ...Object.fromEntries(UPSERTED.map((column) => [column, eb.ref(`excluded.${column}`)])),
          updated_at: sql`now()`,
        })),
      )
      .execute();
  }
  if (substitutions.length) {
    await trx
      .insertInto("delegate_substitution")
      .values(
        substitutions.map(({ replaced, newId, person, explicit }) => ({
          invitation_id: invitationId,
          event_id: current.eventId,
          revision,
          replaced_delegate_id: replaced.id,
          replaced: JSON.stringify(delegationSummary([replaced])[0]),
          replaced_checked_in_at: replaced.checkedInAt,
          replaced_by: newId,
          replacement: JSON.stringify(delegationSummary([person])[0]),
          explicit,
          actor_kind: actor.kind,
          staff_label: actor.kind === "staff" ? actor.user.email : null,
        })),
      )
      .execute();
  }
  const promotions = await syncRegistrations(trx, {
    eventId: current.eventId,
    invitationId,
    previous: previousPlaces,
    carried: new Map(substitutions.map(({ replaced, newId }) => [newId, replaced.id])),
  });
  await trx
    .updateTable("invitation")
    .set({
      revision,
      response: input.response,
      decline_reason: input.response === "declining" ? (input.declineReason ?? null) : null,
      answered_at: sql`coalesce(answered_at, now())`,
      changed_at: sql`now()`,
      updated_at: sql`now()`,
    })
    .where("id", "=", invitationId)
    .execute();
  await trx
    .insertInto("invitation_change")
    .values({
      invitation_id: invitationId,
      event_id: current.eventId,
      revision,
      actor_kind: actor.kind,
      staff_user_id: actor.kind === "staff" ? actor.user.id : null,
      staff_label: actor.kind === "staff" ? actor.user.email : null,
      reason: actor.kind === "staff" ? actor.reason : null,
      submission_id: input.submission,
      response_before: current.response,
      response_after: input.response,
      summary: JSON.stringify({ size: people.length, delegates: delegationSummary(people) }),
    })
    .execute();
  // signed webhooks (issue 19): queued with the change, in its transaction; no personal data in the payload
  await enqueueWebhookEvent(trx, {
    type: "reply.changed",
    key: `${invitationId}:${revision}`,
    data: {
      eventId: current.eventId,
      invitationId,
      revision,
      response: input.response,
      responseBefore: current.response,
      delegationSize: people.length,
      changedBy: actor.kind,
    },
  });
  return {
    status: "saved",
    revision,
    responseBefore: current.response,
    substitutions: substitutions.map(({ replaced, newId, explicit }) => ({ replacedId: replaced.id, newId, explicit })),
    promotions,
  };
}

export type SubstitutionRow = {
  id: string;
  at: Date;
  revision: number;
  replaced: ReturnType<typeof delegationSummary>[number];
  replacement: ReturnType<typeof delegationSummary>[number];
  replacedCheckedInAt: Date | null;
  explicit: boolean;
  actorKind: "link" | "staff";
  staffLabel: string | null;
};

/** Who replaced whom in a delegation (issue 18 §4), newest first. */
export async function listSubstitutions(db: DB, { invitationId }: { invitationId: string }): Promise<SubstitutionRow[]> {
  return (await db
    .selectFrom("delegate_substitution")
    .select([
      "id",
      "at",
      "revision",
      "replaced",
      "replacement",
      "replaced_checked_in_at as replacedCheckedInAt",
      "explicit",
      "actor_kind as actorKind",
      "staff_label as staffLabel",
    ])
    .where("invitation_id", "=", invitationId)
    .orderBy("at", "desc")
    .orderBy("revision", "desc")
    .limit(100)
    .execute()) as SubstitutionRow[];
}

export type ChangeRow = {
  id: string;
  invitationId: string;
  memberNames: LocalizedText;
  revision: number;
  at: Date;
  actorKind: "link" | "staff";
  staffLabel: string | null;
  reason: string | null;
  responseBefore: InvitationResponse;
  responseAfter: InvitationResponse;
  summary: { size: number; delegates: ReturnType<typeof delegationSummary> };
};

/** The history of one invitation, or the activity feed of an event (newest first). */
export async function listChanges(db: DB, filter: { invitationId: string } | { eventId: string }, limit = 50): Promise<ChangeRow[]> {
  let query = db
    .selectFrom("invitation_change as c")
    .innerJoin("invitation as i", "i.id", "c.invitation_id")
    .innerJoin("member as m", "m.id", "i.member_id")
    .select([
      "c.id",
      "c.invitation_id as invitationId",
      "m.names as memberNames",
      "c.revision",
      "c.at",
      "c.actor_kind as actorKind",
      "c.staff_label as staffLabel",
      "c.reason",
      "c.response_before as responseBefore",
      "c.response_after as responseAfter",
      "c.summary",
    ]);
  query = "invitationId" in filter ? query.where("c.invitation_id", "=", filter.invitationId) : query.where("c.event_id", "=", filter.eventId);
  return (await query.orderBy("c.at", "desc").orderBy("c.revision", "desc").limit(limit).execute()) as ChangeRow[];
}

/** Reveals one delegate's passport number and date of birth (admins; the caller writes the audit row). */
export async function revealPassport(db: DB, { delegateId, invitationId, key }: { delegateId: string; invitationId: string; key: Buffer }) {
  const row = await db
    .selectFrom("delegate")
    .select(["passport_number_enc as number", "birth_date_enc as birth"])
    .where("id", "=", delegateId)
    .where("invitation_id", "=", invitationId)
    .executeTakeFirst();
  if (!row) return undefined;
  return { passportNumber: row.number ? unseal(key, row.number) : null, birthDate: row.birth ? unseal(key, row.birth) : null };
}

/**
 * RELIABILITY D6: passport data, dates of birth, consents and dietary/allergy free text of events that ended
 * more than their retention period ago. Returns counts per event; running it again finds nothing.
 */
export async function purgeExpiredPassportData(db: DB, { now = new Date() }: { now?: Date } = {}) {
  return db
    .updateTable("delegate as d")
    .from("invitation as i")
    .innerJoin("event as e", "e.id", "i.event_id")
    .set({
      passport_name: null,
      nationality: null,
      passport_expiry: null,
      passport_number_enc: null,
      birth_date_enc: null,
      consent_at: null,
      notice_version: null,
      dietary_note: null,
      updated_at: sql`now()`,
    })
    .whereRef("d.invitation_id", "=", "i.id")
    .where(sql<boolean>`e.ends_at + make_interval(days => e.passport_retention_days) < ${now}`)
    .where((eb) =>
      eb.or([
        eb("d.passport_number_enc", "is not", null),
        eb("d.birth_date_enc", "is not", null),
        eb("d.passport_name", "is not", null),
        eb("d.nationality", "is not", null),
        eb("d.passport_expiry", "is not", null),
        eb("d.consent_at", "is not", null),
        eb("d.dietary_note", "is not", null),
      ]),
    )
    .returning(["e.id as eventId"])
    .execute();
}

export type ReplyCounts = {
  invited: number;
  delivered: number;
  opened: number;
  answered: number;
  attending: number;
  declining: number;
  representative: number;
  undecided: number;
  noAnswer: number;
  people: number;
};

/** Per country and in total: the overview of an event's replies. */
export async function countReplies(db: DB, { eventId }: { eventId: string }) {
  const rows = await db
    .selectFrom("invitation as i")
    .innerJoin("member as m", "m.id", "i.member_id")
    .leftJoin("invitation_access as a", "a.invitation_id", "i.id")
    .select([
      "m.country",
      "i.response",
      sql<boolean>`a.invitation_id is not null`.as("opened"),
      sql<boolean>`exists (select 1 from email_message em where em.invitation_id = i.id and em.status in ('sent', 'local'))`.as("delivered"),
      sql<number>`(select count(*) from delegate d where d.invitation_id = i.id)::int`.as("people"),
    ])
    .where("i.event_id", "=", eventId)
    .execute();
  const empty = (): ReplyCounts => ({
    invited: 0,
    delivered: 0,
    opened: 0,
    answered: 0,
    attending: 0,
    declining: 0,
    representative: 0,
    undecided: 0,
    noAnswer: 0,
    people: 0,
  });
  const total = empty();
  const byCountry = new Map<string, ReplyCounts>();
  for (const row of rows) {
    const into = byCountry.get(row.country) ?? empty();
    byCountry.set(row.country, into);
    for (const counts of [total, into]) {
      counts.invited++;
      if (row.delivered) counts.delivered++;
      if (row.opened) counts.opened++;
      if (row.response === "pending") counts.noAnswer++;
      else {
        counts.answered++;
        counts[row.response]++;
      }
      counts.people += Number(row.people);
    }
  }
  return { total, byCountry: [...byCountry.entries()].map(([country, counts]) => ({ country, ...counts })) };
}

/** Every change of answer of an event in time order: the chart of answers over time replays them. */
export async function listAnswerTimeline(db: DB, { eventId }: { eventId: string }) {
  return db
    .selectFrom("invitation_change")
    .select(["invitation_id as invitationId", "at", "response_after as response"])
    .where("event_id", "=", eventId)
    .orderBy("at")
    .orderBy("revision")
    .execute();
}
