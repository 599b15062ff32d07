import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { EventSchema, ProgrammeItemSchema } from "~/lib/event-schemas";
import { ConflictError } from "~/models/errors";
import {
  createEvent,
  createProgrammeItem,
  duplicateEvent,
  getEvent,
  InvalidTransitionError,
  listEvents,
  listProgramme,
  ReasonRequiredError,
  transitionEvent,
  updateEvent,
} from "~/models/event.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";

const event = (overrides: Record<string, unknown> = {}) =>
  EventSchema.parse({
    kind: "general_assembly",
    title: { en: "16th NEAR General Assembly", ko: "제16차 NEAR 총회", ru: "16-я Генеральная ассамблея АРАССВА" },
    venue: { en: "Vladivostok", ru: "Владивосток", ko: "블라디보스토크" },
    description: { en: "Line one.\nLine two." },
    timeZone: "Asia/Vladivostok",
    start: "2027-09-01T08:30",
    end: "2027-09-02T17:00",
    rsvpDeadline: "2027-08-01T18:00",
    format: "in_person",
    quota: "5",
    categories: ["delegate", "observer"],
    ...overrides,
  });

function errorsOf(result: ReturnType<typeof EventSchema.safeParse>) {
  return result.success ? {} : Object.fromEntries(result.error.issues.map((i) => [i.path.join("."), i.message]));
}

describe("event validation", () => {
  it.each([
    [{ end: "2027-09-01T08:00" }, "end", "events:validation.endBeforeStart"],
    [{ rsvpDeadline: "2027-09-01T09:00" }, "rsvpDeadline", "events:validation.deadlineAfterStart"],
    [{ quota: "0" }, "quota", "events:validation.quota"],
    [{ title: { en: "" } }, "title.en", "validation.required"],
    [{ kind: "subcommittee_meeting" }, "subcommitteeId", "events:validation.subcommitteeRequired"],
    [{ format: "online" }, "meetingUrl", "events:validation.meetingUrlRequired"],
    [{ timeZone: "Mars/Olympus" }, "timeZone", "directory:validation.timeZone"],
    [{ start: "2027-02-30T10:00" }, "start", "events:validation.dateTime"],
    [{ reminderDays: "14, 0" }, "reminderDays", "events:validation.reminderDays"],
    [{ reminderDays: "two weeks" }, "reminderDays", "events:validation.reminderDays"],
    [{ reminderDays: "30 20 14 7 3 1" }, "reminderDays", "events:validation.reminderDays"],
  ])("refuses %j at %s", (overrides, path, message) => {
    const raw = {
      kind: "general_assembly",
      title: { en: "GA" },
      timeZone: "Asia/Seoul",
      start: "2027-09-01T09:00",
      end: "2027-09-02T18:00",
      quota: "5",
      categories: ["delegate"],
      ...overrides,
    };
    expect(errorsOf(EventSchema.safeParse(raw))[path]).toBe(message);
  });

  it("compares deadline and start in the venue's time", () => {
    // 23:30 on 31 August in Vladivostok is before 08:30 on 1 September there, although later in UTC terms of the date
    expect(EventSchema.safeParse({ ...event(), quota: "5", rsvpDeadline: "2027-08-31T23:30" }).success).toBe(true);
  });

  it("reads reminder days in any order and separator, latest first, once each", () => {
    expect(event({ reminderDays: "3; 14, 3 7" }).reminderDays).toEqual([14, 7, 3]);
    expect(event({ reminderDays: "" }).reminderDays).toEqual([]);
  });

  it("refuses a programme item that ends before it starts", () => {
    const result = ProgrammeItemSchema.safeParse({ kind: "plenary", title: { en: "x" }, start: "2027-09-01T10:00", end: "2027-09-01T09:00" });
    expect(result.success).toBe(false);
  });
});

describe(`events and programme (${databaseLabel})`, () => {
  let t: TestDb;
  let id: string;
  beforeAll(async () => {
    t = await createTestDb();
    id = (await createEvent(t.db, event())).id;
  });
  afterAll(() => t.close());

  it("stores times in UTC with the venue's zone", async () => {
    const stored = (await getEvent(t.db, { id }))!;
    expect(new Date(stored.startsAt).toISOString()).toBe("2027-08-31T22:30:00.000Z");
    expect(new Date(stored.rsvpDeadline!).toISOString()).toBe("2027-08-01T08:00:00.000Z");
    expect(stored).toMatchObject({ timeZone: "Asia/Vladivostok", status: "draft", delegationQuota: 5, categories: ["delegate", "observer"] });
    expect(stored.description).toEqual({ en: "Line one.\nLine two." });
  });

  it("the database itself refuses an end before the start", async () => {
    await expect(
      t.db
        .insertInto("event")
        .values({ kind: "forum", title: JSON.stringify({ en: "x" }), starts_at: new Date("2027-01-02"), ends_at: new Date("2027-01-01"), time_zone: "UTC" })
        .execute(),
    ).rejects.toThrow(/event_ends_after_start/);
  });

  it("walks the status workflow and refuses invalid transitions with the stored state", async () => {
    let { version } = (await getEvent(t.db, { id }))!;
    await expect(transitionEvent(t.db, { id, version, to: "archived" })).rejects.toBeInstanceOf(InvalidTransitionError);
    await transitionEvent(t.db, { id, version, to: "open" });
    await expect(transitionEvent(t.db, { id, version, to: "closed" })).rejects.toBeInstanceOf(ConflictError);
    version++;
    await expect(transitionEvent(t.db, { id, version, to: "cancelled" })).rejects.toBeInstanceOf(ReasonRequiredError);
    await transitionEvent(t.db, { id, version, to: "closed" });
    await transitionEvent(t.db, { id, version: version + 1, to: "open" });
    expect((await getEvent(t.db, { id }))!.status).toBe("open");
  });

  it("cancels with a reason", async () => {
    const other = (await createEvent(t.db, event({ title: { en: "Forum 2027" }, kind: "forum" }))).id;
    await transitionEvent(t.db, { id: other, version: 1, to: "cancelled", reason: "Host withdrew" });
    expect((await getEvent(t.db, { id: other }))!).toMatchObject({ status: "cancelled", cancelReason: "Host withdrew" });
  });

  it("keeps the programme in order and rejects stale edits", async () => {
    const tz = "Asia/Vladivostok";
    await createProgrammeItem(t.db, {
      eventId: id,
      timeZone: tz,
      input: ProgrammeItemSchema.parse({
        kind: "welcome_dinner",
        title: { en: "Welcome dinner" },
        start: "2027-09-01T19:00",
        end: "2027-09-01T21:00",
        attendanceAsked: "on",
        capacity: "150",
      }),
    });
    await createProgrammeItem(t.db, {
      eventId: id,
      timeZone: tz,
      input: ProgrammeItemSchema.parse({ kind: "plenary", title: { en: "Opening plenary" }, start: "2027-09-01T09:00", end: "2027-09-01T12:00" }),
    });
    const programme = await listProgramme(t.db, { eventId: id });
    expect(programme.map((p) => p.title.en)).toEqual(["Opening plenary", "Welcome dinner"]);
    expect(programme[1]).toMatchObject({ attendanceAsked: true, capacity: 150 });
    const stored = (await getEvent(t.db, { id }))!;
    await updateEvent(t.db, { id, version: stored.version, input: event({ quota: "3" }) });
    await expect(updateEvent(t.db, { id, version: stored.version, input: event({ quota: "4" }) })).rejects.toBeInstanceOf(ConflictError);
    expect((await getEvent(t.db, { id }))!.delegationQuota).toBe(3);
  });

  it("duplicates texts, quota and programme shape as a draft moved to a new start", async () => {
    const { id: copy } = await duplicateEvent(t.db, { id, start: "2028-09-06T08:30" });
    const duplicated = (await getEvent(t.db, { id: copy }))!;
    expect(duplicated).toMatchObject({ status: "draft", delegationQuota: 3, title: { en: "16th NEAR General Assembly" } });
    expect(new Date(duplicated.startsAt).toISOString()).toBe("2028-09-05T22:30:00.000Z");
    expect(new Date(duplicated.endsAt).getTime() - new Date(duplicated.startsAt).getTime()).toBe(
      new Date("2027-09-02T07:00:00Z").getTime() - new Date("2027-08-31T22:30:00Z").getTime(),
    );
    const programme = await listProgramme(t.db, { eventId: copy });
    expect(programme.map((p) => new Date(p.startsAt).toISOString())).toEqual(["2028-09-05T23:00:00.000Z", "2028-09-06T09:00:00.000Z"]);
  });

  it("lists upcoming soonest first and past latest first, with search in any language", async () => {
    await createEvent(
      t.db,
      event({
        title: { en: "14th NEAR General Assembly" },
        start: "2023-10-24T09:00",
        end: "2023-10-26T18:00",
        rsvpDeadline: undefined,
        timeZone: "Asia/Seoul",
      }),
    );
    const upcoming = await listEvents(t.db, { when: "upcoming" });
    expect(upcoming.map((e) => e.title.en)).toEqual(["16th NEAR General Assembly", "Forum 2027", "16th NEAR General Assembly"]);
    expect((await listEvents(t.db, { when: "past" })).map((e) => e.title.en)).toEqual(["14th NEAR General Assembly"]);
    expect((await listEvents(t.db, { q: "총회" })).length).toBe(2);
    expect((await listEvents(t.db, { q: "Владивосток" })).length).toBe(3);
  });
});
