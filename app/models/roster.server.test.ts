import crypto from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MemberSchema } from "~/lib/directory-schemas";
import { EventSchema } from "~/lib/event-schemas";
import { type ReplyRules, replySchema } from "~/lib/reply-schemas";
import { createEvent, getEvent, transitionEvent } from "~/models/event.server";
import { ensureInvitation } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { applyReply, listDelegates } from "~/models/reply.server";
import {
  findByCheckInCode,
  freezeRosterVersion,
  getRosterVersion,
  listRosterPeople,
  saveProtocol,
  setCheckedIn,
  setDelegateCategory,
} from "~/models/roster.server";
import { createStaffUser } from "~/models/staff-user.server";
import { buildRoster, buildRosterPage, diffRosters, flatten } from "~/services/roster-view.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";

const KEY = crypto.randomBytes(32);
const rules: ReplyRules = { quota: 4, passportAllowed: false, programmeIds: [], storedPassport: [], staff: false };

function reply(revision: number, delegates: Record<string, unknown>[], response = "attending") {
  return replySchema(rules).parse({ response, revision: String(revision), submission: crypto.randomUUID(), delegates });
}

describe(`List of Participants and check-in (${databaseLabel})`, () => {
  let t: TestDb;
  let eventId: string;
  let staffId: string;
  const invitations: Record<string, string> = {};
  const members: Record<string, string> = {};

  async function answer(key: string, delegates: Record<string, unknown>[], response = "attending") {
    const invitationId = invitations[key];
    const current = await t.db.selectFrom("invitation").select("revision").where("id", "=", invitationId).executeTakeFirstOrThrow();
    const outcome = await t.db.transaction().execute((trx) =>
      applyReply(trx, {
        invitationId,
        expectedRevision: current.revision,
        input: reply(current.revision, delegates, response),
        actor: { kind: "link" },
        key: KEY,
        passportAllowed: false,
      }),
    );
    expect(outcome.status).toBe("saved");
  }

  beforeAll(async () => {
    t = await createTestDb();
    staffId = (await createStaffUser(t.db, { email: "org@example.org", displayName: "Organiser", passwordHash: "x", role: "staff" })).id;
    const memberData = {
      gyeongbuk: { country: "KR", kind: "province", names: { en: "Gyeongsangbuk-do", ko: "경상북도" }, timeZone: "Asia/Seoul", defaultLocale: "ko" },
      liaoning: { country: "CN", kind: "province", names: { en: "Liaoning Province", zh: "辽宁省" }, timeZone: "Asia/Shanghai", defaultLocale: "zh" },
      tov: { country: "MN", kind: "aimag", names: { en: "Töv Province", mn: "Төв аймаг" }, timeZone: "Asia/Ulaanbaatar", defaultLocale: "mn" },
      primorsky: { country: "RU", kind: "krai", names: { en: "Primorsky Krai", ru: "Приморский край" }, timeZone: "Asia/Vladivostok", defaultLocale: "ru" },
    };
    ({ id: eventId } = await createEvent(
      t.db,
      EventSchema.parse({
        kind: "general_assembly",
        title: { en: "General Assembly" },
        timeZone: "Asia/Seoul",
        start: "2026-10-20T09:00",
        end: "2026-10-22T18:00",
        quota: "4",
        categories: ["delegate", "observer", "press"],
      }),
    ));
    await transitionEvent(t.db, { id: eventId, version: 1, to: "open" });
    for (const [key, data] of Object.entries(memberData)) {
      members[key] = (await createMember(t.db, MemberSchema.parse(data))).id;
      invitations[key] = (await ensureInvitation(t.db, { eventId, memberId: members[key], letterLocale: data.defaultLocale as "ko", createdBy: staffId })).id;
    }
    await answer("gyeongbuk", [
      { role: "interpreter", nameLocale: "ko", familyName: "이", givenName: "수진", latinFamilyName: "Lee", latinGivenName: "Sujin" },
      { role: "head", nameLocale: "ko", familyName: "김", givenName: "철수", latinFamilyName: "Kim", latinGivenName: "Cheolsu", title: "부지사" },
    ]);
    await answer("liaoning", [
      { role: "head", nameLocale: "zh", familyName: "李", givenName: "乐成", latinFamilyName: "Li", latinGivenName: "Lecheng", title: "省长" },
    ]);
    await answer("tov", [
      { role: "head", nameLocale: "mn", patronymic: "Цэрэнгийн", givenName: "Өлзийбат", latinFamilyName: "Tserengiin", latinGivenName: "Ulziibat" },
    ]);
    await answer(
      "primorsky",
      [
        {
          role: "head",
          nameLocale: "ru",
          familyName: "Кожемяко",
          givenName: "Олег",
          patronymic: "Николаевич",
          latinFamilyName: "Kozhemiako",
          latinGivenName: "Oleg",
        },
      ],
      "declining",
    );
  });
  afterAll(() => t.close());

  it("lists confirmed delegations in protocol order with names in their own script and in Latin, in the chosen language", async () => {
    const event = (await getEvent(t.db, { id: eventId }))!;
    const view = await buildRoster(t.db, event, { lang: "ko", filter: {} });
    expect(view.sections.map((s) => s.heading)).toEqual(["중국", "대한민국", "몽골"]); // China, Korea, Mongolia; Russia declined
    const lines = flatten(view);
    expect(lines.map((l) => [l.name, l.latin])).toEqual([
      ["李乐成", "LI Lecheng"],
      ["김철수", "KIM Cheolsu"], // the head first although entered second
      ["이수진", "LEE Sujin"],
      ["Цэрэнгийн Өлзийбат", expect.stringContaining("ULZIIBAT")],
    ]);
    expect(lines[0].member).toBe("Liaoning Province"); // no Korean name on file: English fallback
    expect(lines[1]).toMatchObject({ member: "경상북도", roleLabel: "대표단장", title: "부지사" });
  });

  it("follows the event's custom order with the host first", async () => {
    await saveProtocol(t.db, { eventId, protocol: { countryOrder: ["MN", "CN", "KR"], hostFirst: true } });
    await t.db.updateTable("event").set({ host_member_id: members.gyeongbuk }).where("id", "=", eventId).execute();
    const event = (await getEvent(t.db, { id: eventId }))!;
    const view = await buildRoster(t.db, event, { lang: "en", filter: {} });
    expect(view.sections.map((s) => [s.kind, s.heading])).toEqual([
      ["host", "Host — Korea"],
      ["country", "Mongolia"],
      ["country", "China"],
    ]);
  });

  it("cuts the list into pages that are the whole list in order, whatever the page size (host first, a custom order)", async () => {
    const event = (await getEvent(t.db, { id: eventId }))!;
    for (const filter of [{}, { attendance: "all" as const }]) {
      const whole = flatten(await buildRoster(t.db, event, { lang: "en", filter }));
      expect(whole.length).toBeGreaterThanOrEqual(4); // the host's delegation of two among them: a page may start inside it
      for (let size = 1; size <= whole.length + 1; size++) {
        const paged: typeof whole = [];
        for (let offset = 0; offset < whole.length; offset += size) {
          const page = await buildRosterPage(t.db, event, { lang: "en", filter, offset, limit: size });
          expect(page.count).toBe(whole.length);
          paged.push(...flatten(page));
        }
        expect(paged).toEqual(whole);
      }
    }
  });

  it("keeps a person's badge code, category and arrival when the delegation is edited; new people get new codes", async () => {
    const [head] = await listRosterPeople(t.db, { eventId, filter: {} }).then((people) => people.filter((p) => p.memberId === members.liaoning));
    expect(head.checkInCode).toMatch(/^[0-9A-Z]{10}$/);
    expect(await setDelegateCategory(t.db, { eventId, delegateId: head.delegateId, category: "observer" })).toBe(true);
    expect(await setCheckedIn(t.db, { eventId, delegateId: head.delegateId, by: staffId, arrived: true })).toMatchObject({ status: "checked_in" });
    const before = await listDelegates(t.db, { invitationId: invitations.liaoning, key: KEY });
    await answer("liaoning", [
      {
        id: before[0].id,
        role: "head",
        nameLocale: "zh",
        familyName: "李",
        givenName: "乐成",
        latinFamilyName: "Li",
        latinGivenName: "Lecheng",
        title: "省长",
      },
      { role: "official", nameLocale: "zh", familyName: "王", givenName: "伟", latinFamilyName: "Wang", latinGivenName: "Wei" },
    ]);
    const after = (await listRosterPeople(t.db, { eventId, filter: {} })).filter((p) => p.memberId === members.liaoning);
    const kept = after.find((p) => p.delegateId === head.delegateId)!;
    expect(kept).toMatchObject({ checkInCode: head.checkInCode, category: "observer" });
    expect(kept.checkedInAt).not.toBeNull();
    const added = after.find((p) => p.delegateId !== head.delegateId)!;
    expect(added.checkInCode).not.toBe(head.checkInCode);
    expect(added.category).toBe("delegate");
  });

  it("checks in by badge code once (a second scan keeps the first time), can be undone, and never across events", async () => {
    const person = (await listRosterPeople(t.db, { eventId, filter: {} })).find((p) => p.latinGivenName === "Sujin")!;
    const code = person.checkInCode;
    expect(await findByCheckInCode(t.db, { eventId, code: code.toLowerCase().replace(/(.{5})/, "$1-") })).toEqual({ id: person.delegateId });
    const first = await setCheckedIn(t.db, { eventId, delegateId: person.delegateId, by: staffId, arrived: true });
    const second = await setCheckedIn(t.db, { eventId, delegateId: person.delegateId, by: staffId, arrived: true });
    expect(first.status).toBe("checked_in");
    expect(second).toMatchObject({ status: "already" });
    expect("at" in second && "at" in first ? second.at?.getTime() : 0).toBe("at" in first ? first.at?.getTime() : 1);
    expect((await listRosterPeople(t.db, { eventId, filter: { attendance: "checked_in" } })).map((p) => p.delegateId)).toContain(person.delegateId);
    expect(await setCheckedIn(t.db, { eventId, delegateId: person.delegateId, by: staffId, arrived: false })).toMatchObject({ status: "undone" });
    expect((await listRosterPeople(t.db, { eventId, filter: { attendance: "not_checked_in" } })).map((p) => p.delegateId)).toContain(person.delegateId);

    const other = await createEvent(
      t.db,
      EventSchema.parse({
        kind: "forum",
        title: { en: "Other" },
        timeZone: "Asia/Seoul",
        start: "2026-11-20T09:00",
        end: "2026-11-20T18:00",
        quota: "2",
        categories: ["delegate"],
      }),
    );
    expect(await findByCheckInCode(t.db, { eventId: other.id, code })).toBeUndefined();
    expect(await setCheckedIn(t.db, { eventId: other.id, delegateId: person.delegateId, by: staffId, arrived: true })).toEqual({ status: "not_found" });
    expect(await findByCheckInCode(t.db, { eventId, code: "'; drop table delegate; --" })).toBeUndefined();
  });

  it("filters by category and freezes numbered versions whose diff shows who was added, removed and changed", async () => {
    const observers = await listRosterPeople(t.db, { eventId, filter: { category: "observer" } });
    expect(observers.map((p) => p.latinGivenName)).toEqual(["Lecheng"]);
    const event = (await getEvent(t.db, { id: eventId }))!;
    const first = flatten(await buildRoster(t.db, event, { lang: "en", filter: {} }));
    const n1 = await freezeRosterVersion(t.db, {
      eventId,
      kind: "provisional",
      locale: "en",
      createdBy: { id: staffId, label: "Organiser" },
      filters: {},
      rows: first,
    });
    // Töv withdraws, Gyeongbuk's interpreter becomes an official
    await answer("tov", [], "declining");
    const gb = await listDelegates(t.db, { invitationId: invitations.gyeongbuk, key: KEY });
    await answer(
      "gyeongbuk",
      gb.map((d) => ({
        id: d.id,
        role: d.role === "interpreter" ? "official" : d.role,
        nameLocale: d.nameLocale,
        familyName: d.familyName,
        givenName: d.givenName,
        latinFamilyName: d.latinFamilyName,
        latinGivenName: d.latinGivenName,
        title: d.title ?? undefined,
      })),
    );
    const second = flatten(await buildRoster(t.db, event, { lang: "en", filter: {} }));
    const n2 = await freezeRosterVersion(t.db, {
      eventId,
      kind: "final",
      locale: "en",
      createdBy: { id: staffId, label: "Organiser" },
      filters: {},
      rows: second,
    });
    expect([n1, n2]).toEqual([1, 2]);
    const [a, b] = await Promise.all([getRosterVersion(t.db, { eventId, number: 1 }), getRosterVersion(t.db, { eventId, number: 2 })]);
    expect(b!.kind).toBe("final");
    const diff = diffRosters(a!.rows as typeof first, b!.rows as typeof first);
    expect(diff.removed.map((l) => l.latin)).toEqual([expect.stringContaining("ULZIIBAT")]);
    expect(diff.added).toEqual([]);
    expect(diff.changed.map((c) => [c.after.latin, c.fields])).toEqual([["LEE Sujin", ["role"]]]);
  });

  it("gives concurrent freezes distinct numbers", async () => {
    const numbers = await Promise.all(
      [1, 2, 3].map(() =>
        freezeRosterVersion(t.db, { eventId, kind: "provisional", locale: "en", createdBy: { id: staffId, label: "O" }, filters: {}, rows: [] }),
      ),
    );
    expect(new Set(numbers).size).toBe(3);
  });
});
