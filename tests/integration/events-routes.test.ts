import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MemberSchema } from "~/lib/directory-schemas";
import { ensureInvitation } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { newAccount } from "../fixtures/staff";
import { databaseLabel } from "../helpers/db";
import { locationOf, type TestClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

const VLADIVOSTOK_EVENT = {
  kind: "general_assembly",
  "title.en": "17th NEAR General Assembly",
  "title.ko": "제17차 NEAR 총회",
  "title.ru": "17-я Генеральная ассамблея АРАССВА",
  "venue.en": "Vladivostok",
  "venue.ko": "블라디보스토크",
  "venue.ru": "Владивосток",
  timeZone: "Asia/Vladivostok",
  start: "2027-09-01T08:30",
  end: "2027-09-02T17:00",
  rsvpDeadline: "2027-08-01T18:00",
  format: "in_person",
  quota: "5",
  categories: "delegate",
};

describe(`event pages over HTTP (${databaseLabel})`, () => {
  let server: TestServer;
  let staff: TestClient;
  let eventPath: string;

  beforeAll(async () => {
    server = await startTestServer();
    staff = (await newAccount(server, "staff", { email: "staff@example.org" })).client;
  });
  afterAll(() => server.dispose());

  it("an unknown event is a 'page not found' inside the staff pages, with the menus still there, in the user's language", async () => {
    const response = await staff.get("/events/00000000-0000-4000-8000-000000000000/roster", { "accept-language": "ru" });
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain("Страница не найдена");
    // the staff shell (its menu) is kept: the page's own boundary caught the error, not the whole layout's
    expect(html).toMatch(/<nav[^>]*>[\s\S]*href="\/members"/);
  });

  it("refuses an end before the start and a deadline after it, next to the fields, in the user's language", async () => {
    const response = await staff.post(
      "/events/new",
      { ...VLADIVOSTOK_EVENT, end: "2027-09-01T08:00", rsvpDeadline: "2027-09-05T10:00", quota: "0" },
      { "accept-language": "ru" },
    );
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("Окончание должно быть позже начала");
    // the message is tied to the end field (aria-describedby → the list that holds it), and nothing was created
    const describedBy =
      html.match(/<input[^>]*name="end"[^>]*aria-describedby="([^"]+)"/)?.[1] ?? html.match(/<input[^>]*aria-describedby="([^"]+)"[^>]*name="end"/)?.[1];
    expect(describedBy).toBeTruthy();
    const errorList = html.match(new RegExp(`<ul id="${describedBy!.split(" ").at(-1)}"[^>]*>([\\s\\S]*?)</ul>`))?.[1];
    expect(errorList).toContain("Окончание должно быть позже начала");
    expect(await (await staff.get("/events")).text()).not.toContain("17th NEAR General Assembly");
  });

  it("creates the event and shows its dates in the venue's zone, in Korean and in Russian", async () => {
    const created = await staff.post("/events/new", VLADIVOSTOK_EVENT);
    expect(created.status).toBe(302);
    eventPath = locationOf(created);
    expect(eventPath).toMatch(/^\/events\/[0-9a-f-]{36}$/);

    await staff.post("/set-language", { lng: "ko", redirectTo: "/" });
    const ko = await (await staff.get(eventPath)).text();
    expect(ko).toContain("2027년 9월 1일~2일, 블라디보스토크 (UTC+10)");
    expect(ko).toContain("제17차 NEAR 총회");

    await staff.post("/set-language", { lng: "ru", redirectTo: "/" });
    const ru = await (await staff.get(eventPath)).text();
    expect(ru).toContain("1–2 сентября 2027\u202fг., Владивосток (UTC+10)");
    expect(ru).toContain("1 августа 2027 г. в 18:00 (UTC+10)");
    await staff.post("/set-language", { lng: "en", redirectTo: "/" });
  });

  it("adds a programme item and serves .ics files with UTC times", async () => {
    const added = await staff.post(`${eventPath}/programme/new`, {
      kind: "welcome_dinner",
      start: "2027-09-01T19:00",
      end: "2027-09-01T21:00",
      "title.en": "Welcome dinner",
      "title.ru": "Приветственный ужин",
      attendanceAsked: "on",
      capacity: "150",
    });
    expect(locationOf(added)).toBe(eventPath);

    const ics = await staff.get(`${eventPath}/calendar.ics`);
    expect(ics.headers.get("content-type")).toContain("text/calendar");
    expect(ics.headers.get("content-disposition")).toContain("attachment;");
    const text = await ics.text();
    expect(text).toContain("BEGIN:VEVENT");
    expect(text).toMatch(/DTSTART:20270831T223000Z/);
    expect(text).toMatch(/DTEND:20270902T070000Z/);
    expect(text).toContain("SUMMARY:17th NEAR General Assembly");

    const page = await (await staff.get(eventPath)).text();
    const itemPath = page.match(/href="(\/events\/[0-9a-f-]{36}\/programme\/[0-9a-f-]{36})\/calendar\.ics"/)?.[1];
    expect(itemPath).toBeDefined();
    const itemIcs = await (await staff.get(`${itemPath}/calendar.ics`)).text();
    expect(itemIcs).toMatch(/DTSTART:20270901T090000Z/);
    expect(itemIcs).toContain("Welcome dinner");
  });

  it("opens the event, refuses an invalid transition with a message, and requires a reason to cancel", async () => {
    const open = await staff.post(eventPath, { to: "open", version: "1" });
    expect(open.status).toBe(302);
    const invalid = await staff.post(eventPath, { to: "archived", version: "2" });
    expect(invalid.status).toBe(409);
    expect(await invalid.text()).toContain("An event cannot go from “Open” to “Archived”.");
    const stale = await staff.post(eventPath, { to: "closed", version: "1" });
    expect(locationOf(stale)).toBe(`${eventPath}?conflict=1`);
    const noReason = await staff.post(eventPath, { to: "cancelled", version: "2" });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain("Please give a reason for the cancellation.");
    // the refusal's values are translated too, in the reader's language, inside the page's alert
    await staff.post("/set-language", { lng: "ru", redirectTo: "/" });
    const russian = await (await staff.post(eventPath, { to: "archived", version: "2" })).text();
    expect(russian).toMatch(/role="alert"><p>Мероприятие нельзя перевести из статуса «Открыто» в статус «В архиве»\.<\/p>/);
    await staff.post("/set-language", { lng: "en", redirectTo: "/" });
  });

  it("the roster page says why a post was refused (it used to answer 400 with nothing on the page)", async () => {
    const refused = await staff.post(`${eventPath}/roster`, { intent: "freeze", kind: "neither", lang: "en" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/role="alert"><p>Please choose provisional or final\.<\/p>/);
    const unknown = await staff.post(`${eventPath}/roster`, { intent: "shred" });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain("Unknown action.");
  });

  it("duplicates the event as a draft a year later and lists both as upcoming", async () => {
    const duplicated = await staff.post(eventPath, { intent: "duplicate", start: "2028-08-30T08:30" });
    expect(locationOf(duplicated)).toMatch(/^\/events\/[0-9a-f-]{36}\/edit$/);
    const list = await (await staff.get("/events")).text();
    expect(list.match(/class="event-title"[^>]*>17th NEAR General Assembly</g)?.length).toBe(2);
    expect(list).toContain("30\u2009–\u200931 August 2028");
  });

  it("a 230-invitation event lists 100 at a time, filters by answer in the URL, counts the whole list, and reminds all who have not answered", async () => {
    const created = await staff.post("/events/new", { ...VLADIVOSTOK_EVENT, "title.en": "Large Forum" });
    const path = locationOf(created);
    expect((await staff.post(path, { to: "open", version: "1" })).status).toBe(302);
    const eventId = path.split("/").at(-1)!;
    // 230 invited members, 30 of them attending, straight into the server's database
    const db = server.db!;
    for (let i = 0; i < 230; i++) {
      const { id: memberId } = await createMember(
        db,
        MemberSchema.parse({
          country: "KR",
          kind: "province",
          names: { en: `Province ${String(i).padStart(3, "0")}` },
          defaultLocale: "en",
          timeZone: "Asia/Seoul",
        }),
      );
      const { id } = await ensureInvitation(db, { eventId, memberId, letterLocale: "en", createdBy: null });
      if (i < 30) await db.updateTable("invitation").set({ response: "attending" }).where("id", "=", id).execute();
    }
    const rows = (html: string) => html.match(/<table class="data-table">[\s\S]*?<\/table>/)![0].match(/<tr>/g)!.length - 1; // minus the header row

    const first = await (await staff.get(path)).text();
    expect(rows(first)).toBe(100);
    // a page of 100 stays light however long the list (all 230 rows on one page were about 400 KB)
    expect(Buffer.byteLength(first)).toBeLessThan(300_000);
    expect(first).toContain("1–100 of 230");
    expect(first).toContain(`rel="next" class="button" data-discover="true" href="${path}?page=2#invitations"`);
    expect(first).toContain("Page 1 of 3");
    // the reminder panel counts all 200 who have not answered, and reminds them all without listing 200 boxes
    expect(first).toContain("Remind all 200 members that have not answered or are undecided");
    expect(first).not.toContain('name="remindId"');
    expect(first).toMatch(/name="picked" value="0"/);

    const last = await (await staff.get(`${path}?page=3`)).text();
    expect(rows(last)).toBe(30);
    expect(last).toContain("201–230 of 230");
    expect(last).not.toContain('rel="next"');
    // a page past the end shows the last one
    expect(rows(await (await staff.get(`${path}?page=99`)).text())).toBe(30);

    const attending = await (await staff.get(`${path}?answer=attending`)).text();
    expect(rows(attending)).toBe(30);
    expect(attending).toContain("1–30 of 30");
    expect(attending).not.toContain('class="pagination"');
    // a value that is not a filter is the whole list, not an error
    expect(rows(await (await staff.get(`${path}?answer=%27;drop`)).text())).toBe(100);

    // sorted on the server by a column header's link (issue 17): the 30 attending come first when sorted by answer,
    // the header says which order the list is in, and the next page and the filter keep the order
    const memberCells = (html: string) => [...html.matchAll(/<td><a [^>]*href="\/events\/[^"]+\/replies\/[^"]+"[^>]*>([^<]+)<\/a><\/td>/g)].map((m) => m[1]);
    const byAnswer = await (await staff.get(`${path}?sort=answer&dir=asc`)).text();
    expect(memberCells(byAnswer).slice(0, 30)).toEqual(Array.from({ length: 30 }, (_, i) => `Province ${String(i).padStart(3, "0")}`));
    expect(byAnswer).toMatch(/<th scope="col" aria-sort="ascending"><a class="sort-link"[^>]*href="[^"?]*\?sort=answer&amp;dir=desc">Answer/);
    expect(byAnswer).toContain(`href="${path}?sort=answer&amp;dir=asc&amp;page=2#invitations"`);
    expect(byAnswer).toMatch(/<input type="hidden" name="sort" value="answer"\/>/);
    const reversed = await (await staff.get(`${path}?sort=member&dir=desc`)).text();
    expect(memberCells(reversed)[0]).toBe("Province 229");
    // anything else in the URL is the default order, not an error
    expect(memberCells(await (await staff.get(`${path}?sort=%27;drop&dir=sideways`)).text())[0]).toBe("Province 000");
  });
});
