import crypto from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { DB } from "~/db.server";
import { MemberSchema } from "~/lib/directory-schemas";
import { EventSchema } from "~/lib/event-schemas";
import { type ReplyRules, replySchema } from "~/lib/reply-schemas";
import { createEvent, type EventRow, getEvent, transitionEvent } from "~/models/event.server";
import { ensureInvitation } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { hasParticipantList, publishParticipantList, unpublishParticipantList } from "~/models/participant-list.server";
import { applyReply, getReply, listSubstitutions, type ReplyActor } from "~/models/reply.server";
import { ANONYMISED_NAME, anonymiseEvent } from "~/models/retention.server";
import { findByCheckInCode, freezeRosterVersion, setCheckedIn } from "~/models/roster.server";
import { createStaffUser } from "~/models/staff-user.server";
import { publishedParticipants } from "~/services/participants.server";
import { buildRoster, flatten } from "~/services/roster-view.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";
import { createForum } from "../../tests/helpers/model-fixtures";

const KEY = crypto.randomBytes(32);
const rules: ReplyRules = { quota: 4, passportAllowed: false, programmeIds: [], storedPassport: [], staff: false };

async function save(db: DB, invitationId: string, revision: number, delegates: Record<string, unknown>[], actor: ReplyActor = { kind: "link" }) {
  const input = replySchema(rules).parse({ response: "attending", revision: String(revision), submission: crypto.randomUUID(), delegates });
  const outcome = await db
    .transaction()
    .execute((trx) => applyReply(trx, { invitationId, expectedRevision: revision, input, actor, key: KEY, passportAllowed: false }));
  if (outcome.status !== "saved") throw new Error(outcome.status);
  return outcome;
}

const governor = {
  role: "head",
  nameLocale: "zh",
  familyName: "李",
  givenName: "乐成",
  latinFamilyName: "Li",
  latinGivenName: "Lecheng",
  title: "省长",
  hotel: "Shangri-La",
  arrivalAt: "2026-09-09T14:00",
  arrivalTransport: "CZ 681",
  dietary: "vegetarian",
  dietaryNote: "no peanuts",
};

describe(`substitutions in a delegation (${databaseLabel})`, () => {
  let t: TestDb;
  let eventId: string;
  let invitationId: string;
  let staffId: string;
  beforeAll(async () => {
    t = await createTestDb();
    const user = await createStaffUser(t.db, { email: "s@example.org", displayName: "S", passwordHash: "x", role: "staff" });
    staffId = user.id;
    const { id: memberId } = await createMember(
      t.db,
      MemberSchema.parse({ country: "CN", kind: "province", names: { en: "Liaoning" }, timeZone: "Asia/Shanghai" }),
    );
    ({ id: eventId } = await createForum(t.db, { quota: 4 }));
    await transitionEvent(t.db, { id: eventId, version: 1, to: "open" });
    invitationId = (await ensureInvitation(t.db, { eventId, memberId, letterLocale: "zh", createdBy: user.id })).id;
  });
  afterAll(() => t.close());

  it("another person typed over the checked-in head is a new person: new badge code, not arrived, no travel, hotel or needs; the governor kept as history", async () => {
    await save(t.db, invitationId, 1, [governor, { role: "official", nameLocale: "zh", familyName: "张", givenName: "伟" }]);
    const [head, official] = (await getReply(t.db, { invitationId, key: KEY }))!.delegates;
    const code = (await t.db.selectFrom("delegate").select("check_in_code").where("id", "=", head.id).executeTakeFirstOrThrow()).check_in_code;
    expect((await setCheckedIn(t.db, { eventId, delegateId: head.id, by: staffId, arrived: true })).status).toBe("checked_in");

    // the vice-governor comes instead: the office types the new name over person 1 (the form still carries its id)
    const outcome = await save(t.db, invitationId, 2, [
      { ...governor, id: head.id, givenName: "新伟", familyName: "王", latinFamilyName: "Wang", latinGivenName: "Xinwei", title: "副省长" },
      { role: "official", nameLocale: "zh", familyName: "张", givenName: "伟", id: official.id },
    ]);
    const after = (await getReply(t.db, { invitationId, key: KEY }))!.delegates;
    const row = await t.db.selectFrom("delegate").selectAll().where("id", "=", after[0].id).executeTakeFirstOrThrow();
    expect(after[0].id).not.toBe(head.id);
    expect(row).toMatchObject({
      given_name: "新伟",
      title: "副省长",
      checked_in_at: null,
      hotel: null,
      arrival_at: null,
      arrival_transport: null,
      dietary: [],
      dietary_note: null,
    });
    expect(row.check_in_code).not.toBe(code);
    // the governor's badge no longer opens anything; the official is untouched
    expect(await findByCheckInCode(t.db, { eventId, code })).toBeUndefined();
    expect(after[1].id).toBe(official.id);
    expect(outcome.substitutions).toEqual([{ replacedId: head.id, newId: after[0].id, explicit: false }]);
    const [history] = await listSubstitutions(t.db, { invitationId });
    expect(history).toMatchObject({
      replaced: { familyName: "李", givenName: "乐成" },
      replacement: { familyName: "王", givenName: "新伟" },
      explicit: false,
      actorKind: "link",
    });
    expect(history.replacedCheckedInAt).not.toBeNull();
  });

  it("a corrected spelling keeps the person, their badge and their arrival", async () => {
    const [head, official] = (await getReply(t.db, { invitationId, key: KEY }))!.delegates;
    await setCheckedIn(t.db, { eventId, delegateId: head.id, by: staffId, arrived: true });
    await save(t.db, invitationId, 3, [
      { role: "head", nameLocale: "zh", familyName: "王", givenName: "新为", id: head.id, hotel: "Lotte" },
      { role: "official", nameLocale: "zh", familyName: "张", givenName: "伟", id: official.id },
    ]);
    const row = await t.db.selectFrom("delegate").selectAll().where("id", "=", head.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ given_name: "新为", hotel: "Lotte" });
    expect(row.checked_in_at).not.toBeNull();
    expect(await listSubstitutions(t.db, { invitationId })).toHaveLength(1);
  });

  it("“Replace this person” by staff: a new record whatever the name, what the new person's form says is kept, the staff member recorded", async () => {
    const [head, official] = (await getReply(t.db, { invitationId, key: KEY }))!.delegates;
    const staff: ReplyActor = { kind: "staff", user: { id: staffId, email: "s@example.org" }, reason: "phone call" };
    const outcome = await save(
      t.db,
      invitationId,
      4,
      [
        { role: "head", nameLocale: "zh", familyName: "王", givenName: "新为", id: head.id },
        { role: "official", nameLocale: "zh", familyName: "赵", givenName: "敏", replaces: official.id, hotel: "Lotte" },
      ],
      staff,
    );
    const after = (await getReply(t.db, { invitationId, key: KEY }))!.delegates;
    expect(after[0].id).toBe(head.id);
    expect(after[1]).toMatchObject({ givenName: "敏", hotel: "Lotte" });
    expect(after[1].id).not.toBe(official.id);
    expect(outcome.substitutions).toEqual([{ replacedId: official.id, newId: after[1].id, explicit: true }]);
    const [latest] = await listSubstitutions(t.db, { invitationId });
    expect(latest).toMatchObject({
      replaced: { givenName: "伟" },
      replacement: { givenName: "敏" },
      explicit: true,
      actorKind: "staff",
      staffLabel: "s@example.org",
    });
  });

  it("a forged form cannot reuse one id twice or replace a person it keeps", async () => {
    const [head, official] = (await getReply(t.db, { invitationId, key: KEY }))!.delegates;
    const outcome = await save(t.db, invitationId, 5, [
      { role: "head", nameLocale: "zh", familyName: "王", givenName: "新为", id: head.id },
      { role: "official", nameLocale: "zh", familyName: "王", givenName: "新为", id: head.id },
      { role: "official", nameLocale: "zh", familyName: "赵", givenName: "敏", id: official.id },
      { role: "official", nameLocale: "zh", familyName: "钱", givenName: "一", replaces: official.id },
    ]);
    const after = (await getReply(t.db, { invitationId, key: KEY }))!.delegates;
    expect(new Set(after.map((d) => d.id)).size).toBe(4);
    expect(after[0].id).toBe(head.id);
    expect(after[2].id).toBe(official.id);
    expect(outcome.substitutions).toEqual([]);
  });
  it("a save keeps the rows of the people kept (their check-ins per programme item stay); a replaced person's go with them", async () => {
    const [head, , official] = (await getReply(t.db, { invitationId, key: KEY }))!.delegates;
    const checkIn = (delegateId: string) =>
      t.db.insertInto("check_in").values({ client_id: crypto.randomUUID(), event_id: eventId, delegate_id: delegateId, outcome: "checked_in" }).execute();
    await checkIn(head.id);
    await checkIn(official.id);
    await save(t.db, invitationId, 6, [
      { role: "official", nameLocale: "zh", familyName: "孙", givenName: "丽", replaces: official.id },
      { role: "head", nameLocale: "zh", familyName: "王", givenName: "新为", id: head.id },
    ]);
    const rows = await t.db.selectFrom("check_in").select("delegate_id").where("event_id", "=", eventId).execute();
    expect(rows.map((r) => r.delegate_id)).toEqual([head.id]);
    const after = (await getReply(t.db, { invitationId, key: KEY }))!.delegates;
    expect(after.map((d) => [d.position, d.givenName])).toEqual([
      [0, "丽"],
      [1, "新为"],
    ]);
    expect(after[1].id).toBe(head.id);
  });

  it("the retention run anonymises the substitutions with the event's other personal data", async () => {
    await t.db.transaction().execute((trx) => anonymiseEvent(trx, { eventId, months: 24, now: new Date("2030-01-01T00:00:00Z") }));
    const history = await listSubstitutions(t.db, { invitationId });
    expect(history.length).toBeGreaterThan(0);
    for (const row of history) {
      expect(row.replaced.givenName).toBe(ANONYMISED_NAME);
      expect(row.replacement.givenName).toBe(ANONYMISED_NAME);
      expect(row.staffLabel).toBeNull();
    }
    expect(JSON.stringify(history)).not.toMatch(/李|王|张|赵/);
  });
});

describe(`the published List of Participants (${databaseLabel})`, () => {
  let t: TestDb;
  let event: EventRow;
  let staffId: string;
  const invitations: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestDb();
    staffId = (await createStaffUser(t.db, { email: "s@example.org", displayName: "S", passwordHash: "x", role: "staff" })).id;
    const { id: eventId } = await createEvent(
      t.db,
      EventSchema.parse({
        kind: "forum",
        title: { en: "Forum" },
        timeZone: "Asia/Seoul",
        start: "2026-09-10T09:00",
        end: "2026-09-11T18:00",
        quota: "4",
        categories: ["delegate"],
      }),
    );
    await transitionEvent(t.db, { id: eventId, version: 1, to: "open" });
    event = (await getEvent(t.db, { id: eventId }))!;
    for (const [country, name, kind] of [
      ["KR", "Gyeongsangbuk-do", "province"],
      ["CN", "Liaoning", "province"],
      ["MN", "Töv Province", "aimag"],
    ] as const) {
      const { id: memberId } = await createMember(t.db, MemberSchema.parse({ country, kind, names: { en: name }, timeZone: "Asia/Seoul" }));
      invitations[country] = (await ensureInvitation(t.db, { eventId, memberId, letterLocale: "en", createdBy: staffId })).id;
    }
    await save(t.db, invitations.KR, 1, [
      { role: "deputy", nameLocale: "ko", familyName: "이", givenName: "달희", listConsent: "on" },
      { role: "head", nameLocale: "ko", familyName: "이", givenName: "철우", listConsent: "on" },
    ]);
    await save(t.db, invitations.CN, 1, [
      { role: "head", nameLocale: "zh", familyName: "王", givenName: "新伟", listConsent: "on" },
      { role: "official", nameLocale: "zh", familyName: "张", givenName: "伟" },
    ]);
    // not coming: not on the list even with consent
    const input = replySchema(rules).parse({
      response: "undecided",
      revision: "1",
      submission: crypto.randomUUID(),
      delegates: [{ role: "head", nameLocale: "mn", givenName: "Батболд", listConsent: "on" }],
    });
    await t.db
      .transaction()
      .execute((trx) =>
        applyReply(trx, { invitationId: invitations.MN, expectedRevision: 1, input, actor: { kind: "link" }, key: KEY, passportAllowed: false }),
      );
  });
  afterAll(() => t.close());

  const names = (list: Awaited<ReturnType<typeof publishedParticipants>>) => flatten(list!.view).map((line) => line.name);

  it("is not there until published (the pages answer 404)", async () => {
    expect(await publishedParticipants(t.db, event, { lang: "en", publicOnly: false })).toBeUndefined();
    expect(await hasParticipantList(t.db, { eventId: event.id })).toBe(false);
    expect(await publishParticipantList(t.db, { eventId: event.id, versionNumber: 1, isPublic: false, by: staffId })).toBe(false);
  });

  it("shows the consenting people of the published version only, in protocol order (country, then head of delegation first)", async () => {
    const view = await buildRoster(t.db, event, { lang: "en", filter: {} });
    expect(flatten(view).map((line) => [line.name, line.listConsent])).toEqual([
      ["王新伟", true],
      ["张伟", false],
      ["이철우", true],
      ["이달희", true],
    ]);
    const number = await freezeRosterVersion(t.db, {
      eventId: event.id,
      kind: "final",
      locale: "en",
      createdBy: { id: staffId, label: "S" },
      filters: {},
      rows: flatten(view),
    });
    expect(await publishParticipantList(t.db, { eventId: event.id, versionNumber: number, isPublic: false, by: staffId })).toBe(true);
    const list = await publishedParticipants(t.db, event, { lang: "ru", publicOnly: false });
    expect(names(list)).toEqual(["王新伟", "이철우", "이달희"]);
    expect(list!.view.sections.map((s) => s.heading)).toEqual(["Китай", "Республика Корея"]);
    expect(list!.kind).toBe("final");
    // not public: the public page knows nothing of it
    expect(await publishedParticipants(t.db, event, { lang: "en", publicOnly: true })).toBeUndefined();
    await publishParticipantList(t.db, { eventId: event.id, versionNumber: number, isPublic: true, by: staffId });
    expect(names(await publishedParticipants(t.db, event, { lang: "en", publicOnly: true }))).toEqual(["王新伟", "이철우", "이달희"]);
  });

  it("a withdrawn consent takes the person off at once; people added after the version are not on it; withdrawing the list ends it", async () => {
    const [deputy, head] = (await getReply(t.db, { invitationId: invitations.KR, key: KEY }))!.delegates;
    await save(t.db, invitations.KR, 2, [
      { role: "deputy", nameLocale: "ko", familyName: "이", givenName: "달희", id: deputy.id },
      { role: "head", nameLocale: "ko", familyName: "이", givenName: "철우", id: head.id, listConsent: "on" },
      { role: "official", nameLocale: "ko", familyName: "박", givenName: "민수", listConsent: "on" },
    ]);
    expect(names(await publishedParticipants(t.db, event, { lang: "en", publicOnly: true }))).toEqual(["王新伟", "이철우"]);
    expect(await unpublishParticipantList(t.db, { eventId: event.id })).toBe(true);
    expect(await publishedParticipants(t.db, event, { lang: "en", publicOnly: false })).toBeUndefined();
    expect(await unpublishParticipantList(t.db, { eventId: event.id })).toBe(false);
  });
});
