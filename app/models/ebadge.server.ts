import { sql } from "kysely";

import type { DB } from "~/db.server";
import { seal, unseal } from "~/lib/sealed.server";
import { createToken, hashToken, isWellFormedToken } from "~/lib/tokens.server";
import type { DelegateRole, InvitationResponse, Locale, LocalizedText, ParticipantCategory } from "../../db/schema";

/** What a personal confirmation needs of one delegate (issue 18 §5). */
export type BadgeHolder = {
  id: string;
  role: DelegateRole;
  nameLocale: Locale;
  familyName: string | null;
  givenName: string;
  patronymic: string | null;
  clanName: string | null;
  latinFamilyName: string | null;
  latinGivenName: string | null;
  title: string | null;
  email: string | null;
  interpretation: Locale | null;
  /** the items they hold a place on */
  programme: string[];
  /** the items they are on the waiting list for, first asked first (issue 18 §7) */
  waiting: string[];
  category: ParticipantCategory;
  checkInCode: string;
  anonymised: boolean;
};

/** How a delegate's name is stored: what every list of people formats with formatName. */
export const PERSON_NAME_COLUMNS = [
  "d.name_locale as nameLocale",
  "d.family_name as familyName",
  "d.given_name as givenName",
  "d.latin_family_name as latinFamilyName",
  "d.latin_given_name as latinGivenName",
  "d.patronymic",
  "d.clan_name as clanName",
] as const;

const HOLDER_COLUMNS = [
  "d.id",
  "d.role",
  ...PERSON_NAME_COLUMNS,
  "d.title",
  "d.email",
  "d.interpretation_locale as interpretation",
  "d.programme_item_ids as programme",
  "d.category",
  "d.check_in_code as checkInCode",
] as const;

const WAITING_COLUMN = sql<string[]>`array(select r.programme_item_id::text from programme_registration r
  where r.delegate_id = d.id and r.status = 'waiting' order by r.requested_at, r.programme_item_id)`.as("waiting");

/** A delegate as a message to or about them needs them: the person, and their invitation, member and letter language. */
export type MailDelegate = BadgeHolder & { invitationId: string; memberId: string; letterLocale: Locale };

/**
 * The one lookup of delegates for mail (the e-badge confirmation and its page, the notices of places and
 * approvals): delegate `d` with invitation `i` joined; callers add their own joins, columns and conditions.
 */
export function selectMailDelegates(db: DB) {
  return db
    .selectFrom("delegate as d")
    .innerJoin("invitation as i", "i.id", "d.invitation_id")
    .select([
      ...HOLDER_COLUMNS,
      WAITING_COLUMN,
      sql<boolean>`d.anonymised_at is not null`.as("anonymised"),
      "i.id as invitationId",
      "i.member_id as memberId",
      "i.letter_locale as letterLocale",
    ]);
}

/** The delegation of one invitation as stored now (after a save), in position order. */
export async function listBadgeHolders(db: DB, { invitationId }: { invitationId: string }): Promise<MailDelegate[]> {
  return selectMailDelegates(db).where("d.invitation_id", "=", invitationId).orderBy("d.position").execute();
}

/**
 * The token of a delegate's e-badge link: the one issued before (unsealed from its stored copy), or a new one.
 * Only the SHA-256 is looked up; the sealed copy lets a later confirmation carry the same link. A copy sealed
 * under another DATA_ENCRYPTION_KEY cannot be read: the link is then replaced by a new one.
 */
export async function ensureBadgeToken(db: DB, { delegateId, key }: { delegateId: string; key: Buffer }): Promise<string> {
  const stored = await db.selectFrom("delegate_badge_link").select(["token_hash", "token_sealed"]).where("delegate_id", "=", delegateId).executeTakeFirst();
  if (stored) {
    try {
      const token = unseal(key, stored.token_sealed);
      if (hashToken(token) === stored.token_hash) return token;
    } catch {
      // sealed under another key: issue a new link below
    }
  }
  const token = createToken();
  await db
    .insertInto("delegate_badge_link")
    .values({ delegate_id: delegateId, token_hash: hashToken(token), token_sealed: seal(key, token) })
    .onConflict((oc) => oc.column("delegate_id").doUpdateSet({ token_hash: hashToken(token), token_sealed: seal(key, token), created_at: sql`now()` }))
    .execute();
  return token;
}

export type BadgeView = {
  delegateId: string;
  holder: BadgeHolder;
  invitationId: string;
  letterLocale: Locale;
  response: InvitationResponse;
  eventId: string;
  memberNames: LocalizedText;
  memberCountry: string;
};

/**
 * The e-badge a link opens: none for a malformed or unknown token, an anonymised person, a declined reply, or an
 * event cancelled or archived (the printed badge would not be valid either).
 */
export async function findBadgeByToken(db: DB, { token }: { token: string }): Promise<BadgeView | undefined> {
  if (!isWellFormedToken(token)) return undefined;
  const row = await selectMailDelegates(db)
    .innerJoin("delegate_badge_link as l", "l.delegate_id", "d.id")
    .innerJoin("event as e", "e.id", "i.event_id")
    .innerJoin("member as m", "m.id", "i.member_id")
    .select(["i.response", "e.id as eventId", "m.names as memberNames", "m.country as memberCountry"])
    .where("l.token_hash", "=", hashToken(token))
    .where("d.anonymised_at", "is", null)
    .where("i.response", "in", ["attending", "representative"])
    .where("e.status", "not in", ["cancelled", "archived"])
    .executeTakeFirst();
  if (!row) return undefined;
  const { invitationId, memberId: _memberId, letterLocale, response, eventId, memberNames, memberCountry, ...holder } = row;
  return { delegateId: holder.id, holder, invitationId, letterLocale, response, eventId, memberNames, memberCountry };
}
