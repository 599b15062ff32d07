import crypto from "node:crypto";

import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { DB } from "~/db.server";
import type { DeviceList, SyncResult } from "~/lib/check-in";
import { EventSchema, ProgrammeItemSchema } from "~/lib/event-schemas";
import { replySchema } from "~/lib/reply-schemas";
import { recordCheckIns } from "~/models/check-in.server";
import { loadDemoData } from "~/models/demo.server";
import { createEvent, createProgrammeItem, transitionEvent } from "~/models/event.server";
import { ensureInvitation } from "~/models/invitation.server";
import { applyReply } from "~/models/reply.server";
import { databaseLabel, type PreparedDatabase, prepareServerDatabase, withServerDb } from "../helpers/db";
import { locationOf, TestClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";
import { createUser, TEST_PASSWORD } from "../helpers/users";

const KEY_HEX = crypto.randomBytes(32).toString("hex");

/** Two events: the one at the door (three people, a dinner) and another whose people must stay out of its check-ins. */
async function seed(db: DB) {
  await loadDemoData(db);
  const { id: adminId } = await db.selectFrom("staff_user").select("id").where("email", "=", "admin@example.org").executeTakeFirstOrThrow();
  const members = await db
    .selectFrom("member")
    .select(["id", sql<string>`names->>'en'`.as("en")])
    .execute();
  const memberId = (name: string) => members.find((m) => m.en === name)!.id;
  const makeEvent = async (title: string) => {
    const { id } = await createEvent(
      db,
      EventSchema.parse({
        kind: "general_assembly",
        title: { en: title },
        timeZone: "Asia/Seoul",
        start: "2027-06-16T09:00",
        end: "2027-06-17T18:00",
        quota: "5",
        categories: ["delegate", "observer"],
        contactEmail: "sg@near.example.org",
      }),
    );
    await transitionEvent(db, { id, version: 1, to: "open" });
    return id;
  };
  const reply = async (eventId: string, member: string, people: Record<string, unknown>[]) => {
    const { id: invitationId } = await ensureInvitation(db, { eventId, memberId: memberId(member), letterLocale: "en", createdBy: adminId });
    const input = replySchema({ quota: 5, passportAllowed: false, programmeIds: [], storedPassport: [], staff: false }).parse({
      response: "attending",
      revision: "1",
      submission: crypto.randomUUID(),
      delegates: people,
    });
    const outcome = await db
      .transaction()
      .execute((trx) =>
        applyReply(trx, { invitationId, expectedRevision: 1, input, actor: { kind: "link" }, key: Buffer.from(KEY_HEX, "hex"), passportAllowed: false }),
      );
    if (outcome.status !== "saved") throw new Error(`reply not saved: ${outcome.status}`);
  };
  const eventId = await makeEvent("17th NEAR General Assembly");
  const otherEventId = await makeEvent("Tourism subcommittee");
  await reply(eventId, "Gyeongsangbuk-do (North Gyeongsang Province)", [
    {
      role: "head",
      nameLocale: "ko",
      familyName: "김",
      givenName: "철수",
      latinFamilyName: "Kim",
      latinGivenName: "Cheolsu",
      title: "행정부지사",
      email: "kim@example.org",
      phone: "+82 10 1234 5678",
    },
    { role: "accompanying", nameLocale: "en", givenName: "John", familyName: "Smith", title: "Adviser" },
  ]);
  await reply(eventId, "Primorsky Krai", [
    { role: "head", nameLocale: "ru", familyName: "Кожемяко", givenName: "Олег", latinFamilyName: "Kozhemiako", latinGivenName: "Oleg", title: "Губернатор" },
  ]);
  await reply(otherEventId, "Tottori Prefecture", [
    { role: "head", nameLocale: "ja", familyName: "平井", givenName: "かな", latinFamilyName: "Hirai", latinGivenName: "Kana" },
  ]);
  const { id: dinnerId } = await createProgrammeItem(db, {
    eventId,
    timeZone: "Asia/Seoul",
    input: ProgrammeItemSchema.parse({ kind: "welcome_dinner", start: "2027-06-16T19:00", end: "2027-06-16T21:00", title: { en: "Welcome dinner" } }),
  });
  const { id: otherItemId } = await createProgrammeItem(db, {
    eventId: otherEventId,
    timeZone: "Asia/Seoul",
    input: ProgrammeItemSchema.parse({ kind: "plenary", start: "2027-06-16T09:00", end: "2027-06-16T12:00", title: { en: "Opening" } }),
  });
  const people = await db
    .selectFrom("delegate")
    .select(["id", sql<string>`coalesce(latin_family_name, family_name)`.as("family")])
    .execute();
  const ids = Object.fromEntries(people.map((p) => [p.family, p.id]));
  return { eventId, otherEventId, dinnerId, otherItemId, ids };
}

describe(`Offline check-in: the device list and the sync endpoint through HTTP (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let admin: TestClient;
  let staff: TestClient;
  let viewer: TestClient;
  let seeded: Awaited<ReturnType<typeof seed>>;
  let listPath = "";
  const env = () => ({ ...database.env, DATA_ENCRYPTION_KEY: KEY_HEX });
  const db = <T>(fn: (db: DB) => Promise<T>) => withServerDb(server, env(), fn);

  const sync = (client: TestClient, items: Record<string, unknown>[], path = listPath) => client.post(path, { checkIns: JSON.stringify(items) });
  const item = (delegateId: string, extra: Record<string, unknown> = {}) => ({
    id: crypto.randomUUID(),
    delegateId,
    programmeItemId: null,
    scannedAt: new Date().toISOString(),
    ...extra,
  });
  const results = async (response: Response) => {
    expect(response.status).toBe(200);
    return ((await response.json()) as { results: SyncResult[] }).results;
  };
  const rowsOf = (delegateId: string) =>
    db((d) =>
      d
        .selectFrom("check_in")
        .select(["client_id", "outcome", "programme_item_id", "scanned_at", "recorded_at"])
        .where("delegate_id", "=", delegateId)
        .orderBy("recorded_at")
        .execute(),
    );

  beforeAll(async () => {
    database = await prepareServerDatabase();
    createUser(database.env, "admin@example.org", "admin");
    createUser(database.env, "staff@example.org", "staff");
    createUser(database.env, "viewer@example.org", "viewer");
    seeded = await withServerDb({ dataDir: database.dataDir, stop: async () => null, restart: async () => {} }, env(), seed);
    listPath = `/events/${seeded.eventId}/check-in.json`;
    server = await startTestServer({ DATA_ENCRYPTION_KEY: KEY_HEX }, database);
    admin = new TestClient(server.url);
    await admin.signIn("admin@example.org", TEST_PASSWORD);
    staff = new TestClient(server.url);
    await staff.signIn("staff@example.org", TEST_PASSWORD);
    viewer = new TestClient(server.url);
    await viewer.signIn("viewer@example.org", TEST_PASSWORD);
  }, 180_000);
  afterAll(async () => {
    await server?.dispose();
    await database?.dispose();
  });

  it("gives a device the event's list with names, delegation, category and badge code only, behind the staff session", async () => {
    const response = await staff.get(listPath);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const list = (await response.json()) as DeviceList;
    expect(list.eventId).toBe(seeded.eventId);
    expect(list.programme).toEqual([{ id: seeded.dinnerId, title: "Welcome dinner" }]);
    expect(list.people).toHaveLength(3); // not the other event's delegate
    const kim = list.people.find((p) => p.id === seeded.ids.Kim)!;
    expect(Object.keys(kim).sort()).toEqual(["category", "checkedIn", "code", "id", "latin", "member", "name", "nameLang", "search"]);
    expect(kim).toMatchObject({
      name: "김철수",
      latin: "KIM Cheolsu",
      member: "Gyeongsangbuk-do (North Gyeongsang Province)",
      category: "delegate",
      checkedIn: [],
    });
    expect(kim.code).toMatch(/^[0-9A-Z]{10}$/);
    const text = JSON.stringify(list);
    // the phone whole and as bare digits: a random id may hold "1234" (a CI run failed on a delegate id …-7e1234d4…)
    for (const secret of ["kim@example.org", "+82 10 1234 5678", "1012345678", "행정부지사"]) expect(text).not.toContain(secret);
    // a viewer may look (as at the page); without a session the sign-in page answers
    expect((await viewer.get(listPath)).status).toBe(200);
    const anonymous = await new TestClient(server.url).get(listPath);
    expect(anonymous.status).toBe(302);
    expect(locationOf(anonymous)).toMatch(/^\/login\?/);
    expect((await staff.get(`/events/${crypto.randomUUID()}/check-in.json`)).status).toBe(404);
  });

  it("records a queued check-in once however often it is sent, with the server's time and the device's kept apart", async () => {
    const scannedAt = "2027-06-16T08:55:00.000Z"; // the device's clock, well before the server's
    const queued = item(seeded.ids.Smith, { scannedAt });
    const before = Date.now();
    const [first] = await results(await sync(staff, [queued]));
    expect(first).toMatchObject({ id: queued.id, status: "checked_in", replay: false, delegateId: seeded.ids.Smith, first: { by: "staff" } });
    // the answer was lost: the device sends it again, twice at once
    const again = await Promise.all([sync(staff, [queued]), sync(staff, [queued])]);
    for (const response of again) expect((await results(response))[0]).toMatchObject({ id: queued.id, status: "checked_in", replay: true });
    const rows = await rowsOf(seeded.ids.Smith);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ client_id: queued.id, outcome: "checked_in", programme_item_id: null });
    expect(new Date(rows[0].scanned_at!).toISOString()).toBe(scannedAt);
    expect(new Date(rows[0].recorded_at).getTime()).toBeGreaterThanOrEqual(before - 1000);
    // the event's check-in is the delegate's, as the page and the roster see it
    const delegate = await db((d) => d.selectFrom("delegate").select(["checked_in_at"]).where("id", "=", seeded.ids.Smith).executeTakeFirstOrThrow());
    expect(new Date(delegate.checked_in_at!).getTime()).toBe(new Date(rows[0].recorded_at).getTime());
    const list = (await (await staff.get(listPath)).json()) as DeviceList;
    expect(list.people.find((p) => p.id === seeded.ids.Smith)!.checkedIn).toEqual(["event"]);
  });

  it("one id sent for two people at the same moment is recorded for one of them only", async () => {
    const id = crypto.randomUUID();
    const answers = await Promise.all([
      sync(staff, [item(seeded.ids.Kim, { id, programmeItemId: seeded.dinnerId, scannedAt: null })]),
      sync(admin, [item(seeded.ids.Smith, { id, programmeItemId: seeded.dinnerId, scannedAt: null })]),
    ]);
    const [a, b] = [(await results(answers[0]))[0], (await results(answers[1]))[0]];
    const rows = await db((d) => d.selectFrom("check_in").select(["delegate_id", "outcome"]).where("client_id", "=", id).execute());
    expect(rows).toHaveLength(1);
    // both devices are told what the server kept under that id
    for (const answer of [a, b]) expect(answer).toMatchObject({ id, status: "checked_in", delegateId: rows[0].delegate_id });
    expect([a, b].filter((answer) => answer.status !== "unknown" && answer.replay)).toHaveLength(1);
    // (tidy up: the check-in for the dinner is not part of what the next tests expect)
    await db((d) => d.deleteFrom("check_in").where("client_id", "=", id).execute());
  });

  it("two devices checking in the same person end with one check-in and a note saying who was first and when", async () => {
    const fromAdmin = item(seeded.ids.Kozhemiako);
    const fromStaff = item(seeded.ids.Kozhemiako);
    const [a] = await results(await sync(admin, [fromAdmin]));
    const [b] = await results(await sync(staff, [fromStaff]));
    expect(a).toMatchObject({ status: "checked_in" });
    expect(b).toMatchObject({ status: "duplicate", replay: false, first: { by: "admin" } });
    if (a.status === "unknown" || b.status === "unknown") throw new Error("unexpected");
    expect(b.first.at).toBe(a.at);
    const rows = await rowsOf(seeded.ids.Kozhemiako);
    expect(rows.map((r) => r.outcome)).toEqual(["checked_in", "duplicate"]);
    // sending the duplicate again changes nothing either
    expect((await results(await sync(staff, [fromStaff])))[0]).toMatchObject({ status: "duplicate", replay: true, first: { by: "admin" } });
    expect(await rowsOf(seeded.ids.Kozhemiako)).toHaveLength(2);
  });

  it("at the same moment, too: exactly one of two devices' check-ins counts", async () => {
    const [one, two] = await Promise.all([sync(admin, [item(seeded.ids.Kim)]), sync(staff, [item(seeded.ids.Kim)])]);
    const outcomes = [...(await results(one)), ...(await results(two))].map((r) => r.status).sort();
    expect(outcomes).toEqual(["checked_in", "duplicate"]);
    expect((await rowsOf(seeded.ids.Kim)).filter((r) => r.outcome === "checked_in")).toHaveLength(1);
  });

  it("checks in per programme item as well as for the event, each counted once", async () => {
    const dinner = item(seeded.ids.Kim, { programmeItemId: seeded.dinnerId });
    const [r] = await results(await sync(staff, [dinner, item(seeded.ids.Kim, { programmeItemId: seeded.dinnerId })]));
    expect(r).toMatchObject({ status: "checked_in", programmeItemId: seeded.dinnerId });
    const rows = (await rowsOf(seeded.ids.Kim)).filter((row) => row.programme_item_id === seeded.dinnerId);
    expect(rows.map((row) => row.outcome)).toEqual(["checked_in", "duplicate"]);
    const list = (await (await staff.get(listPath)).json()) as DeviceList;
    expect(list.people.find((p) => p.id === seeded.ids.Kim)!.checkedIn.sort()).toEqual([seeded.dinnerId, "event"].sort());
    // the dinner does not check Smith's colleague in for the event, nor the other way round
    expect(list.people.find((p) => p.id === seeded.ids.Smith)!.checkedIn).toEqual(["event"]);
  });

  it("after an undo at the desk the person can be checked in again from a device", async () => {
    const undo = await admin.post(`/events/${seeded.eventId}/check-in?_data=${encodeURIComponent("routes/_app.events.$eventId.check-in")}`, {
      intent: "undo",
      delegateId: seeded.ids.Smith,
    });
    expect(await undo.json()).toMatchObject({ ok: true, status: "undone" });
    const [r] = await results(await sync(staff, [item(seeded.ids.Smith)]));
    expect(r).toMatchObject({ status: "checked_in", replay: false });
    expect((await rowsOf(seeded.ids.Smith)).map((row) => row.outcome)).toEqual(["undone", "checked_in"]);
  });

  it("answers 'unknown' for a person or programme item of another event, and records nothing for it", async () => {
    const stranger = item(seeded.ids.Hirai);
    const otherItem = item(seeded.ids.Kozhemiako, { programmeItemId: seeded.otherItemId });
    const nobody = item(crypto.randomUUID());
    const answers = await results(await sync(staff, [stranger, otherItem, nobody]));
    expect(answers).toEqual([
      { id: stranger.id, status: "unknown" },
      { id: otherItem.id, status: "unknown" },
      { id: nobody.id, status: "unknown" },
    ]);
    expect(await rowsOf(seeded.ids.Hirai)).toEqual([]);
    expect((await rowsOf(seeded.ids.Kozhemiako)).some((r) => r.programme_item_id === seeded.otherItemId)).toBe(false);
  });

  it("refuses a viewer, a visitor without a session and a post from another site", async () => {
    const queued = item(seeded.ids.Hirai);
    expect((await sync(viewer, [queued])).status).toBe(403);
    const anonymous = await sync(new TestClient(server.url), [queued]);
    expect(anonymous.status).toBe(302);
    expect(locationOf(anonymous)).toMatch(/^\/login\?/);
    const forged = new TestClient(server.url, "https://evil.example");
    forged.cookies = new Map(staff.cookies);
    expect((await sync(forged, [item(seeded.ids.Kozhemiako)])).status).toBe(403);
    expect(await db((d) => d.selectFrom("check_in").select("id").where("client_id", "=", queued.id).execute())).toEqual([]);
  });

  it("refuses bad input with 400 and a translated reason, recording nothing", async () => {
    const count = async () =>
      Number(
        (
          await db((d) =>
            d
              .selectFrom("check_in")
              .select((eb) => eb.fn.countAll().as("n"))
              .executeTakeFirstOrThrow(),
          )
        ).n,
      );
    const before = await count();
    const bad: Record<string, string>[] = [
      { checkIns: "not json" },
      { checkIns: "[]" },
      { checkIns: JSON.stringify([{ ...item(seeded.ids.Kim), id: "not-a-uuid" }]) },
      { checkIns: JSON.stringify([{ ...item(seeded.ids.Kim), scannedAt: "yesterday" }]) },
      { checkIns: JSON.stringify([{ id: crypto.randomUUID() }]) },
      { checkIns: JSON.stringify(Array.from({ length: 201 }, () => item(seeded.ids.Kim))) },
      { other: "x" },
    ];
    for (const form of bad) {
      const response = await staff.post(listPath, form);
      expect(response.status, JSON.stringify(form).slice(0, 80)).toBe(400);
      expect(await response.json()).toEqual({ error: { key: "checkin:errors.invalid" } });
    }
    // a body over the ceiling is refused before it is parsed
    const huge = await staff.post(listPath, { checkIns: "x".repeat(300 * 1024) });
    expect(huge.status).toBe(413);
    expect(await count()).toBe(before);
  });

  it("takes the time that counts from the injected clock, not from the device", async () => {
    const now = new Date("2027-06-16T00:30:00.000Z");
    const queued = {
      id: crypto.randomUUID(),
      delegateId: seeded.ids.Kozhemiako,
      programmeItemId: seeded.dinnerId,
      scannedAt: new Date("2031-01-01T00:00:00Z"),
    };
    const [user] = await db((d) => d.selectFrom("staff_user").select("id").where("email", "=", "staff@example.org").execute());
    const [record] = await db((d) => recordCheckIns(d, { eventId: seeded.eventId, by: user.id, items: [queued], now }));
    expect(record).toMatchObject({ status: "checked_in", at: now, first: { at: now, by: "staff" } });
    const [row] = (await rowsOf(seeded.ids.Kozhemiako)).filter((r) => r.client_id === queued.id);
    expect(new Date(row.recorded_at).toISOString()).toBe(now.toISOString());
    expect(new Date(row.scanned_at!).toISOString()).toBe("2031-01-01T00:00:00.000Z");
  });

  it("serves the web app manifest of the check-in page behind the session, and the worker and icons as files", async () => {
    const anonymous = await new TestClient(server.url).get(`/events/${seeded.eventId}/check-in.webmanifest`);
    expect(anonymous.status).toBe(302);
    const response = await viewer.get(`/events/${seeded.eventId}/check-in.webmanifest`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/manifest\+json/);
    const manifest = await response.json();
    expect(manifest).toMatchObject({
      start_url: `/events/${seeded.eventId}/check-in`,
      scope: `/events/${seeded.eventId}/check-in`,
      display: "standalone",
    });
    expect(manifest.icons.some((icon: { sizes: string }) => icon.sizes === "512x512")).toBe(true);
    const icon = await new TestClient(server.url).get("/check-in-icon-512.png");
    expect(icon.headers.get("content-type")).toBe("image/png");
    const worker = await new TestClient(server.url).get("/check-in-sw.js");
    expect(worker.status).toBe(200);
    expect(worker.headers.get("content-type")).toMatch(/javascript/);
    expect((await viewer.get("/events/not-an-id/check-in.webmanifest")).status).toBe(404);
  });
});
