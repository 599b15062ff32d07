// Seeds the rosters journey's database, run as a script with tsx (like the command-line tools) before the journey's
// server starts: `DATA_DIR=… tsx tests/e2e/rosters-seed.ts <organiser email>`. Loads the NEAR demo directory, opens an
// event and records five delegations whose names are in six scripts, through the same model functions as the reply
// form. Prints the event's id and each delegate's check-in code as one line of JSON.
import crypto from "node:crypto";

import { sql } from "kysely";

import { closeDb, type DB, getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { EventSchema } from "~/lib/event-schemas";
import { replySchema } from "~/lib/reply-schemas";
import { loadDemoData } from "~/models/demo.server";
import { createEvent, transitionEvent } from "~/models/event.server";
import { ensureInvitation } from "~/models/invitation.server";
import { applyReply } from "~/models/reply.server";
import { migrateToLatest } from "../../db/migrator";

/** Members by English name → the delegation each sends (the same people as tests/integration/rosters.test.ts). */
const DELEGATIONS: Record<string, { locale: "ko" | "zh" | "ja" | "ru" | "mn"; people: Record<string, unknown>[] }> = {
  "Gyeongsangbuk-do (North Gyeongsang Province)": {
    locale: "ko",
    people: [
      { role: "head", nameLocale: "ko", familyName: "김", givenName: "철수", latinFamilyName: "Kim", latinGivenName: "Cheolsu", title: "행정부지사" },
      { role: "accompanying", nameLocale: "en", givenName: "John", familyName: "Smith", title: "Adviser" },
    ],
  },
  "Liaoning Province": {
    locale: "zh",
    people: [{ role: "head", nameLocale: "zh", familyName: "李", givenName: "乐成", latinFamilyName: "Li", latinGivenName: "Lecheng", title: "省长" }],
  },
  "Tottori Prefecture": {
    locale: "ja",
    people: [{ role: "head", nameLocale: "ja", familyName: "平井", givenName: "かな", latinFamilyName: "Hirai", latinGivenName: "Kana", title: "知事" }],
  },
  "Primorsky Krai": {
    locale: "ru",
    people: [
      {
        role: "head",
        nameLocale: "ru",
        familyName: "Кожемяко",
        givenName: "Олег",
        patronymic: "Николаевич",
        latinFamilyName: "Kozhemiako",
        latinGivenName: "Oleg",
        title: "Губернатор",
      },
    ],
  },
  "Töv Province": {
    locale: "mn",
    people: [
      {
        role: "head",
        nameLocale: "mn",
        patronymic: "Цэрэнгийн",
        givenName: "Өлзийбат",
        latinFamilyName: "Tserengiin",
        latinGivenName: "Ulziibat",
        title: "Засаг дарга",
      },
    ],
  },
};

async function seed(db: DB, organiserEmail: string, key: Buffer) {
  await loadDemoData(db);
  const { id: organiserId } = await db.selectFrom("staff_user").select("id").where("email", "=", organiserEmail).executeTakeFirstOrThrow();
  const { id: eventId } = await createEvent(
    db,
    EventSchema.parse({
      kind: "general_assembly",
      title: { en: "17th NEAR General Assembly", ko: "제17차 NEAR 총회" },
      timeZone: "Asia/Seoul",
      start: "2027-06-16T09:00",
      end: "2027-06-17T18:00",
      quota: "5",
      categories: ["delegate", "observer"],
      contactEmail: "sg@near.example.org",
    }),
  );
  await transitionEvent(db, { id: eventId, version: 1, to: "open" });
  const members = await db
    .selectFrom("member")
    .select(["id", sql<string>`names->>'en'`.as("en")])
    .execute();
  for (const [name, delegation] of Object.entries(DELEGATIONS)) {
    const member = members.find((m) => m.en === name);
    if (!member) throw new Error(`no demo member ${name}`);
    const { id: invitationId } = await ensureInvitation(db, { eventId, memberId: member.id, letterLocale: delegation.locale, createdBy: organiserId });
    const input = replySchema({ quota: 5, passportAllowed: false, programmeIds: [], storedPassport: [], staff: false }).parse({
      response: "attending",
      revision: "1",
      submission: crypto.randomUUID(),
      delegates: delegation.people,
    });
    const outcome = await db
      .transaction()
      .execute((trx) => applyReply(trx, { invitationId, expectedRevision: 1, input, actor: { kind: "link" }, key, passportAllowed: false }));
    if (outcome.status !== "saved") throw new Error(`reply of ${name} not saved: ${outcome.status}`);
  }
  const codes = await db
    .selectFrom("delegate")
    .select(["check_in_code as code", sql<string>`coalesce(latin_family_name, family_name)`.as("family")])
    .where("check_in_code", "is not", null)
    .execute();
  return { eventId, codes: Object.fromEntries(codes.map((c) => [c.family, c.code])) };
}

const organiserEmail = process.argv[2];
if (!organiserEmail) throw new Error("usage: tsx tests/e2e/rosters-seed.ts <organiser email>");
const env = getEnv();
const db = getDb();
try {
  await migrateToLatest(db);
  console.log(JSON.stringify(await seed(db, organiserEmail, env.DATA_ENCRYPTION_KEY)));
} finally {
  await closeDb();
}
