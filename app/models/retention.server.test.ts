import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { parseEnv } from "~/env.server";
import { MemberSchema } from "~/lib/directory-schemas";
import { EventSchema } from "~/lib/event-schemas";
import { type ReplyRules, replySchema } from "~/lib/reply-schemas";
import { startMailWorker } from "~/mail/worker.server";
import { enqueueMessage, resendMessage } from "~/models/email-message.server";
import { createEvent, setPassportCollection, transitionEvent } from "~/models/event.server";
import { ensureInvitation, ensureLinkToken } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { applyReply, countReplies } from "~/models/reply.server";
import { ANONYMISED_NAME, getRetentionMonths, listEventsDueForAnonymisation, setRetentionMonths } from "~/models/retention.server";
import { freezeRosterVersion } from "~/models/roster.server";
import { createStaffUser } from "~/models/staff-user.server";
import { previewPersonalDataRetention, RetentionChangedError, runPersonalDataRetention } from "~/services/retention.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";

const KEY = crypto.randomBytes(32);
const rules: ReplyRules = { quota: 3, passportAllowed: true, programmeIds: [], storedPassport: [], staff: false };
/** The injected clock: the old event ended three years before it, the recent one a year before. */
const NOW = new Date("2026-12-05T12:00:00Z");

const attending = (revision: number) =>
  replySchema(rules).parse({
    response: "attending",
    revision: String(revision),
    submission: crypto.randomUUID(),
    passportConsent: "on",
    delegates: [
      {
        role: "head",
        nameLocale: "ru",
        familyName: "Кожемяко",
        givenName: "Олег",
        patronymic: "Николаевич",
        latinFamilyName: "Kozhemyako",
        latinGivenName: "Oleg",
        gender: "male",
        title: "Губернатор",
        email: "oleg@example.org",
        phone: "+7 423 000 0000",
        dietary: ["halal"],
        dietaryNote: "no nuts",
        hotel: "Hotel Vladivostok",
        arrivalAt: "2023-09-09T10:00",
        arrivalPlace: "ICN",
        needsVisaLetter: "on",
        passportName: "KOZHEMYAKO OLEG",
        nationality: "RU",
        passportNumber: "E7654321",
        passportExpiry: "2031-05-01",
        birthDate: "1970-03-08",
      },
      { role: "interpreter", nameLocale: "ru", familyName: "Иванова", givenName: "Анна", email: "anna@example.org", phone: "+7 423 111 1111" },
    ],
  });

const declining = (revision: number) =>
  replySchema(rules).parse({ response: "declining", declineReason: "Governor Batbold is ill", revision: String(revision), submission: crypto.randomUUID() });

describe(`personal data retention (${databaseLabel})`, () => {
  let t: TestDb;
  const events: Record<"old" | "recent", { id: string; primorsky: string; tov: string }> = {} as never;

  beforeAll(async () => {
    t = await createTestDb();
    const user = await createStaffUser(t.db, { email: "s@example.org", displayName: "S", passwordHash: "x", role: "staff" });
    const member = (country: string, kind: string, en: string, timeZone: string) =>
      createMember(t.db, MemberSchema.parse({ country, kind, names: { en }, timeZone })).then((m) => m.id);
    const primorsky = await member("RU", "krai", "Primorsky Krai", "Asia/Vladivostok");
    const tov = await member("MN", "aimag", "Töv Province", "Asia/Ulaanbaatar");
    for (const [name, start, end] of [
      ["old", "2023-09-10T09:00", "2023-09-11T18:00"],
      ["recent", "2025-11-10T09:00", "2025-11-11T18:00"],
    ] as const) {
      const { id } = await createEvent(
        t.db,
        EventSchema.parse({
          kind: "forum",
          title: { en: `Forum ${name}` },
          timeZone: "Asia/Seoul",
          start,
          end,
          quota: "3",
          categories: ["delegate", "observer"],
        }),
      );
      await transitionEvent(t.db, { id, version: 1, to: "open" });
      await setPassportCollection(t.db, { id, countries: ["RU"], retentionDays: 3650 });
      const ru = (await ensureInvitation(t.db, { eventId: id, memberId: primorsky, letterLocale: "ru", createdBy: user.id })).id;
      const mn = (await ensureInvitation(t.db, { eventId: id, memberId: tov, letterLocale: "mn", createdBy: user.id })).id;
      await ensureLinkToken(t.db, { invitationId: ru, keys: { key: KEY } });
      await t.db.transaction().execute(async (trx) => {
        await applyReply(trx, { invitationId: ru, expectedRevision: 1, input: attending(1), actor: { kind: "link" }, key: KEY, passportAllowed: true });
        await applyReply(trx, {
          invitationId: mn,
          expectedRevision: 1,
          input: declining(1),
          actor: { kind: "staff", user: { id: user.id, email: user.email }, reason: "phoned by Ms Saruul" },
          key: KEY,
          passportAllowed: false,
        });
      });
      // the interpreter came as an observer and checked in
      await t.db
        .updateTable("delegate")
        .set({ category: "observer", checked_in_at: new Date(`${end}:00Z`) })
        .where("invitation_id", "=", ru)
        .where("role", "=", "interpreter")
        .execute();
      await enqueueMessage(t.db, {
        idempotencyKey: `confirmation:${id}`,
        messageId: `<confirmation.${id}@example.org>`,
        kind: "confirmation",
        locale: "ru",
        eventId: id,
        invitationId: ru,
        to: [{ name: "Приморский край", address: "intl.primorsky@example.org" }],
        cc: [{ address: "oleg@example.org" }],
        subject: "Ответ получен",
        html: "<p>Кожемяко Олег, E7654321</p>",
        text: "Кожемяко Олег",
      });
      await t.db
        .updateTable("email_message")
        .set({
          status: "sent",
          recipients: JSON.stringify([{ address: "oleg@example.org", name: "Oleg", field: "cc", state: "accepted", reply: "250 ok" }]),
        })
        .where("event_id", "=", id)
        .execute();
      await freezeRosterVersion(t.db, {
        eventId: id,
        kind: "final",
        locale: "en",
        createdBy: { id: user.id, label: user.email },
        filters: {},
        rows: [
          {
            key: "a",
            memberId: primorsky,
            member: "Primorsky Krai",
            role: "head",
            category: "delegate",
            name: "KOZHEMYAKO Oleg",
            latin: "Oleg",
            title: "Governor",
          },
        ],
      });
      await t.db
        .insertInto("inbound_mail")
        .values({ kind: "reply", how: "test", event_id: id, subject: "Re: invitation", body: "We will come. Oleg", received_at: new Date(`${end}:00Z`) })
        .execute();
      events[name] = { id, primorsky: ru, tov: mn };
    }
  });
  afterAll(() => t.close());

  const delegatesOf = (eventId: string) =>
    t.db
      .selectFrom("delegate as d")
      .innerJoin("invitation as i", "i.id", "d.invitation_id")
      .selectAll("d")
      .where("i.event_id", "=", eventId)
      .orderBy("d.position")
      .execute();
  /** Everything that belongs to an event, to compare before and after. */
  const snapshot = async (eventId: string) => ({
    delegates: await delegatesOf(eventId),
    invitations: await t.db.selectFrom("invitation").selectAll().where("event_id", "=", eventId).orderBy("id").execute(),
    changes: await t.db.selectFrom("invitation_change").selectAll().where("event_id", "=", eventId).orderBy("id").execute(),
    messages: await t.db.selectFrom("email_message").selectAll().where("event_id", "=", eventId).execute(),
    rosters: await t.db.selectFrom("roster_version").selectAll().where("event_id", "=", eventId).execute(),
    inbound: await t.db.selectFrom("inbound_mail").selectAll().where("event_id", "=", eventId).execute(),
  });
  /** The facts statistics are made of: per member, role, category and attendance. */
  const aggregates = async (eventId: string) => ({
    replies: await countReplies(t.db, { eventId }),
    people: (await delegatesOf(eventId)).map((d) => ({
      invitation: d.invitation_id,
      role: d.role,
      category: d.category,
      checkedIn: d.checked_in_at?.toISOString() ?? null,
      programme: d.programme_item_ids,
      visa: d.needs_visa_letter,
    })),
    answers: (
      await t.db.selectFrom("invitation").select(["member_id", "response", "answered_at"]).where("event_id", "=", eventId).orderBy("member_id").execute()
    ).map((i) => ({ ...i, answered_at: i.answered_at?.toISOString() })),
  });

  it("defaults to 24 months; a period longer than the event's age shows nothing due", async () => {
    expect(await getRetentionMonths(t.db)).toBe(24);
    await t.db.transaction().execute((trx) => setRetentionMonths(trx, { months: 48 }).then(() => undefined));
    expect(await listEventsDueForAnonymisation(t.db, { months: 48, now: NOW })).toEqual([]);
    await expect(runPersonalDataRetention(t.db, { now: NOW, months: 24 })).rejects.toBeInstanceOf(RetentionChangedError);
    expect(await t.db.transaction().execute((trx) => setRetentionMonths(trx, { months: 24 }))).toBe(48);
  });

  it("previews the events past the period with what will go", async () => {
    const preview = await previewPersonalDataRetention(t.db, { now: NOW });
    expect(preview.months).toBe(24);
    expect(preview.cutoff.toISOString()).toBe("2024-12-05T12:00:00.000Z");
    expect(preview.events).toEqual([
      {
        id: events.old.id,
        title: { en: "Forum old" },
        endsAt: expect.any(Date),
        anonymisedAt: null,
        delegates: 2,
        contactDetails: 4,
        replies: 2,
        declineReasons: 1,
        messages: 1,
        rosters: 1,
        inboundMail: 1,
        links: 1,
      },
    ]);
  });

  it("anonymises the event three years old, keeps its aggregates, leaves the event one year old untouched and writes its audit rows", async () => {
    const recentBefore = await snapshot(events.recent.id);
    const oldAggregates = await aggregates(events.old.id);
    expect(await runPersonalDataRetention(t.db, { now: NOW })).toEqual({
      months: 24,
      events: 1,
      delegates: 2,
      contactDetails: 4,
      replies: 2,
      declineReasons: 1,
      messages: 1,
      rosters: 1,
      inboundMail: 1,
      links: 1,
    });

    expect(await snapshot(events.recent.id)).toEqual(recentBefore);
    expect(await aggregates(events.old.id)).toEqual(oldAggregates);

    const old = await snapshot(events.old.id);
    const personal = [
      "family_name",
      "patronymic",
      "latin_family_name",
      "latin_given_name",
      "gender",
      "title",
      "email",
      "phone",
      "dietary_note",
      "hotel",
      "arrival_at",
      "arrival_place",
      "passport_name",
      "nationality",
      "passport_expiry",
      "passport_number_enc",
      "birth_date_enc",
      "consent_at",
    ] as const;
    for (const d of old.delegates) {
      expect(d.given_name).toBe(ANONYMISED_NAME);
      expect(d.dietary).toEqual([]);
      expect(d.anonymised_at).toEqual(NOW);
      for (const column of personal) expect(d[column], column).toBeNull();
    }
    const text = JSON.stringify(old);
    for (const secret of [
      "Кожемяко",
      "Олег",
      "Анна",
      "oleg@example.org",
      "anna@example.org",
      "+7 423",
      "Hotel",
      "Batbold",
      "Saruul",
      "Oleg",
      "Governor",
      "Губернатор",
    ]) {
      expect(text, secret).not.toContain(secret);
    }
    expect(old.changes.map((c) => c.summary)).toEqual(
      expect.arrayContaining([
        {
          size: 2,
          delegates: [
            { role: "head", nameLocale: "ru", givenName: ANONYMISED_NAME },
            { role: "interpreter", nameLocale: "ru", givenName: ANONYMISED_NAME },
          ],
        },
      ]),
    );
    expect(old.messages[0]).toMatchObject({ status: "sent", subject: "Ответ получен", html: "", to_addresses: [], cc_addresses: [] });
    expect(old.messages[0].recipients).toEqual([{ address: "", field: "cc", state: "accepted" }]);
    expect(old.rosters[0].rows).toEqual([
      { key: "a", memberId: expect.any(String), member: "Primorsky Krai", role: "head", category: "delegate", name: ANONYMISED_NAME, latin: "", title: "" },
    ]);
    expect(old.inbound).toEqual([]);
    const tokens = await t.db.selectFrom("invitation_token").select(["revoked_at", "token_sealed"]).where("invitation_id", "=", events.old.primorsky).execute();
    expect(tokens).toEqual([{ revoked_at: NOW, token_sealed: null }]);
    const event = await t.db.selectFrom("event").select("personal_data_anonymised_at").where("id", "=", events.old.id).executeTakeFirstOrThrow();
    expect(event.personal_data_anonymised_at).toEqual(NOW);

    const audit = await t.db
      .selectFrom("audit_log")
      .select(["action", "object_id", "actor_label", "details"])
      .where("action", "in", ["replies.personal_data_anonymised", "replies.retention_run"])
      .orderBy("id")
      .execute();
    expect(audit).toEqual([
      {
        action: "replies.personal_data_anonymised",
        object_id: events.old.id,
        actor_label: "retention",
        details: { months: 24, delegates: 2, contactDetails: 4, replies: 2, declineReasons: 1, messages: 1, rosters: 1, inboundMail: 1, links: 1 },
      },
      {
        action: "replies.retention_run",
        object_id: null,
        actor_label: "retention",
        details: { months: 24, events: 1, delegates: 2, contactDetails: 4, replies: 2, declineReasons: 1, messages: 1, rosters: 1, inboundMail: 1, links: 1 },
      },
    ]);
  });

  it("a second run changes nothing and writes no audit row", async () => {
    const before = { old: await snapshot(events.old.id), recent: await snapshot(events.recent.id) };
    const auditBefore = await t.db.selectFrom("audit_log").select("id").execute();
    expect(await runPersonalDataRetention(t.db, { now: NOW })).toMatchObject({ events: 0, delegates: 0, replies: 0, messages: 0 });
    expect({ old: await snapshot(events.old.id), recent: await snapshot(events.recent.id) }).toEqual(before);
    expect(await t.db.selectFrom("audit_log").select("id").execute()).toEqual(auditBefore);
    expect((await previewPersonalDataRetention(t.db, { now: NOW })).events).toEqual([]);
  });

  it("the mail worker runs it in the background by its clock: the recent event's turn comes once it too is past the period", async () => {
    const later = new Date("2027-11-12T00:00:00Z");
    expect((await previewPersonalDataRetention(t.db, { now: later })).events.map((e) => e.id)).toEqual([events.recent.id]);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "plenary-retention-"));
    const env = parseEnv({ DATA_DIR: dataDir, MAIL_FROM: "NEAR Secretariat <secretariat@near.example.org>", MAIL_RATE_PER_MINUTE: "0" });
    const worker = startMailWorker({ db: t.db, env, loop: false, clock: () => later });
    try {
      await worker.runOnce();
    } finally {
      await worker.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    expect((await delegatesOf(events.recent.id)).map((d) => [d.given_name, d.anonymised_at])).toEqual([
      [ANONYMISED_NAME, later],
      [ANONYMISED_NAME, later],
    ]);
    const runs = await t.db.selectFrom("audit_log").select(["actor_label", "details"]).where("action", "=", "replies.retention_run").orderBy("id").execute();
    expect(runs.at(-1)).toMatchObject({ actor_label: "retention", details: { events: 1, delegates: 2 } });
  });

  it("an anonymised message that had failed cannot be sent again (it has no addresses left)", async () => {
    const message = await t.db.selectFrom("email_message").select("id").where("event_id", "=", events.old.id).executeTakeFirstOrThrow();
    await t.db.updateTable("email_message").set({ status: "failed" }).where("id", "=", message.id).execute();
    expect(await resendMessage(t.db, { id: message.id, createdBy: crypto.randomUUID(), messageIdFor: (key) => `<${key}@example.org>` })).toBeUndefined();
  });
});
