import crypto from "node:crypto";

import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { DB } from "~/db.server";
import { decodeKey } from "~/env.server";
import { EventSchema } from "~/lib/event-schemas";
import { replySchema } from "~/lib/reply-schemas";
import { loadDemoData } from "~/models/demo.server";
import { createEvent, setPassportCollection, transitionEvent } from "~/models/event.server";
import { ensureInvitation } from "~/models/invitation.server";
import { applyReply } from "~/models/reply.server";
import { databaseLabel, type PreparedDatabase, prepareServerDatabase, withServerDb } from "../helpers/db";
import { TestClient } from "../helpers/http";
import { decodeQrFromPng, extractText, notdefGlyphs, renderPage } from "../helpers/pdf";
import { startTestServer, type TestServer } from "../helpers/server";
import { createUser, TEST_PASSWORD } from "../helpers/users";

const KEY_HEX = crypto.randomBytes(32).toString("hex");
const FORMULA = '=HYPERLINK("http://evil.example","x")';

/** Members by English name → the delegation each sends (names in six scripts). */
const DELEGATIONS: Record<string, { locale: string; people: Record<string, unknown>[] }> = {
  "Gyeongsangbuk-do (North Gyeongsang Province)": {
    locale: "ko",
    people: [
      { role: "head", nameLocale: "ko", familyName: "김", givenName: "철수", latinFamilyName: "Kim", latinGivenName: "Cheolsu", title: "행정부지사" },
      { role: "accompanying", nameLocale: "en", givenName: "John", familyName: "Smith", title: FORMULA },
    ],
  },
  "Liaoning Province": {
    locale: "zh",
    people: [
      {
        role: "head",
        nameLocale: "zh",
        familyName: "李",
        givenName: "乐成",
        latinFamilyName: "Li",
        latinGivenName: "Lecheng",
        title: "省长",
        arrivalAt: "2027-06-15T14:20",
        arrivalTransport: "CZ 681",
        arrivalPlace: "PUS",
        hotel: "Hotel Pohang",
      },
    ],
  },
  "Tottori Prefecture": {
    locale: "ja",
    people: [
      {
        role: "head",
        nameLocale: "ja",
        familyName: "平井",
        givenName: "かな",
        latinFamilyName: "Hirai",
        latinGivenName: "Kana",
        title: "知事",
        dietary: ["halal"],
      },
    ],
  },
  "Primorsky Krai": {
    locale: "ru",
    people: [
      {
        role: "head",
        nameLocale: "ru",
        familyName: "Кожемяко",
        givenName: "Олег",
        patronymic: "Николаевич",
        latinFamilyName: "Kozhemiako",
        latinGivenName: "Oleg",
        interpretation: "ru",
        needsVisaLetter: "on",
        passportName: "KOZHEMIAKO OLEG",
        nationality: "RU",
        passportNumber: "720011223",
        passportExpiry: "2030-01-01",
        birthDate: "1962-10-17",
      },
    ],
  },
  "Töv Province": {
    locale: "mn",
    people: [
      {
        role: "head",
        nameLocale: "mn",
        patronymic: "Цэрэнгийн",
        givenName: "Өлзийбат",
        latinFamilyName: "Tserengiin",
        latinGivenName: "Ulziibat",
        title: "Засаг дарга",
      },
    ],
  },
};

async function seed(db: DB, key: Buffer) {
  await loadDemoData(db);
  const { id: adminId } = await db.selectFrom("staff_user").select("id").where("email", "=", "admin@example.org").executeTakeFirstOrThrow();
  const { id: eventId } = await createEvent(
    db,
    EventSchema.parse({
      kind: "general_assembly",
      title: { en: "16th NEAR General Assembly", ko: "제16차 NEAR 총회" },
      timeZone: "Asia/Seoul",
      start: "2027-06-16T09:00",
      end: "2027-06-17T18:00",
      quota: "5",
      categories: ["delegate", "observer"],
      contactEmail: "sg@near.example.org",
    }),
  );
  await transitionEvent(db, { id: eventId, version: 1, to: "open" });
  await setPassportCollection(db, { id: eventId, countries: ["RU"], retentionDays: 30 });
  const members = await db
    .selectFrom("member")
    .select(["id", sql`names->>'en'`.as("en")])
    .execute();
  for (const [name, delegation] of Object.entries(DELEGATIONS)) {
    const member = members.find((m) => m.en === name);
    if (!member) throw new Error(`no demo member ${name}`);
    const { id: invitationId } = await ensureInvitation(db, { eventId, memberId: member.id, letterLocale: delegation.locale as "ko", createdBy: adminId });
    const input = replySchema({ quota: 5, passportAllowed: true, programmeIds: [], storedPassport: [], staff: false }).parse({
      response: "attending",
      revision: "1",
      submission: crypto.randomUUID(),
      ...(delegation.people.some((p) => p.needsVisaLetter) ? { passportConsent: "on" } : {}),
      delegates: delegation.people,
    });
    const outcome = await db
      .transaction()
      .execute((trx) => applyReply(trx, { invitationId, expectedRevision: 1, input, actor: { kind: "link" }, key, passportAllowed: true }));
    if (outcome.status !== "saved") throw new Error(`reply not saved: ${outcome.status}`);
  }
  const codes = await db.selectFrom("delegate").select(["check_in_code as code", "given_name as given"]).execute();
  return { eventId, codes: Object.fromEntries(codes.map((c) => [c.given, c.code])) };
}

describe(`List of Participants, badges and check-in through HTTP (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let admin: TestClient;
  let viewer: TestClient;
  let eventPath = "";
  let codes: Record<string, string> = {};

  beforeAll(async () => {
    database = await prepareServerDatabase();
    createUser(database.env, "admin@example.org", "admin");
    createUser(database.env, "staff@example.org", "staff");
    createUser(database.env, "viewer@example.org", "viewer");
    createUser(database.env, "visa@example.org", "visa_officer");
    const env = { ...database.env, DATA_ENCRYPTION_KEY: KEY_HEX };
    const seeded = await withServerDb({ dataDir: database.dataDir, stop: async () => null, restart: async () => {} }, env, (db) =>
      seed(db, decodeKey(KEY_HEX)!),
    );
    codes = seeded.codes;
    eventPath = `/events/${seeded.eventId}`;
    server = await startTestServer({ DATA_ENCRYPTION_KEY: KEY_HEX }, database);
    admin = new TestClient(server.url);
    await admin.signIn("admin@example.org", TEST_PASSWORD);
    viewer = new TestClient(server.url);
    await viewer.signIn("viewer@example.org", TEST_PASSWORD);
  }, 120_000);
  afterAll(async () => {
    await server?.dispose();
    await database?.dispose();
  });

  it("shows the list in protocol order in the chosen language", async () => {
    const page = await admin.get(`${eventPath}/roster?lang=ru`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const order = ["李乐成", "平井 かな", "김철수", "Цэрэнгийн Өлзийбат", "Кожемяко Олег Николаевич"].map((name) => html.indexOf(name));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order); // China, Japan, Korea, Mongolia, Russia
    expect(html).toContain("Китай"); // country headings in Russian
    // one category form per person only when asked for, and never for a viewer
    expect(html).not.toMatch(/<select id="cat-/);
    expect(await (await admin.get(`${eventPath}/roster?lang=ru&edit=categories`)).text()).toMatch(/<select id="cat-/);
    expect(await (await viewer.get(`${eventPath}/roster?lang=ru&edit=categories`)).text()).not.toMatch(/<select id="cat-/);
  });

  it("makes a PDF in which every name is in its own script, drawn with real glyphs", async () => {
    const response = await admin.get(`${eventPath}/roster.pdf?lang=en`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment/);
    const pdf = new Uint8Array(await response.arrayBuffer());
    const text = (await extractText(pdf)).replace(/\s+/g, "");
    for (const name of ["李乐成", "平井かな", "김철수", "ЦэрэнгийнӨлзийбат", "КожемякоОлегНиколаевич", "JohnSMITH", "LILecheng"]) expect(text).toContain(name);
    expect((await notdefGlyphs(pdf)).map((g) => `${[...g.unicode].map((c) => c.codePointAt(0)!.toString(16)).join("+")}:${g.font}`)).toEqual([]);
  });

  it("exports CSV and XLSX that re-read to the same text, with formula cells escaped", async () => {
    const csvResponse = await admin.get(`${eventPath}/roster.csv?lang=ko`);
    const bytes = Buffer.from(await csvResponse.arrayBuffer());
    const csv = bytes.toString("utf8");
    expect(csvResponse.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows: string[][] = parse(csv.replace(/^\uFEFF/, ""));
    expect(rows.some((row) => row.includes("김철수") && row.includes("KIM Cheolsu") && row.includes("행정부지사"))).toBe(true);
    expect(rows.some((row) => row.includes(`'${FORMULA}`))).toBe(true);
    expect(rows.flat()).not.toContain(FORMULA);

    const xlsx = await admin.get(`${eventPath}/roster.xlsx?lang=mn`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ArrayBuffer);
    const values = workbook.worksheets[0]
      .getSheetValues()
      .flat()
      .filter((v) => typeof v === "string") as string[];
    expect(values).toContain("Цэрэнгийн Өлзийбат");
    expect(values).toContain(`'${FORMULA}`);
    expect(values).not.toContain(FORMULA);
  });

  it("prints badges whose QR code decodes to the person's check-in code", async () => {
    const response = await admin.get(`${eventPath}/badges.pdf?lang=en&layout=single`);
    expect(response.status).toBe(200);
    const pdf = new Uint8Array(await response.arrayBuffer());
    // single layout follows protocol order: China's head is on page 1
    const page = await renderPage(pdf, 1, 3);
    const { PNG } = await import("pngjs");
    const png = new PNG({ width: page.width, height: page.height });
    png.data = Buffer.from(page.data);
    expect(decodeQrFromPng(PNG.sync.write(png))).toBe(codes["乐成"]);
    expect(codes["乐成"]).not.toMatch(/^[A-Za-z0-9_-]{43}$/); // not a reply token
    const cards = await admin.get(`${eventPath}/place-cards.pdf?lang=ko`);
    expect((await extractText(new Uint8Array(await cards.arrayBuffer()))).replace(/\s+/g, "")).toContain("경상북도");
  });

  it("checks a delegate in by badge code and by name; a viewer may look but not check in", async () => {
    const byCode = await admin.post(`${eventPath}/check-in?_data=${encodeURIComponent("routes/_app.events.$eventId.check-in")}`, {
      intent: "code",
      code: codes["철수"].toLowerCase(),
    });
    expect(byCode.status).toBe(200);
    expect(await byCode.json()).toMatchObject({ ok: true, status: "checked_in" });
    const again = await admin.post(`${eventPath}/check-in?_data=${encodeURIComponent("routes/_app.events.$eventId.check-in")}`, {
      intent: "code",
      code: codes["철수"],
    });
    expect(await again.json()).toMatchObject({ ok: true, status: "already" });
    const unknown = await admin.post(`${eventPath}/check-in?_data=${encodeURIComponent("routes/_app.events.$eventId.check-in")}`, {
      intent: "code",
      code: "ZZZZZZZZZZ",
    });
    expect(unknown.status).toBe(404);
    // the one refusal shape (app/lib/action-error.ts), which the page words in the organiser's language
    expect(await unknown.json()).toEqual({ ok: false, error: { key: "rosters:checkIn.unknownCode" } });

    const search = await (await admin.get(`${eventPath}/check-in?q=kozhemiako`)).text();
    expect(search).toContain("Кожемяко Олег Николаевич");
    const byNative = await (await admin.get(`${eventPath}/check-in?q=${encodeURIComponent("Өлзий")}`)).text();
    expect(byNative).toContain("Цэрэнгийн Өлзийбат");
    expect(await (await viewer.get(`${eventPath}/check-in`)).text()).toContain("1 / 2"); // Korea: 1 of 2 arrived
    expect(
      (await viewer.post(`${eventPath}/check-in?_data=${encodeURIComponent("routes/_app.events.$eventId.check-in")}`, { intent: "code", code: codes["乐成"] }))
        .status,
    ).toBe(403);
  });

  it("lets only admins and visa officers download visa letters, in English and the host's language, each download audited", async () => {
    const page = await admin.get(`${eventPath}/visa-letters`);
    const html = await page.text();
    const link = html.match(/\/events\/[0-9a-f-]+\/visa-letters\/([0-9a-f-]{36})/)![0];
    expect((await viewer.get(link)).status).toBe(403);
    const staff = new TestClient(server.url);
    await staff.signIn("staff@example.org", TEST_PASSWORD);
    expect((await staff.get(link)).status).toBe(403);
    expect((await staff.get(`${eventPath}/visa-letters`)).status).toBe(403);
    const officer = new TestClient(server.url);
    await officer.signIn("visa@example.org", TEST_PASSWORD);
    expect((await officer.get(link)).status).toBe(200);
    const response = await admin.get(link);
    expect(response.status).toBe(200);
    const text = await extractText(new Uint8Array(await response.arrayBuffer()));
    expect(text).toContain("KOZHEMIAKO OLEG");
    expect(text).toContain("720011223");
    // no title in the reply: the member's head title in the letter's language, then the member
    expect(text).toContain("Governor, Primorsky Krai");
    const audit = await withServerDb(server, { ...database.env }, (db) =>
      db
        .selectFrom("audit_log")
        .select(["action", "actor_label as actor"])
        .where("action", "in", ["visa_letter.downloaded", "roster.exported", "badges.exported"])
        .execute(),
    );
    expect(
      audit
        .filter((a) => a.action === "visa_letter.downloaded")
        .map((a) => a.actor)
        .sort(),
    ).toEqual(["admin@example.org", "visa@example.org"]);
    expect(audit.filter((a) => a.action === "roster.exported").length).toBeGreaterThanOrEqual(3);
    expect(audit.filter((a) => a.action === "badges.exported")).toHaveLength(1);
  });

  it("freezes a final version: its page and its PDF say 'final list no. 1'", async () => {
    const frozen = await admin.post(`${eventPath}/roster?lang=en`, { intent: "freeze", kind: "final", lang: "en" });
    expect(frozen.status).toBe(302);
    expect(frozen.headers.get("location")).toMatch(/roster\?version=1$/);
    const page = await (await admin.get(`${eventPath}/roster?version=1`)).text();
    expect(page).toContain("final list no. 1");
    const pdf = await admin.get(`${eventPath}/roster.pdf?version=1`);
    expect((await extractText(new Uint8Array(await pdf.arrayBuffer()))).replace(/\s+/g, "")).toContain("Finallistno.1");
  });
});
