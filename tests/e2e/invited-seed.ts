// Seeds an event that has invitations, run with tsx after the NEAR demo directory is loaded and before the journey's
// server starts: `DATA_DIR=… tsx tests/e2e/invited-seed.ts <staff email>`. Opens an event with a programme item,
// invites six members (one letter in each language), saves two replies through the reply form's service (their
// confirmations go to the outbox), freezes and publishes the List of Participants, adds a guest and a webhook, and
// prints the ids and links of every kind of page as one line of JSON. Four invitations stay unanswered.
import crypto from "node:crypto";

import { sql } from "kysely";

import { closeDb, getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { EventSchema, ProgrammeItemSchema } from "~/lib/event-schemas";
import { GuestSchema } from "~/lib/guest-schemas";
import { replySchema } from "~/lib/reply-schemas";
import { seal } from "~/lib/sealed.server";
import { submitReply } from "~/mail/replies.server";
import { ensureBadgeToken } from "~/models/ebadge.server";
import { createEvent, createProgrammeItem, getEvent, transitionEvent } from "~/models/event.server";
import { createGuest } from "~/models/guest.server";
import { ensureInvitation, ensureLinkToken } from "~/models/invitation.server";
import { publishParticipantList } from "~/models/participant-list.server";
import { freezeRosterVersion } from "~/models/roster.server";
import { createSubscription } from "~/models/webhook.server";
import { buildRoster, flatten } from "~/services/roster-view.server";
import { migrateToLatest } from "../../db/migrator";

/** Members by English name → their letter's language; the first two answer. */
const INVITED = {
  "Primorsky Krai": "ru",
  "Gyeongsangbuk-do (North Gyeongsang Province)": "ko",
  "Liaoning Province": "zh",
  "Tottori Prefecture": "ja",
  "Töv Province": "mn",
  "Toyama Prefecture": "en",
} as const;

const staffEmail = process.argv[2];
if (!staffEmail) throw new Error("usage: tsx tests/e2e/invited-seed.ts <staff email>");
const env = getEnv();
const db = getDb();
try {
  await migrateToLatest(db);
  const staff = await db.selectFrom("staff_user").select(["id", "email"]).where("email", "=", staffEmail).executeTakeFirstOrThrow();
  const { id: eventId } = await createEvent(
    db,
    EventSchema.parse({
      kind: "general_assembly",
      title: {
        en: "18th NEAR General Assembly",
        ko: "제18차 NEAR 총회",
        zh: "第18届东北亚地区地方政府联合会全体会议",
        ja: "第18回NEAR総会",
        ru: "18-я Генеральная ассамблея АРАССВА",
        mn: "АРАССВА-гийн 18 дахь Ерөнхий ассамблей",
      },
      venue: { en: "Vladivostok", ru: "Владивосток" },
      timeZone: "Asia/Vladivostok",
      start: "2027-09-14T09:00",
      end: "2027-09-15T18:00",
      rsvpDeadline: "2027-08-31T18:00",
      quota: "5",
      categories: ["delegate", "observer"],
      contactName: "NEAR Secretariat",
      contactEmail: "secretariat@example.org",
    }),
  );
  const { id: itemId } = await createProgrammeItem(db, {
    eventId,
    timeZone: "Asia/Vladivostok",
    input: ProgrammeItemSchema.parse({
      kind: "welcome_dinner",
      start: "2027-09-14T19:00",
      end: "2027-09-14T21:00",
      title: { en: "Welcome dinner", ru: "Приветственный ужин" },
    }),
  });
  await transitionEvent(db, { id: eventId, version: 1, to: "open" });
  const members = await db
    .selectFrom("member")
    .select(["id", sql<string>`names->>'en'`.as("en")])
    .execute();
  const invitations: Record<string, string> = {};
  for (const [name, locale] of Object.entries(INVITED)) {
    const member = members.find((m) => m.en === name);
    if (!member) throw new Error(`no demo member ${name}`);
    invitations[name] = (await ensureInvitation(db, { eventId, memberId: member.id, letterLocale: locale, createdBy: staff.id })).id;
  }
  const event = (await getEvent(db, { id: eventId }))!;
  const reply = (delegates: Record<string, unknown>[]) =>
    replySchema({ quota: 5, passportAllowed: false, programmeIds: [itemId], storedPassport: [], staff: false }).parse({
      response: "attending",
      revision: "1",
      submission: crypto.randomUUID(),
      delegates,
    });
  const answer = (name: string, delegates: Record<string, unknown>[]) =>
    submitReply(db, { env, event, invitationId: invitations[name], input: reply(delegates), actor: { kind: "link" }, passportAllowed: false });
  await answer("Primorsky Krai", [
    {
      role: "head",
      nameLocale: "ru",
      familyName: "Кожемяко",
      givenName: "Олег",
      patronymic: "Николаевич",
      latinFamilyName: "Kozhemiako",
      latinGivenName: "Oleg",
      title: "Губернатор",
      email: "oleg@example.org",
      programme: [itemId],
    },
    {
      role: "interpreter",
      nameLocale: "ru",
      familyName: "Иванова",
      givenName: "Анна",
      latinFamilyName: "Ivanova",
      latinGivenName: "Anna",
      email: "anna@example.org",
      interpretation: "ru",
    },
  ]);
  await answer("Gyeongsangbuk-do (North Gyeongsang Province)", [
    {
      role: "head",
      nameLocale: "ko",
      familyName: "김",
      givenName: "철수",
      latinFamilyName: "Kim",
      latinGivenName: "Cheolsu",
      title: "행정부지사",
      email: "cheolsu@example.org",
    },
  ]);
  const replyToken = await ensureLinkToken(db, { invitationId: invitations["Primorsky Krai"], keys: { key: env.DATA_ENCRYPTION_KEY } });
  const delegate = await db
    .selectFrom("delegate")
    .select("id")
    .where("invitation_id", "=", invitations["Primorsky Krai"])
    .where("role", "=", "head")
    .executeTakeFirstOrThrow();
  const badgeToken = await ensureBadgeToken(db, { delegateId: delegate.id, key: env.DATA_ENCRYPTION_KEY });
  const view = await buildRoster(db, event, { lang: "en", filter: {} });
  const version = await freezeRosterVersion(db, {
    eventId,
    kind: "provisional",
    locale: "en",
    createdBy: { id: staff.id, label: staff.email },
    filters: {},
    rows: flatten(view),
  });
  await publishParticipantList(db, { eventId, versionNumber: version, isPublic: true, by: staff.id });
  const { id: guestId } = await createGuest(
    db,
    GuestSchema.parse({
      kind: "expert",
      names: { en: "Dr Saran Bold", mn: "Доктор Болдын Саран" },
      country: "MN",
      email: "saran@example.org",
      defaultLocale: "mn",
    }),
  );
  const { id: webhookId } = await createSubscription(db, {
    url: "https://hooks.example.org/plenary",
    description: "Delegation desk",
    eventTypes: ["reply.changed"],
    secretSealed: seal(env.DATA_ENCRYPTION_KEY, "whsec-e2e"),
    createdBy: staff.id,
  });
  const primorsky = members.find((m) => m.en === "Primorsky Krai")!;
  const { id: contactId } = await db.selectFrom("contact").select("id").where("member_id", "=", primorsky.id).orderBy("id").executeTakeFirstOrThrow();
  const { id: subcommitteeId } = await db.selectFrom("subcommittee").select("id").orderBy("number").executeTakeFirstOrThrow();
  const { id: messageId } = await db.selectFrom("email_message").select("id").where("event_id", "=", eventId).orderBy("created_at").executeTakeFirstOrThrow();
  console.log(
    JSON.stringify({
      staffId: staff.id,
      eventId,
      itemId,
      memberId: primorsky.id,
      contactId,
      subcommitteeId,
      guestId,
      webhookId,
      messageId,
      invitationId: invitations["Primorsky Krai"],
      replyPath: `/r/${replyToken}`,
      badgePath: `/b/${badgeToken}`,
      unanswered: Object.keys(INVITED).slice(2),
    }),
  );
} finally {
  await closeDb();
}
