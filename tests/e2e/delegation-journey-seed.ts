// Seeds the delegation journey's database, run with tsx before its server starts, after the administrator was
// created: `DATA_DIR=… tsx tests/e2e/delegation-journey-seed.ts <staff email>`. Loads the NEAR demo directory, opens
// an event and invites Primorsky Krai (letter in Russian) through the same function as the staff page, so the
// invitation waits in the outbox; the server's worker then sends it over SMTP. Prints the event's id as JSON.
import { sql } from "kysely";

import { closeDb, getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { EventSchema } from "~/lib/event-schemas";
import { sendInvitations } from "~/mail/invitations.server";
import { loadDemoData } from "~/models/demo.server";
import { createEvent, transitionEvent } from "~/models/event.server";
import { migrateToLatest } from "../../db/migrator";

const env = getEnv();
const db = getDb();
try {
  await migrateToLatest(db);
  await loadDemoData(db);
  const staff = await db.selectFrom("staff_user").select(["id", "email"]).where("email", "=", process.argv[2]).executeTakeFirstOrThrow();
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
  await sendInvitations(db, { env, eventId, audience: { mode: "picked", memberIds: [member.id] }, user: staff, bilingual: false });
  console.log(JSON.stringify({ eventId }));
} finally {
  await closeDb();
}
