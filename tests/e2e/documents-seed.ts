// Seeds the documents journey's database, run with tsx before its server starts: `DATA_DIR=… tsx tests/e2e/documents-seed.ts`.
// Loads the NEAR demo directory, opens an event, invites Primorsky Krai (letter in Russian) with one person registered,
// and prints the reply link's path as one line of JSON.
import crypto from "node:crypto";

import { sql } from "kysely";

import { closeDb, getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { EventSchema } from "~/lib/event-schemas";
import { replySchema } from "~/lib/reply-schemas";
import { loadDemoData } from "~/models/demo.server";
import { createEvent, transitionEvent } from "~/models/event.server";
import { ensureInvitation, ensureLinkToken } from "~/models/invitation.server";
import { applyReply } from "~/models/reply.server";
import { migrateToLatest } from "../../db/migrator";

const env = getEnv();
const db = getDb();
try {
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
  const { id: invitationId } = await ensureInvitation(db, { eventId, memberId: member.id, letterLocale: "ru", createdBy: null });
  const token = await ensureLinkToken(db, { invitationId, keys: { key: env.DATA_ENCRYPTION_KEY } });
  const input = replySchema({ quota: 5, passportAllowed: false, programmeIds: [], storedPassport: [], staff: false }).parse({
    response: "attending",
    revision: "1",
    submission: crypto.randomUUID(),
    delegates: [{ role: "head", nameLocale: "ru", familyName: "Кожемяко", givenName: "Олег", latinFamilyName: "Kozhemiako", latinGivenName: "Oleg" }],
  });
  await db
    .transaction()
    .execute((trx) =>
      applyReply(trx, { invitationId, expectedRevision: 1, input, actor: { kind: "link" }, key: env.DATA_ENCRYPTION_KEY, passportAllowed: false }),
    );
  console.log(JSON.stringify({ path: `/r/${token}` }));
} finally {
  await closeDb();
}
