import crypto from "node:crypto";

import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { DB } from "~/db.server";
import { decodeKey } from "~/env.server";
import { MemberSchema } from "~/lib/directory-schemas";
import { EventSchema } from "~/lib/event-schemas";
import { createEvent, transitionEvent } from "~/models/event.server";
import { ensureInvitation, ensureLinkToken } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { setCheckedIn } from "~/models/roster.server";
import { databaseLabel, type PreparedDatabase, prepareServerDatabase, withServerDb } from "../helpers/db";
import { locationOf, TestClient } from "../helpers/http";
import { extractText } from "../helpers/pdf";
import { formState } from "../helpers/replies";
import { startTestServer, type TestServer } from "../helpers/server";
import { createUser, TEST_PASSWORD } from "../helpers/users";

const KEY_HEX = crypto.randomBytes(32).toString("hex");

async function seed(db: DB) {
  const key = decodeKey(KEY_HEX)!;
  const { id: adminId } = await db.selectFrom("staff_user").select("id").where("email", "=", "admin@example.org").executeTakeFirstOrThrow();
  const { id: eventId } = await createEvent(
    db,
    EventSchema.parse({
      kind: "general_assembly",
      title: { en: "16th NEAR General Assembly", ko: "제16차 NEAR 총회" },
      timeZone: "Asia/Seoul",
      start: "2027-06-16T09:00",
      end: "2027-06-17T18:00",
      quota: "4",
      categories: ["delegate"],
    }),
  );
  await transitionEvent(db, { id: eventId, version: 1, to: "open" });
  const tokens: Record<string, { invitationId: string; token: string }> = {};
  for (const [country, name, locale] of [
    ["CN", "Liaoning Province", "zh"],
    ["KR", "Gyeongsangbuk-do", "ko"],
  ] as const) {
    const { id: memberId } = await createMember(db, MemberSchema.parse({ country, kind: "province", names: { en: name }, timeZone: "Asia/Seoul" }));
    const { id: invitationId } = await ensureInvitation(db, { eventId, memberId, letterLocale: locale, createdBy: adminId });
    tokens[country] = { invitationId, token: await ensureLinkToken(db, { invitationId, keys: { key }, isNew: true }) };
  }
  return { eventId, adminId, tokens };
}

function replyBody(state: { revision: string; submission: string }, people: Record<string, string>[], extra: Record<string, string> = {}) {
  const body = new URLSearchParams({ response: "attending", ...state, ...extra });
  people.forEach((person, i) => {
    for (const [field, value] of Object.entries(person)) body.append(`delegates[${i}].${field}`, value);
  });
  return body;
}

const delegateIds = (html: string) => [...html.matchAll(/name="delegates\[(\d+)\]\.id" value="([0-9a-f-]{36})"/g)].map((m) => m[2]);

describe(`substitutions and the published List of Participants through HTTP (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let admin: TestClient;
  let anonymous: TestClient;
  let seeded: Awaited<ReturnType<typeof seed>>;
  let eventPath = "";
  const link = (country: string) => `/r/${seeded.tokens[country].token}`;

  beforeAll(async () => {
    database = await prepareServerDatabase();
    createUser(database.env, "admin@example.org", "admin");
    const env = { ...database.env, DATA_ENCRYPTION_KEY: KEY_HEX };
    seeded = await withServerDb({ dataDir: database.dataDir, stop: async () => null, restart: async () => {} }, env, seed);
    eventPath = `/events/${seeded.eventId}`;
    server = await startTestServer({ DATA_ENCRYPTION_KEY: KEY_HEX }, database);
    admin = new TestClient(server.url);
    await admin.signIn("admin@example.org", TEST_PASSWORD);
    anonymous = new TestClient(server.url);
  }, 120_000);
  afterAll(async () => {
    await server?.dispose();
    await database?.dispose();
  });

  it("the vice-governor typed over the checked-in governor on the reply page is a new person, not arrived, with a new badge; staff see who replaced whom", async () => {
    const page = await anonymous.get(link("CN"));
    expect(page.status).toBe(200);
    const first = await anonymous.post(
      link("CN"),
      replyBody(formState(await page.text()), [
        {
          role: "head",
          nameLocale: "zh",
          familyName: "李",
          givenName: "乐成",
          latinFamilyName: "Li",
          latinGivenName: "Lecheng",
          hotel: "Hotel Pohang",
          listConsent: "on",
        },
        { role: "official", nameLocale: "zh", familyName: "张", givenName: "伟" },
      ]),
    );
    expect(first.status).toBe(303);
    const db = server.db!;
    const governor = await db.selectFrom("delegate").selectAll().where("given_name", "=", "乐成").executeTakeFirstOrThrow();
    await setCheckedIn(db, { eventId: seeded.eventId, delegateId: governor.id, by: seeded.adminId, arrived: true });

    const html = await (await anonymous.get(link("CN"))).text();
    expect(html).toContain("替换此人"); // "Replace this person", in the invitation's language
    const ids = delegateIds(html);
    expect(ids[0]).toBe(governor.id);
    const second = await anonymous.post(
      link("CN"),
      replyBody(formState(html), [
        {
          id: ids[0],
          role: "head",
          nameLocale: "zh",
          familyName: "王",
          givenName: "新伟",
          latinFamilyName: "Wang",
          latinGivenName: "Xinwei",
          hotel: "Hotel Pohang",
          listConsent: "on",
        },
        { id: ids[1], role: "official", nameLocale: "zh", familyName: "张", givenName: "伟" },
      ]),
    );
    expect(second.status).toBe(303);
    const head = await db
      .selectFrom("delegate")
      .selectAll()
      .where("role", "=", "head")
      .where("invitation_id", "=", seeded.tokens.CN.invitationId)
      .executeTakeFirstOrThrow();
    expect(head).toMatchObject({ given_name: "新伟", checked_in_at: null, hotel: null });
    expect(head.id).not.toBe(governor.id);
    expect(head.check_in_code).not.toBe(governor.check_in_code);

    const staffPage = await (await admin.get(`${eventPath}/replies/${seeded.tokens.CN.invitationId}`)).text();
    expect(staffPage).toMatch(/王新伟 \(WANG Xinwei\) replaced 李乐成 \(LI Lecheng\) on \d/);
    expect(staffPage).toContain("had checked in");
    expect(staffPage).toContain("on the list of participants"); // the new head ticked it, the official did not
    const audit = await db.selectFrom("audit_log").select(["action", "actor_label"]).where("action", "=", "replies.delegate_replaced").execute();
    expect(audit).toEqual([{ action: "replies.delegate_replaced", actor_label: "reply link" }]);
  });

  it("“Replace this person” without JavaScript gives back the form with an empty person in that place, marked as replacing", async () => {
    const html = await (await anonymous.get(link("CN"))).text();
    const ids = delegateIds(html);
    const body = replyBody(formState(html), [
      { id: ids[0], role: "head", nameLocale: "zh", familyName: "王", givenName: "新伟" },
      { id: ids[1], role: "official", nameLocale: "zh", familyName: "张", givenName: "伟" },
    ]);
    body.set(
      "__intent__",
      JSON.stringify({ type: "update", payload: { name: "delegates[1]", value: { role: "official", nameLocale: "zh", replaces: ids[1] } } }),
    );
    const response = await anonymous.post(link("CN"), body, { accept: "text/html" });
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain(`name="delegates[1].replaces" value="${ids[1]}"`);
    expect(page).not.toContain(`name="delegates[1].id"`);
  });

  it("staff publish a version: delegates reach the consenting people from their link, in protocol order, with a PDF; the public page only when public; CSV marks consent", async () => {
    const korea = await (await anonymous.get(link("KR"))).text();
    expect(
      (
        await anonymous.post(
          link("KR"),
          replyBody(formState(korea), [
            { role: "head", nameLocale: "ko", familyName: "이", givenName: "철우", listConsent: "on" },
            { role: "deputy", nameLocale: "ko", familyName: "김", givenName: "민지" },
          ]),
        )
      ).status,
    ).toBe(303);
    expect((await anonymous.get(`${link("KR")}/participants`)).status).toBe(404);
    expect((await admin.post(`${eventPath}/roster`, { intent: "publish", version: "1" })).status).toBe(400);
    expect(locationOf(await admin.post(`${eventPath}/roster`, { intent: "freeze", kind: "provisional", lang: "en" }))).toBe(`${eventPath}/roster?version=1`);
    expect(locationOf(await admin.post(`${eventPath}/roster`, { intent: "publish", version: "1" }))).toBe(`${eventPath}/roster?list=published`);
    expect(await (await admin.get(`${eventPath}/roster?list=published`)).text()).toContain("Version 1 (Provisional");

    const english = { "accept-language": "en" };
    const list = await anonymous.get(`${link("KR")}/participants`, english);
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(html).toContain("참가자 명단"); // the invitation's language (Korean) without a chosen one
    const order = ["王新伟", "이철우"].map((name) => html.indexOf(name));
    expect(order.every((i) => i > 0) && order[0] < order[1]).toBe(true);
    for (const absent of ["张伟", "김민지", "李乐成"]) expect(html).not.toContain(absent);
    expect(await (await anonymous.get(link("KR"))).text()).toContain(`/r/${seeded.tokens.KR.token}/participants`);

    const pdf = await anonymous.get(`${link("KR")}/participants.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const text = (await extractText(new Uint8Array(await pdf.arrayBuffer()))).replace(/\s+/g, "");
    expect(text).toContain("王新伟");
    expect(text).toContain("이철우");
    expect(text).not.toContain("김민지");

    expect((await anonymous.get(`${eventPath}/participants`)).status).toBe(404);
    expect((await anonymous.get(`${eventPath}/participants.pdf`)).status).toBe(404);
    await admin.post(`${eventPath}/roster`, { intent: "publish", version: "1", isPublic: "on" });
    const open = await anonymous.get(`${eventPath}/participants`, { "accept-language": "ru" });
    expect(open.status).toBe(200);
    const russian = await open.text();
    expect(russian).toContain("Список участников");
    expect(russian).toContain("王新伟");
    expect(russian).not.toContain("김민지");

    const csv = parse(
      Buffer.from(await (await admin.get(`${eventPath}/roster.csv?lang=en`)).arrayBuffer())
        .toString("utf8")
        .replace(/^\uFEFF/, ""),
    ) as string[][];
    expect(csv[0].at(-1)).toBe("On published list");
    expect(Object.fromEntries(csv.slice(1).map((row) => [row[1], row.at(-1)]))).toMatchObject({ 王新伟: "yes", 张伟: "no", 이철우: "yes", 김민지: "no" });

    expect(locationOf(await admin.post(`${eventPath}/roster`, { intent: "unpublish" }))).toBe(`${eventPath}/roster?list=withdrawn`);
    expect((await anonymous.get(`${link("KR")}/participants`)).status).toBe(404);
    expect((await anonymous.get(`${eventPath}/participants`)).status).toBe(404);
  });
});
