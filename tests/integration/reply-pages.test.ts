import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { databaseLabel, type PreparedDatabase, prepareServerDatabase, withServerDb } from "../helpers/db";
import { locationOf, TestClient } from "../helpers/http";
import { formState, inviteCountry } from "../helpers/replies";
import { startTestServer, type TestServer } from "../helpers/server";
import { SmtpSink } from "../helpers/smtp-sink";
import { createUser, TEST_PASSWORD } from "../helpers/users";

const TITLE = { en: "16th NEAR General Assembly", ru: "16-я Генеральная ассамблея АРАССВА" };

function replyBody(state: { revision: string; submission: string }, response: string, people: Record<string, string>[], extra: Record<string, string> = {}) {
  const body = new URLSearchParams({ response, ...state, ...extra });
  people.forEach((person, i) => {
    for (const [field, value] of Object.entries(person)) body.append(`delegates[${i}].${field}`, value);
  });
  return body;
}

/** Dates and times as English pages write them ("5 December 2026 at 14:05") that do not name their zone. */
function unzonedTimes(html: string) {
  return [...html.matchAll(/\d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2}(?! \(UTC)/g)].map((m) => m[0]);
}

/**
 * What the reply page and the staff pages around it say: in which language, in which time zone, to whom, and
 * how many members are still to answer. One server, the NEAR demo, an event in Vladivostok (UTC+10) without a
 * contact, and three Russian members invited; the secretariat (demo identity) sits in Pohang (UTC+9).
 */
describe(`reply and staff pages say the right thing (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let sink: SmtpSink;
  let staff: TestClient;
  let eventPath = "";
  const links: string[] = [];
  const path = (i: number) => new URL(links[i]).pathname;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    database = await prepareServerDatabase();
    createUser(database.env, "admin@example.org", "admin");
    server = await startTestServer({ SMTP_URL: sink.url(), MAIL_RETRY_BASE_SECONDS: "0.2" }, database);
    staff = new TestClient(server.url);
    await staff.signIn("admin@example.org", TEST_PASSWORD);
    expect(locationOf(await staff.post("/members?index", { intent: "load-demo" }))).toBe("/members?loaded=82");
    const created = await staff.post("/events/new", {
      kind: "general_assembly",
      timeZone: "Asia/Vladivostok",
      start: "2027-09-14T09:00",
      end: "2027-09-15T18:00",
      rsvpDeadline: "2027-08-01T18:00",
      format: "in_person",
      quota: "5",
      categories: "delegate",
      "title.en": TITLE.en,
      "title.ru": TITLE.ru,
      "venue.en": "Vladivostok",
    });
    eventPath = locationOf(created);
    links.push(...(await inviteCountry(staff, sink, { eventPath, country: "RU", count: 3 })));
  });
  afterAll(async () => {
    await server?.dispose();
    await sink?.stop();
  });

  it("a Russian invitation stays Russian in an English browser, for the page's own data requests too (the form posted after hydration, the reload after it)", async () => {
    const english = { "accept-language": "en-GB,en;q=0.9" };
    expect(await (await fetch(links[0], { headers: english })).text()).toContain(TITLE.ru);
    const data = await fetch(`${server.url}${path(0)}.data`, { headers: english });
    expect(data.status).toBe(200);
    const body = await data.text();
    expect(body).toContain(TITLE.ru);
    expect(body).not.toContain(TITLE.en);
  });

  it("staff reading a member that has not answered are told so about the member, not addressed as the delegate", async () => {
    const id = (await (await staff.get(`${eventPath}/replies`)).text()).match(new RegExp(`href="${eventPath}/replies/([0-9a-f-]{36})"`))![1];
    const html = await (await staff.get(`${eventPath}/replies/${id}`)).text();
    expect(html).toContain("This member has not answered yet.");
    expect(html).not.toContain("You have not replied yet.");
  });

  it("the reply page offers the secretariat's contact when the event has none, and no empty 'contact:' line when neither has one", async () => {
    const contactLine = "По всем вопросам просим обращаться в Секретариат:";
    expect(await (await fetch(links[0])).text()).not.toContain(contactLine);
    await withServerDb(server, database.env, (db) =>
      db.updateTable("secretariat").set({ phone: "+82 54 223 2300", reply_to: "secretariat@near.example.org" }).execute(),
    );
    const html = await (await fetch(links[0])).text();
    expect(html).toContain(contactLine);
    expect(html).toContain("+82 54 223 2300");
    // (this page once carried a zero byte inside «вопросам», at byte 4095: app/lib/html-stream.server.ts)
    expect(html).not.toContain("\0");
    expect(html).toContain('href="mailto:secretariat@near.example.org"');
  });

  it("the Replies page and the reminder panel count the same members as still to answer (undecided included)", async () => {
    const overview = await (await staff.get(`${eventPath}/replies`)).text();
    const replyPath = overview.match(new RegExp(`href="(${eventPath}/replies/[0-9a-f-]{36})"`))![1];
    const state = formState(await (await staff.get(replyPath)).text());
    expect((await staff.post(replyPath, replyBody(state, "undecided", [], { reason: "phone call, 3 March" }))).status).toBe(303);
    const replies = await (await staff.get(`${eventPath}/replies`)).text();
    const event = await (await staff.get(eventPath)).text();
    const listed = Number(replies.match(/id="waiting-heading">(\d+)/)?.[1]);
    const toRemind = Number(event.match(/<fieldset class="remind-whom"><legend>(\d+)/)?.[1]);
    expect(listed).toBe(3);
    expect(toRemind).toBe(listed);
  });

  it("every time on screen names its zone: the venue's on event pages, the secretariat's on logs and accounts", async () => {
    // a delegation registered by link, then checked in at the door
    const client = new TestClient(server.url);
    const state = formState(await (await client.get(path(1))).text());
    const person = { role: "head", nameLocale: "ru", familyName: "Кожемяко", givenName: "Олег", latinFamilyName: "Kozhemyako", latinGivenName: "Oleg" };
    expect((await client.post(path(1), replyBody(state, "attending", [person]))).status).toBe(303);
    const checkIn = await (await staff.get(`${eventPath}/check-in?q=Kozhemyako`)).text();
    const delegateId = checkIn.match(/name="delegateId" value="([0-9a-f-]{36})"/)![1];
    expect((await staff.post(`${eventPath}/check-in`, { intent: "arrive", delegateId })).status).toBe(200);

    // the venue's zone (UTC+10) on the event's pages
    const linkPage = await (await client.get(path(1))).text();
    expect(linkPage).toMatch(/последнее изменение: [^<]+ \(UTC\+10\)/);
    expect(await (await staff.get(`${eventPath}/check-in?q=Kozhemyako`)).text()).toMatch(/Arrived \d{2}:\d{2} \(UTC\+10\)/);
    const roster = await (await staff.get(`${eventPath}/roster/print?lang=en`)).text();
    expect(roster).toMatch(/Working copy, [^<]+ \(UTC\+10\)/);
    const replyId = (await (await staff.get(`${eventPath}/replies`)).text()).match(new RegExp(`href="${eventPath}/replies/([0-9a-f-]{36})"`))![1];
    for (const page of [`${eventPath}/replies`, `${eventPath}/replies/${replyId}`, eventPath]) {
      const html = await (await staff.get(page)).text();
      expect(html, page).toMatch(/ at \d{2}:\d{2} \(UTC\+10\)/);
      expect(unzonedTimes(html), page).toEqual([]);
    }

    // the secretariat's zone (Pohang, UTC+9) on logs and accounts, the same on every one of them
    const mailId = (await (await staff.get("/mail")).text()).match(/href="\/mail\/([0-9a-f-]{36})"/)![1];
    for (const page of ["/mail", `/mail/${mailId}`, "/settings/audit", "/settings/staff", "/settings/system"]) {
      const html = await (await staff.get(page)).text();
      expect(html, page).toMatch(/ at \d{2}:\d{2} \(UTC\+9\)/);
      expect(html, page).not.toMatch(/ at \d{2}:\d{2} \(UTC\+10\)| UTC</);
      expect(unzonedTimes(html), page).toEqual([]);
    }
  });
});
