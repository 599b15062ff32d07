import { sql } from "kysely";

import type { DB } from "~/db.server";

/**
 * The selected invitations that are this event's, in the list's order (country, then English name). The caller
 * compares the count with the ids it was given: an id of another event (or none at all) is not found here.
 */
export async function listSelectedInvitations(db: DB, { eventId, ids }: { eventId: string; ids: string[] }) {
  if (!ids.length) return [];
  return db
    .selectFrom("invitation as i")
    .innerJoin("member as m", "m.id", "i.member_id")
    .select(["i.id", "i.member_id as memberId", "m.names as memberNames", "m.country", "i.letter_locale as letterLocale", "i.response", "i.revision"])
    .where("i.event_id", "=", eventId)
    .where("i.id", "in", ids)
    .orderBy("m.country")
    .orderBy(sql`m.names->>'en'`)
    .orderBy("i.id")
    .execute();
}
