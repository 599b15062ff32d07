// Seeds the e-badge journey's database, run with tsx before the journey's server starts:
// `DATA_DIR=… tsx tests/e2e/ebadge-seed.ts`. Opens an event and saves one delegation's reply through the same
// service as the reply form (its confirmations go to the outbox); prints each delegate's check-in code as JSON.
import crypto from "node:crypto";

import { closeDb, getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { MemberSchema } from "~/lib/directory-schemas";
import { EventSchema, ProgrammeItemSchema } from "~/lib/event-schemas";
import { replySchema } from "~/lib/reply-schemas";
import { submitReply } from "~/mail/replies.server";
import { createEvent, createProgrammeItem, getEvent, transitionEvent } from "~/models/event.server";
import { ensureInvitation } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { migrateToLatest } from "../../db/migrator";

const env = getEnv();
const db = getDb();
try {
  await migrateToLatest(db);
  const { id: memberId } = await createMember(
    db,
    MemberSchema.parse({ country: "KR", kind: "province", names: { en: "Gyeongsangbuk-do", ko: "경상북도", mn: "Кёнсан-Пук муж" }, timeZone: "Asia/Seoul" }),
  );
  const { id: eventId } = await createEvent(
    db,
    EventSchema.parse({
      kind: "general_assembly",
      title: { en: "17th NEAR General Assembly", ko: "제17차 NEAR 총회", mn: "АРАССВА-гийн 17 дахь Ерөнхий ассамблей" },
      venue: { en: "Gyeongju", ko: "경주" },
      timeZone: "Asia/Seoul",
      start: "2027-06-16T09:00",
      end: "2027-06-17T18:00",
      quota: "5",
      categories: ["delegate"],
    }),
  );
  const item = ProgrammeItemSchema.parse({
    kind: "welcome_dinner",
    start: "2027-06-16T19:00",
    end: "2027-06-16T21:00",
    title: { en: "Welcome dinner", ko: "환영 만찬", mn: "Хүлээн авалтын оройн зоог" },
  });
  const { id: dinnerId } = await createProgrammeItem(db, { eventId, timeZone: "Asia/Seoul", input: item });
  await transitionEvent(db, { id: eventId, version: 1, to: "open" });
  const { id: invitationId } = await ensureInvitation(db, { eventId, memberId, letterLocale: "ko", createdBy: null });
  const input = replySchema({ quota: 5, passportAllowed: false, programmeIds: [dinnerId], storedPassport: [], staff: false }).parse({
    response: "attending",
    revision: "1",
    submission: crypto.randomUUID(),
    delegates: [
      {
        role: "head",
        nameLocale: "ko",
        familyName: "김",
        givenName: "철수",
        latinFamilyName: "Kim",
        latinGivenName: "Cheolsu",
        title: "행정부지사",
        email: "cheolsu@example.org",
        programme: [dinnerId],
      },
      {
        role: "interpreter",
        nameLocale: "mn",
        patronymic: "Цэрэнгийн",
        givenName: "Өлзийбат",
        latinFamilyName: "Tserengiin",
        latinGivenName: "Ulziibat",
        email: "ulziibat@example.org",
        interpretation: "mn",
      },
    ],
  });
  await submitReply(db, { env, event: (await getEvent(db, { id: eventId }))!, invitationId, input, actor: { kind: "link" }, passportAllowed: false });
  const codes = await db.selectFrom("delegate").select(["email", "check_in_code as code"]).execute();
  console.log(JSON.stringify(Object.fromEntries(codes.map((c) => [c.email, c.code]))));
} finally {
  await closeDb();
}
