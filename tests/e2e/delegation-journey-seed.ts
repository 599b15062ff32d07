// Seeds the delegation journey's database, run with tsx before its server starts, after the administrator was
// created: `DATA_DIR=… tsx tests/e2e/delegation-journey-seed.ts <staff email>`. Loads the NEAR demo directory, opens
// an event and invites Primorsky Krai (letter in Russian) through the same function as the staff page, so the
// invitation waits in the outbox; the server's worker then sends it over SMTP. Prints the event's id as JSON.
import { closeDb, getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { sendInvitations } from "~/mail/invitations.server";
import { openAssemblyForPrimorsky } from "./seed-parts";

const env = getEnv();
const db = getDb();
try {
  const staff = await db.selectFrom("staff_user").select(["id", "email"]).where("email", "=", process.argv[2]).executeTakeFirstOrThrow();
  const { eventId, memberId } = await openAssemblyForPrimorsky(db);
  await sendInvitations(db, { env, eventId, audience: { mode: "picked", memberIds: [memberId] }, user: staff, bilingual: false });
  console.log(JSON.stringify({ eventId }));
} finally {
  await closeDb();
}
