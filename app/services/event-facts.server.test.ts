import crypto from "node:crypto";

import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MemberSchema } from "~/lib/directory-schemas";
import { EventSchema, ProgrammeItemSchema } from "~/lib/event-schemas";
import { createEvent, createProgrammeItem, deleteProgrammeItem, getEvent, transitionEvent, updateEvent, updateProgrammeItem } from "~/models/event.server";
import { ensureInvitation, ensureLinkToken, findInvitationByToken } from "~/models/invitation.server";
import { createMember, updateMember } from "~/models/member.server";
import { publishParticipantList, unpublishParticipantList } from "~/models/participant-list.server";
import { freezeRosterVersion } from "~/models/roster.server";
import { createStaffUser } from "~/models/staff-user.server";
import { eventFacts } from "~/services/event-facts.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";

const keys = { key: crypto.randomBytes(32), legacySecret: "s".repeat(64) };
const EVENT = { kind: "forum", timeZone: "Asia/Seoul", start: "2027-09-10T09:00", end: "2027-09-11T18:00", quota: "3", categories: ["delegate"] };
const ITEM = { kind: "plenary", start: "2027-09-10T10:00", end: "2027-09-10T12:00", title: { en: "Opening" }, attendanceAsked: "on" };

/**
 * Issue 15: a scanner storm opens hundreds of an event's reply links at once. The event, its programme, the
 * secretariat and the List of Participants are read once per process and kept while the stamp read with each link
 * is unchanged; every change, by any code path, shows on the next page.
 */
describe(`event facts behind the reply page (${databaseLabel})`, () => {
  let t: TestDb;
  let token: string;
  let eventId: string;
  let hostId: string;
  let staffId: string;

  /** What the reply page does: the link's lookup (with its stamp), then the facts. */
  async function page() {
    const link = (await findInvitationByToken(t.db, { token }))!;
    return { link, facts: await eventFacts(t.db, { eventId: link.eventId, version: link.factsVersion }) };
  }

  beforeAll(async () => {
    t = await createTestDb();
    ({ id: staffId } = await createStaffUser(t.db, { email: "s@example.org", displayName: "S", passwordHash: "x", role: "staff" }));
    ({ id: hostId } = await createMember(
      t.db,
      MemberSchema.parse({ country: "KR", kind: "province", names: { en: "Gyeongsangbuk-do" }, timeZone: "Asia/Seoul" }),
    ));
    const { id: memberId } = await createMember(
      t.db,
      MemberSchema.parse({ country: "MN", kind: "aimag", names: { en: "Töv Province" }, timeZone: "Asia/Ulaanbaatar" }),
    );
    ({ id: eventId } = await createEvent(t.db, EventSchema.parse({ ...EVENT, title: { en: "Forum" }, hostMemberId: hostId })));
    await transitionEvent(t.db, { id: eventId, version: 1, to: "open" });
    const { id: invitationId } = await ensureInvitation(t.db, { eventId, memberId, letterLocale: "mn", createdBy: staffId });
    token = await ensureLinkToken(t.db, { invitationId, keys, isNew: true });
  });
  afterAll(() => t?.close());

  it("reads the facts once while nothing changes, and gives every page the same frozen copy", async () => {
    const first = await page();
    const second = await page();
    expect(second.link.factsVersion).toBe(first.link.factsVersion);
    expect(second.facts).toBe(first.facts);
    expect(first.facts.event.title).toEqual({ en: "Forum" });
    expect(Object.isFrozen(first.facts.event)).toBe(true);
    expect(Object.isFrozen(first.facts.programme)).toBe(true);
    // without a stamp (the staff pages) nothing is kept
    expect(await eventFacts(t.db, { eventId })).not.toBe(first.facts);
  });

  it("shows an edited event, its programme items added, changed and removed, at once", async () => {
    const before = await page();
    const event = (await getEvent(t.db, { id: eventId }))!;
    await updateEvent(t.db, {
      id: eventId,
      version: event.version,
      input: EventSchema.parse({ ...EVENT, title: { en: "NEAR Forum 2027" }, hostMemberId: hostId }),
    });
    const edited = await page();
    expect(edited.link.factsVersion).not.toBe(before.link.factsVersion);
    expect(edited.facts.event.title).toEqual({ en: "NEAR Forum 2027" });

    const { id: itemId } = await createProgrammeItem(t.db, { eventId, timeZone: "Asia/Seoul", input: ProgrammeItemSchema.parse(ITEM) });
    expect((await page()).facts.programme.map((item) => item.title)).toEqual([{ en: "Opening" }]);
    await updateProgrammeItem(t.db, {
      id: itemId,
      eventId,
      version: 1,
      timeZone: "Asia/Seoul",
      input: ProgrammeItemSchema.parse({ ...ITEM, title: { en: "Plenary" } }),
    });
    expect((await page()).facts.programme.map((item) => item.title)).toEqual([{ en: "Plenary" }]);
    await deleteProgrammeItem(t.db, { id: itemId, eventId, version: 2 });
    expect((await page()).facts.programme).toEqual([]);
  });

  it("shows a change made outside the app's functions (another process, an operator's SQL)", async () => {
    const before = await page();
    await sql`update event set status = 'closed' where id = ${eventId}`.execute(t.db);
    expect((await page()).facts.event.status).toBe("closed");
    await sql`update secretariat set short_name = 'NEAR-Secretariat' where id = 1`.execute(t.db);
    expect((await page()).facts.secretariat.shortName).toBe("NEAR-Secretariat");
    // the host's new name (part of the event's row as the app reads it)
    const host = await t.db.selectFrom("member").select("version").where("id", "=", hostId).executeTakeFirstOrThrow();
    await updateMember(t.db, {
      id: hostId,
      version: host.version,
      input: MemberSchema.parse({ country: "KR", kind: "province", names: { en: "Gyeongbuk" }, timeZone: "Asia/Seoul" }),
    });
    const after = await page();
    expect(after.facts.event.hostNames).toMatchObject({ en: "Gyeongbuk" });
    expect(after.link.factsVersion).not.toBe(before.link.factsVersion);
  });

  it("shows the List of Participants when it is published and not after it is withdrawn", async () => {
    expect((await page()).facts.participants).toBe(false);
    const number = await freezeRosterVersion(t.db, { eventId, kind: "final", locale: "en", createdBy: { id: staffId, label: "S" }, filters: {}, rows: [] });
    expect(await publishParticipantList(t.db, { eventId, versionNumber: number, isPublic: false, by: staffId })).toBe(true);
    expect((await page()).facts.participants).toBe(true);
    expect(await unpublishParticipantList(t.db, { eventId })).toBe(true);
    expect((await page()).facts.participants).toBe(false);
  });

  it("keeps nothing from a read that failed", async () => {
    const { link } = await page();
    await expect(eventFacts(t.db, { eventId: crypto.randomUUID(), version: link.factsVersion })).rejects.toThrow(/not found/);
    // the same stamp for an existing event still reads it
    expect((await eventFacts(t.db, { eventId, version: link.factsVersion })).event.id).toBe(eventId);
  });
});
