import crypto from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { DB } from "~/db.server";
import { MemberSchema } from "~/lib/directory-schemas";
import { EventSchema } from "~/lib/event-schemas";
import { type ReplyRules, replySchema } from "~/lib/reply-schemas";
import { createEvent, transitionEvent } from "~/models/event.server";
import { ensureInvitation } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { applyReply, getReply, listSubstitutions, type ReplyActor } from "~/models/reply.server";
import { findByCheckInCode, setCheckedIn } from "~/models/roster.server";
import { createStaffUser } from "~/models/staff-user.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";

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
    ({ id: eventId } = await createEvent(
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
    ));
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
});
