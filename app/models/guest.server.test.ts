import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { parseEnv } from "~/env.server";
import { MemberSchema } from "~/lib/directory-schemas";
import { EventSchema } from "~/lib/event-schemas";
import { GuestSchema } from "~/lib/guest-schemas";
import { protocolSections } from "~/lib/protocol";
import { type ReplyRules, replySchema } from "~/lib/reply-schemas";
import { inviteGuests, sendInvitations, sendReminders } from "~/mail/invitations.server";
import { listAudience } from "~/models/audience.server";
import { eventCounts, upcomingEvents } from "~/models/dashboard.server";
import { ConflictError, DuplicateError } from "~/models/errors";
import { createEvent, getEvent, transitionEvent } from "~/models/event.server";
import { createGuest, deleteGuest, getGuest, listGuests, updateGuest } from "~/models/guest.server";
import { countMembers, createMember, listMembers } from "~/models/member.server";
import { applyReply, getReply } from "~/models/reply.server";
import { listRosterDelegations, listRosterPeople } from "~/models/roster.server";
import { createStaffUser } from "~/models/staff-user.server";
import { replyRules } from "~/services/reply-view.server";
import { buildRoster } from "~/services/roster-view.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";

const env = parseEnv({ DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "plenary-guests-")), SESSION_SECRET: "g".repeat(40) });
const rules: ReplyRules = { quota: 4, passportAllowed: false, programmeIds: [], storedPassport: [], staff: false };

describe(`guests: non-member invitees (${databaseLabel})`, () => {
  let t: TestDb;
  let eventId: string;
  let user: { id: string; email: string };
  const ids: Record<string, string> = {};

  async function answer(invitationId: string, delegates: Record<string, unknown>[]) {
    const current = await t.db.selectFrom("invitation").select("revision").where("id", "=", invitationId).executeTakeFirstOrThrow();
    const input = replySchema(rules).parse({ response: "attending", revision: String(current.revision), submission: crypto.randomUUID(), delegates });
    const outcome = await t.db.transaction().execute((trx) =>
      applyReply(trx, {
        invitationId,
        expectedRevision: current.revision,
        input,
        actor: { kind: "link" },
        key: env.DATA_ENCRYPTION_KEY,
        passportAllowed: false,
      }),
    );
    expect(outcome.status).toBe("saved");
  }

  const invitationOf = async (memberId: string) =>
    await t.db.selectFrom("invitation").selectAll().where("event_id", "=", eventId).where("member_id", "=", memberId).executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await createTestDb();
    user = await createStaffUser(t.db, { email: "org@example.org", displayName: "Organiser", passwordHash: "x", role: "staff" });
    ({ id: eventId } = await createEvent(
      t.db,
      EventSchema.parse({
        kind: "general_assembly",
        title: { en: "General Assembly", ko: "총회" },
        timeZone: "Asia/Seoul",
        start: "2027-10-20T09:00",
        end: "2027-10-22T18:00",
        quota: "4",
        categories: ["delegate", "observer", "press", "guest"],
      }),
    ));
    await transitionEvent(t.db, { id: eventId, version: 1, to: "open" });
    ids.gyeongbuk = (
      await createMember(
        t.db,
        MemberSchema.parse({
          country: "KR",
          kind: "province",
          names: { en: "Gyeongsangbuk-do", ko: "경상북도" },
          timeZone: "Asia/Seoul",
          defaultLocale: "ko",
          officeEmail: "office@gb.example.org",
        }),
      )
    ).id;
    ids.toyama = (
      await createMember(
        t.db,
        MemberSchema.parse({
          country: "JP",
          kind: "prefecture",
          names: { en: "Toyama", ja: "富山県" },
          timeZone: "Asia/Tokyo",
          defaultLocale: "ja",
          officeEmail: "office@toyama.example.org",
        }),
      )
    ).id;
    ids.unescap = (
      await createGuest(
        t.db,
        GuestSchema.parse({ kind: "organisation", names: { en: "UN ESCAP", ru: "ЭСКАТО ООН" }, country: "TH", email: "Office@UNESCAP.example.org" }),
      )
    ).id;
    ids.expert = (
      await createGuest(
        t.db,
        GuestSchema.parse({ kind: "expert", names: { en: "Dr Aiko Sato", ja: "佐藤 愛子" }, country: "JP", email: "sato@example.org", defaultLocale: "ja" }),
      )
    ).id;
    ids.press = (
      await createGuest(
        t.db,
        GuestSchema.parse({ kind: "press", names: { en: "Maeil Shinmun" }, country: "KR", email: "desk@maeil.example.org", defaultLocale: "ko" }),
      )
    ).id;
    await sendInvitations(t.db, { env, eventId, audience: { mode: "all" }, user, bilingual: false });
  });
  afterAll(() => t.close());

  it("keeps guests out of the members: lists, counts, audiences and the 'all members' send", async () => {
    expect(await countMembers(t.db)).toBe(2);
    expect((await listMembers(t.db)).map((m) => m.id).sort()).toEqual([ids.gyeongbuk, ids.toyama].sort());
    expect((await listMembers(t.db, { q: "ESCAP" })).length).toBe(0);
    expect((await listAudience(t.db, { mode: "all" })).length).toBe(2);
    // the "all members" send above invited the two members only
    expect(await t.db.selectFrom("invitation").select("member_id").where("event_id", "=", eventId).execute()).toHaveLength(2);
    const guests = await listGuests(t.db);
    expect(guests.map((g) => g.kind)).toEqual(["expert", "organisation", "press"]);
    expect(guests.find((g) => g.id === ids.unescap)?.email).toBe("office@unescap.example.org");
  });

  it("invites guests with the same letter and link, the invitation fixing the category and the single person", async () => {
    const result = await inviteGuests(t.db, {
      env,
      eventId,
      guestIds: [ids.unescap, ids.gyeongbuk],
      category: "observer",
      singlePerson: false,
      bilingual: false,
      user,
    });
    // a member's id posted among guests is ignored
    expect(result).toEqual({ queued: 1, alreadyInvited: 0, noEmail: 0 });
    expect(
      await inviteGuests(t.db, { env, eventId, guestIds: [ids.expert, ids.press], category: "press", singlePerson: true, bilingual: false, user }),
    ).toEqual({ queued: 2, alreadyInvited: 0, noEmail: 0 });
    // inviting again changes nothing (the first invitation's category stays)
    expect(await inviteGuests(t.db, { env, eventId, guestIds: [ids.expert], category: "guest", singlePerson: false, bilingual: false, user })).toEqual({
      queued: 0,
      alreadyInvited: 1,
      noEmail: 0,
    });
    const unescap = await invitationOf(ids.unescap);
    expect([unescap.guest_category, unescap.single_person, unescap.letter_locale]).toEqual(["observer", false, "en"]);
    const expert = await invitationOf(ids.expert);
    expect([expert.guest_category, expert.single_person, expert.letter_locale]).toEqual(["press", true, "ja"]);
    const member = await invitationOf(ids.gyeongbuk);
    expect([member.guest_category, member.single_person]).toEqual([null, false]);
    const letters = await t.db.selectFrom("email_message").select(["to_addresses", "locale", "invitation_id"]).where("invitation_id", "=", expert.id).execute();
    expect(letters).toHaveLength(1);
    expect(letters[0].to_addresses).toEqual([{ name: "Dr Aiko Sato", address: "sato@example.org" }]);
    expect(letters[0].locale).toBe("ja");
    const audit = await t.db.selectFrom("audit_log").select(["action", "details"]).where("action", "=", "guests.invited").execute();
    expect(audit).toHaveLength(3);
    expect(audit[0].details).toMatchObject({ queued: 1, category: "observer", guests: [ids.unescap] });
  });

  it("limits a single-person invitation to one person and gives every person the invitation's category", async () => {
    const event = (await getEvent(t.db, { id: eventId }))!;
    const expert = await invitationOf(ids.expert);
    const single = await replyRules(t.db, { env, event, invitationId: expert.id, staff: false });
    expect([single.quota, single.singlePerson]).toEqual([1, true]);
    // one person answers for herself: "send a representative" is refused
    const representative = {
      response: "representative",
      revision: "1",
      submission: crypto.randomUUID(),
      delegates: [{ role: "head", nameLocale: "en", givenName: "X" }],
    };
    expect(replySchema(single).safeParse(representative).success).toBe(false);
    expect(replySchema({ ...single, singlePerson: false }).safeParse(representative).success).toBe(true);
    const unescap = await invitationOf(ids.unescap);
    expect((await replyRules(t.db, { env, event, invitationId: unescap.id, staff: false })).quota).toBe(4);
    await answer(expert.id, [{ role: "head", nameLocale: "ja", familyName: "佐藤", givenName: "愛子", latinFamilyName: "Sato", latinGivenName: "Aiko" }]);
    await answer(unescap.id, [
      { role: "head", nameLocale: "en", familyName: "Alisjahbana", givenName: "Armida" },
      { role: "official", nameLocale: "en", familyName: "Kim", givenName: "Hyun" },
    ]);
    await answer((await invitationOf(ids.toyama)).id, [
      { role: "head", nameLocale: "ja", familyName: "新田", givenName: "八朗", latinFamilyName: "Nitta", latinGivenName: "Hachiro" },
    ]);
    await answer((await invitationOf(ids.gyeongbuk)).id, [
      { role: "head", nameLocale: "ko", familyName: "이", givenName: "철우", latinFamilyName: "Lee", latinGivenName: "Cheolwoo" },
    ]);
    const reply = (await getReply(t.db, { invitationId: expert.id, key: env.DATA_ENCRYPTION_KEY }))!;
    expect([reply.guestCategory, reply.singlePerson]).toEqual(["press", true]);
    const people = await listRosterPeople(t.db, { eventId, filter: {} });
    const categoryOf = (memberId: string) => people.filter((p) => p.memberId === memberId).map((p) => p.category);
    expect(categoryOf(ids.expert)).toEqual(["press"]);
    expect(categoryOf(ids.unescap)).toEqual(["observer", "observer"]);
    expect(categoryOf(ids.gyeongbuk)).toEqual(["delegate"]);
  });

  it("lists guests after every member in the List of Participants, organisations before experts", async () => {
    const event = (await getEvent(t.db, { id: eventId }))!;
    const roster = await buildRoster(t.db, event, { lang: "en", filter: {} });
    expect(roster.sections.map((s) => [s.kind, s.heading])).toEqual([
      ["country", "Japan"],
      ["country", "Korea"],
      ["guests", "Guests"],
    ]);
    expect(roster.sections[2].members.map((m) => m.heading)).toEqual(["UN ESCAP", "Dr Aiko Sato"]);
    const ru = await buildRoster(t.db, event, { lang: "ru", filter: {} });
    expect(ru.sections[2].heading).toBe("Гости");
    expect(ru.sections[2].members[0].heading).toBe("ЭСКАТО ООН");
    // the delegations a long list's page is found among sort the same way
    const delegations = await listRosterDelegations(t.db, { eventId, filter: {} });
    const keys = delegations.map((d) => ({ ...d, role: "head" as const, position: 0 }));
    const order = protocolSections(keys, { hostFirst: true }, ids.toyama).map((s) => s.kind);
    expect(order).toEqual(["host", "country", "guests"]);
  });

  it("counts members only in the dashboard and the event's tallies, the guests' people among the people", async () => {
    const counts = await eventCounts(t.db, { eventId });
    expect(counts).toMatchObject({ invited: 2, answered: 2, attending: 2, people: 5 });
    const [upcoming] = await upcomingEvents(t.db, { now: new Date("2027-01-01T00:00:00Z") });
    expect(upcoming).toMatchObject({ invited: 2, answered: 2, attending: 2 });
  });

  it("reminds guests who have not answered, like members", async () => {
    const result = await sendReminders(t.db, { env, eventId, batch: "b1", user });
    expect(result.queued).toBe(1);
    const press = await invitationOf(ids.press);
    const reminders = await t.db
      .selectFrom("email_message")
      .select("to_addresses")
      .where("invitation_id", "=", press.id)
      .where("kind", "=", "reminder")
      .execute();
    expect(reminders[0].to_addresses).toEqual([{ name: "Maeil Shinmun", address: "desk@maeil.example.org" }]);
  });

  it("edits with optimistic concurrency, refuses duplicates, deletes a guest never invited and archives one invited", async () => {
    const expert = (await getGuest(t.db, { id: ids.expert }))!;
    const input = GuestSchema.parse({ kind: "expert", names: { en: "Prof Aiko Sato" }, country: "JP", email: "sato@example.org", defaultLocale: "ja" });
    await updateGuest(t.db, { id: ids.expert, version: expert.version, input });
    await expect(updateGuest(t.db, { id: ids.expert, version: expert.version, input })).rejects.toBeInstanceOf(ConflictError);
    // a member is not a guest: the guest form cannot change one
    await expect(updateGuest(t.db, { id: ids.toyama, version: 1, input })).rejects.toBeInstanceOf(ConflictError);
    await expect(
      createGuest(t.db, GuestSchema.parse({ kind: "organisation", names: { en: "un escap" }, country: "TH", email: "x@example.org" })),
    ).rejects.toBeInstanceOf(DuplicateError);
    const fresh = await createGuest(t.db, GuestSchema.parse({ kind: "partner_city", names: { en: "Vladivostok" }, country: "RU", email: "city@example.org" }));
    expect(await deleteGuest(t.db, { id: fresh.id, version: 1 })).toBe("deleted");
    expect(await getGuest(t.db, { id: fresh.id })).toBeUndefined();
    const press = (await getGuest(t.db, { id: ids.press }))!;
    expect(await deleteGuest(t.db, { id: ids.press, version: press.version })).toBe("archived");
    expect(await getGuest(t.db, { id: ids.press })).toBeUndefined();
    // the archived guest's invitation and people stay
    expect((await invitationOf(ids.press)).id).toBeTruthy();
    await expect(deleteGuest(t.db, { id: ids.toyama, version: 1 })).rejects.toBeInstanceOf(ConflictError);
    expect(await countMembers(t.db)).toBe(2);
  });

  it("refuses a guest without a valid kind, country or email", () => {
    expect(GuestSchema.safeParse({ kind: "member", names: { en: "X" }, country: "TH", email: "x@example.org" }).success).toBe(false);
    expect(GuestSchema.safeParse({ kind: "expert", names: { en: "X" }, country: "XX", email: "x@example.org" }).success).toBe(false);
    expect(GuestSchema.safeParse({ kind: "expert", names: { en: "X" }, country: "TH", email: "not-an-address" }).success).toBe(false);
    expect(GuestSchema.safeParse({ kind: "expert", names: { en: "" }, country: "TH", email: "x@example.org" }).success).toBe(false);
  });
});
