import { sql } from "kysely";
import { type InvitationResponse, type LocalizedText, type Locale } from "../../db/schema";
import { type DB } from "~/db.server";
import { hashToken, invitationLinkToken, isWellFormedToken } from "~/lib/tokens.server";

/** The invitation of a member to an event, created once (event × member is unique). */
export async function ensureInvitation(
  db: DB,
  { eventId, memberId, letterLocale, createdBy }: { eventId: string; memberId: string; letterLocale: Locale; createdBy: string },
) {
  const inserted = await db
    .insertInto("invitation")
    .values({ event_id: eventId, member_id: memberId, letter_locale: letterLocale, created_by: createdBy })
    .onConflict((oc) => oc.columns(["event_id", "member_id"]).doNothing())
    .returning(["id", "letter_locale as letterLocale"])
    .executeTakeFirst();
  if (inserted) return { ...inserted, created: true };
  const existing = await db
    .selectFrom("invitation")
    .select(["id", "letter_locale as letterLocale"])
    .where("event_id", "=", eventId)
    .where("member_id", "=", memberId)
    .executeTakeFirstOrThrow();
  return { ...existing, created: false };
}

/** The invitation's live link token (derived, see tokens.server.ts); issues version 1 the first time. */
export async function ensureLinkToken(
  db: DB,
  { invitationId, secret, isNew = false }: { invitationId: string; secret: string; isNew?: boolean },
): Promise<string> {
  if (isNew) {
    // a fresh invitation has no token yet: version 1 directly
    const token = invitationLinkToken(secret, invitationId, 1);
    await db.insertInto("invitation_token").values({ token_hash: hashToken(token), invitation_id: invitationId, version: 1 }).execute();
    return token;
  }
  const live = await db
    .selectFrom("invitation_token")
    .select(["token_hash", "version"])
    .where("invitation_id", "=", invitationId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  if (live) {
    const token = invitationLinkToken(secret, invitationId, live.version);
    if (hashToken(token) === live.token_hash) return token;
    // the secret changed since this link was issued: that link cannot be rebuilt, so issue a new one
  }
  return reissueLinkToken(db, { invitationId, secret });
}

/** Revokes the live link (it stops working at once) and issues the next version. */
export async function reissueLinkToken(db: DB, { invitationId, secret }: { invitationId: string; secret: string }): Promise<string> {
  await db.updateTable("invitation_token").set({ revoked_at: sql`now()` }).where("invitation_id", "=", invitationId).where("revoked_at", "is", null).execute();
  const last = await db.selectFrom("invitation_token").select((eb) => eb.fn.max("version").as("v")).where("invitation_id", "=", invitationId).executeTakeFirst();
  const version = Number(last?.v ?? 0) + 1;
  const token = invitationLinkToken(secret, invitationId, version);
  await db.insertInto("invitation_token").values({ token_hash: hashToken(token), invitation_id: invitationId, version }).execute();
  return token;
}

export async function revokeLinkToken(db: DB, { invitationId }: { invitationId: string }) {
  await db.updateTable("invitation_token").set({ revoked_at: sql`now()` }).where("invitation_id", "=", invitationId).where("revoked_at", "is", null).execute();
}

/**
 * The invitation a live link token belongs to; malformed tokens are refused before any query, and links of
 * archived events count as expired (not found).
 */
export async function findInvitationByToken(db: DB, { token }: { token: string }) {
  if (!isWellFormedToken(token)) return undefined;
  return db
    .selectFrom("invitation_token as t")
    .innerJoin("invitation as i", "i.id", "t.invitation_id")
    .innerJoin("event as e", "e.id", "i.event_id")
    .select(["i.id", "i.event_id as eventId", "i.member_id as memberId", "i.letter_locale as letterLocale"])
    .where("t.token_hash", "=", hashToken(token))
    .where("t.revoked_at", "is", null)
    .where("e.status", "<>", "archived")
    .executeTakeFirst();
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
  /** size of the registered delegation */
  people: number;
  changedAt: Date | null;
};

/** The invitations of an event with the state of each member's latest message and the size of each delegation. */
export async function listInvitations(db: DB, { eventId }: { eventId: string }): Promise<InvitationListRow[]> {
  return (await db
    .selectFrom("invitation as i")
    .innerJoin("member as m", "m.id", "i.member_id")
    .leftJoin(
      (eb) =>
        eb
          .selectFrom("email_message")
          .select(["invitation_id", "status", "kind", "to_addresses", sql<number>`row_number() over (partition by invitation_id order by created_at desc)`.as("rn")])
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
      sql<number>`(select count(*) from delegate d where d.invitation_id = i.id)::int`.as("people"),
      "i.changed_at as changedAt",
    ])
    .where("i.event_id", "=", eventId)
    .orderBy("m.country")
    .orderBy(sql`m.names->>'en'`)
    .execute()) as InvitationListRow[];
}
