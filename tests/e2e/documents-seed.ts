// Seeds the documents journey's database, run with tsx before its server starts: `DATA_DIR=… tsx tests/e2e/documents-seed.ts`.
// Loads the NEAR demo directory, opens an event, invites Primorsky Krai (letter in Russian) with one person registered,
// and prints the reply link's path as one line of JSON.
import crypto from "node:crypto";

import { closeDb, getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { replySchema } from "~/lib/reply-schemas";
import { ensureInvitation, ensureLinkToken } from "~/models/invitation.server";
import { applyReply } from "~/models/reply.server";
import { openAssemblyForPrimorsky } from "./seed-parts";

const env = getEnv();
const db = getDb();
try {
  const { eventId, memberId } = await openAssemblyForPrimorsky(db);
  const { id: invitationId } = await ensureInvitation(db, { eventId, memberId, letterLocale: "ru", createdBy: null });
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
