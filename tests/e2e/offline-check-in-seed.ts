// Adds a welcome dinner to the rosters journey's event, for checking in per programme item:
// `DATA_DIR=… tsx tests/e2e/offline-check-in-seed.ts <event id>`, before the server opens the database. Prints the item's id.
import { closeDb, getDb } from "~/db.server";
import { ProgrammeItemSchema } from "~/lib/event-schemas";
import { createProgrammeItem } from "~/models/event.server";

const eventId = process.argv[2];
if (!eventId) throw new Error("usage: tsx tests/e2e/offline-check-in-seed.ts <event id>");
const db = getDb();
try {
  const { id } = await createProgrammeItem(db, {
    eventId,
    timeZone: "Asia/Seoul",
    input: ProgrammeItemSchema.parse({ kind: "welcome_dinner", start: "2027-06-16T19:00", end: "2027-06-16T21:00", title: { en: "Welcome dinner" } }),
  });
  console.log(JSON.stringify({ dinnerId: id }));
} finally {
  await closeDb();
}
