import { sql } from "kysely";

import type { DB } from "~/db.server";
import { type ContactRow, listContactsOfMembers } from "~/models/contact.server";
import { listMembers, type MemberRow } from "~/models/member.server";
import type { MemberStatus } from "../../db/schema";

export type AudienceFilter =
  | { mode: "all" }
  | { mode: "country"; country: string }
  | { mode: "status"; status: MemberStatus }
  | { mode: "subcommittee"; subcommitteeId: string }
  | { mode: "picked"; memberIds: string[] };

/** Active members chosen by the filter, each with its contacts. */
export async function listAudience(db: DB, filter: AudienceFilter): Promise<(MemberRow & { contacts: ContactRow[] })[]> {
  let members: MemberRow[];
  if (filter.mode === "subcommittee") {
    const ids = (await db.selectFrom("subcommittee_member").select("member_id").where("subcommittee_id", "=", filter.subcommitteeId).execute()).map(
      (r) => r.member_id,
    );
    members = (await listMembers(db)).filter((m) => ids.includes(m.id));
  } else if (filter.mode === "picked") {
    // by id: a send wave's chunk and a reminder reach the guests invited too (issue 18 §3)
    members = filter.memberIds.length ? await listMembers(db, { ids: filter.memberIds, withGuests: true }) : [];
  } else {
    members = await listMembers(db, {
      country: filter.mode === "country" ? filter.country : undefined,
      status: filter.mode === "status" ? filter.status : undefined,
    });
  }
  const contacts = await listContactsOfMembers(db, { memberIds: members.map((m) => m.id) });
  return members.map((m) => ({ ...m, contacts: contacts.get(m.id) ?? [] }));
}

/** The members an audience names, as ids in the audience's order (what a send wave records). */
export async function listAudienceIds(db: DB, filter: AudienceFilter): Promise<string[]> {
  if (filter.mode === "picked") return filter.memberIds.length ? (await listMembers(db, { ids: filter.memberIds })).map((m) => m.id) : [];
  return (await listAudience(db, filter)).map((m) => m.id);
}

/** Serializes sending for one event across requests and processes (released at commit). */
export async function lockEventForSending(db: DB, { eventId }: { eventId: string }) {
  await sql`select pg_advisory_xact_lock(hashtext(${`plenary:send:${eventId}`}))`.execute(db);
}
