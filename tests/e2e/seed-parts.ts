// Steps the journeys' seed scripts share (run with tsx before a journey's server starts).
import { sql } from "kysely";

import type { DB } from "~/db.server";
import { EventSchema } from "~/lib/event-schemas";
import { loadDemoData } from "~/models/demo.server";
import { createEvent, transitionEvent } from "~/models/event.server";
import { migrateToLatest } from "../../db/migrator";

/**
 * The NEAR demo directory and an open 17th General Assembly in Vladivostok (English and Russian title, five people
 * a member); returns it with Primorsky Krai, the member the journeys invite (letter in Russian).
 */
export async function openAssemblyForPrimorsky(db: DB) {
  await migrateToLatest(db);
  await loadDemoData(db);
  const { id: eventId } = await createEvent(
    db,
    EventSchema.parse({
      kind: "general_assembly",
      title: { en: "17th NEAR General Assembly", ru: "17-я Генеральная ассамблея АРАССВА" },
      timeZone: "Asia/Vladivostok",
      start: "2027-06-16T09:00",
      end: "2027-06-17T18:00",
      quota: "5",
      categories: ["delegate"],
    }),
  );
  await transitionEvent(db, { id: eventId, version: 1, to: "open" });
  const member = await db
    .selectFrom("member")
    .select("id")
    .where(sql<string>`names->>'en'`, "=", "Primorsky Krai")
    .executeTakeFirstOrThrow();
  return { eventId, memberId: member.id };
}
