import http from "node:http";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MemberSchema } from "~/lib/directory-schemas";
import { createMember } from "~/models/member.server";
import { databaseLabel, type PreparedDatabase, prepareServerDatabase } from "../helpers/db";
import { locationOf, TestClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";
import { SmtpSink } from "../helpers/smtp-sink";
import { createUser, TEST_PASSWORD } from "../helpers/users";
import { waitForWave } from "../helpers/waves";

const TITLES = {
  en: "16th NEAR General Assembly",
  ko: "제16차 NEAR 총회",
  zh: "东北亚地区地方政府联合会第16届全体会议",
  ja: "第16回北東アジア地域自治体連合総会",
  ru: "16-я Генеральная ассамблея АРАССВА",
  mn: "ЗХАНЗХ-ны XVI Ерөнхий ассамблей",
};

async function waitFor(check: () => boolean, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe(`invitations through a real SMTP server (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let sink: SmtpSink;
  let staff: TestClient;
  let invitedEventPath = "";

  async function createOpenEvent(title: Record<string, string>) {
    const fields: Record<string, string> = {
      kind: "general_assembly",
      timeZone: "Asia/Irkutsk",
      start: "2027-06-16T09:00",
      end: "2027-06-17T18:00",
      rsvpDeadline: "2027-05-14T18:00",
      format: "in_person",
      quota: "5",
      categories: "delegate",
      "venue.en": "Ulan-Ude",
      "venue.ru": "Улан-Удэ",
    };
    for (const [lng, text] of Object.entries(title)) fields[`title.${lng}`] = text;
    const created = await staff.post("/events/new", fields);
    const path = locationOf(created);
    expect((await staff.post(path, { to: "open", version: "1" })).status).toBe(302);
    return path;
  }

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    database = await prepareServerDatabase();
    createUser(database.env, "admin@example.org", "admin");
    server = await startTestServer({ SMTP_URL: sink.url(), MAIL_RETRY_BASE_SECONDS: "0.2" }, database);
    staff = new TestClient(server.url);
    await staff.signIn("admin@example.org", TEST_PASSWORD);
    expect(locationOf(await staff.post("/members?index", { intent: "load-demo" }))).toBe("/members?loaded=82");
  });
  afterAll(async () => {
    await server.dispose();
    await sink.stop();
  });

  it("sends ten members their invitation in their own language, with a working link and an .ics", async () => {
    const eventPath = await createOpenEvent(TITLES);
    invitedEventPath = eventPath;
    // An English-language associate, reached through its office address
    const hcmc = await staff.post("/members/new", {
      "names.en": "Ho Chi Minh City",
      country: "VN",
      kind: "other",
      status: "associate",
      defaultLocale: "en",
      timeZone: "Asia/Ho_Chi_Minh",
      officeEmail: "office@hcmc.example.org",
    });
    expect(hcmc.status).toBe(302);
    const picked: string[] = [hcmc.headers.get("location")!.split("/").at(-1)!];
    for (const [country, n] of [
      ["CN", 2],
      ["JP", 2],
      ["KR", 2],
      ["MN", 2],
      ["RU", 1],
    ] as const) {
      const page = await (await staff.get(`${eventPath}/invitations?mode=country&country=${country}`)).text();
      picked.push(...[...page.matchAll(/name="memberIds"[^>]*value="([0-9a-f-]{36})"/g)].map((m) => m[1]).slice(0, n));
    }
    expect(picked).toHaveLength(10);
    const form = new URLSearchParams({ intent: "send", mode: "picked" });
    for (const id of picked) form.append("memberIds", id);
    const response = await fetch(`${server.url}${eventPath}/invitations`, {
      method: "POST",
      headers: { origin: server.url, cookie: `plenary_session=${staff.cookies.get("plenary_session")}`, "content-type": "application/x-www-form-urlencoded" },
      body: form,
      redirect: "manual",
    });
    expect(response.status).toBe(302);
    // the request records a send wave and returns; the page follows its progress until it is prepared
    expect(await waitForWave(staff, locationOf(response))).toMatchObject({ status: "done", total: 10, done: 10, queued: 10, alreadyInvited: 0, noEmail: 0 });
    await waitFor(() => sink.messages.length >= 10);
    expect(sink.messages).toHaveLength(10);
    // the page's delivery bar polls a small document, not the page: all ten handed over, none pending
    const eventId = eventPath.split("/").at(-1);
    const delivery = async () => (await staff.get(`/events/${eventId}/delivery`)).json();
    for (let i = 0; i < 100 && (await delivery()).delivered < 10; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await delivery()).toEqual({ delivered: 10, pending: 0, failed: 0, local: 0, total: 10 });

    const languages = new Set<string>();
    for (const mail of sink.messages) {
      const lang = String(mail.html).match(/<html[^>]*lang="([^"]+)"/)?.[1] ?? "";
      languages.add(lang);
      const lng = (lang === "zh-Hans" ? "zh" : lang) as keyof typeof TITLES;
      expect(mail.subject, lang).toContain(TITLES[lng]);
      expect(mail.text, lang).toContain(TITLES[lng]);
      const link = mail.text?.match(/https?:\/\/\S+\/r\/[A-Za-z0-9_-]{43}/)?.[0];
      expect(link, lang).toBeDefined();
      const landing = await fetch(link!);
      expect(landing.status).toBe(200);
      expect(landing.headers.get("cache-control")).toBe("no-store");
      expect(landing.headers.get("x-robots-tag")).toBe("noindex");
      const ics = mail.attachments.find((a) => a.contentType === "text/calendar");
      expect(ics?.content.toString("utf8")).toMatch(/DTSTART:20270616T010000Z/);
      expect(mail.messageId).toMatch(/^<[0-9a-f]{32}@/);
    }
    expect([...languages].sort()).toEqual(["en", "ja", "ko", "mn", "ru", "zh-Hans"]);
    const english = sink.messages.find((m) => String(m.html).includes('lang="en"'))!;
    expect(english.to && !Array.isArray(english.to) && english.to.value[0].address).toBe("office@hcmc.example.org");
    const korean = sink.messages.find((m) => String(m.html).includes('lang="ko"'))!;
    expect(korean.text).toMatch(/존경하는 .+님께/);
    expect(korean.cc && !Array.isArray(korean.cc) && korean.cc.value[0].address).toMatch(/^intl\..+@example\.org$/);
  });

  it("reminds those who have not answered: a double click sends one reminder each, a new batch another", async () => {
    const eventPath = invitedEventPath;
    const before = sink.messages.length;
    const batch = crypto.randomUUID();
    const clicks = await Promise.all([0, 1].map(() => staff.post(eventPath!, { intent: "remind", batch })));
    expect(clicks.map((r) => r.status)).toEqual([302, 302]);
    await waitFor(() => sink.messages.length - before >= 10);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(sink.messages.length - before).toBe(10);
    const korean = sink.messages.slice(before).find((m) => String(m.html).includes('lang="ko"'))!;
    expect(korean.subject).toContain("제16차 NEAR 총회");
    await staff.post(eventPath!, { intent: "remind", batch: crypto.randomUUID() });
    await waitFor(() => sink.messages.length - before >= 20);
  });

  it("reminds every member as a wave: the click returns at once, the page follows its progress and says how many were queued", async () => {
    const eventPath = await createOpenEvent({ en: "Working group on tourism" });
    const before = sink.messages.length;
    const sent = await staff.post(`${eventPath}/invitations`, { intent: "send", mode: "all" });
    const invited = await waitForWave(staff, locationOf(sent));
    // the 82 members of NEAR and the associate added above
    expect(invited).toMatchObject({ kind: "invitation", status: "done", total: 83 });
    const click = await staff.post(eventPath, { intent: "remind", batch: crypto.randomUUID() });
    // more members than one request reminds: a reminder wave, followed on the event page
    expect(locationOf(click)).toMatch(/\?wave=[0-9a-f-]{36}#invitations$/);
    const reminded = await waitForWave(staff, locationOf(click));
    expect(reminded).toMatchObject({ kind: "reminder", status: "done", total: invited.queued + invited.alreadyInvited + invited.noEmail });
    expect(reminded.queued).toBe(invited.queued);
    // every invitation and every reminder reaches the server (and nothing more), before the next story counts its own
    await waitFor(() => sink.messages.length - before >= invited.queued + reminded.queued);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sink.messages.length - before).toBe(invited.queued + reminded.queued);
    const page = await (await staff.get(locationOf(click))).text();
    expect(page).toContain(`${reminded.queued} reminders queued.`);
  });

  it("reminds only the members left ticked, and refuses a reminder to nobody in the user's language", async () => {
    const page = await (await staff.get(invitedEventPath)).text();
    const unanswered = [...page.matchAll(/name="remindId"[^>]*value="([0-9a-f-]{36})"/g)].map((m) => m[1]);
    expect(unanswered).toHaveLength(10);
    const before = sink.messages.length;
    const form = new URLSearchParams({ intent: "remind", batch: crypto.randomUUID(), picked: "1" });
    form.append("remindId", unanswered[0]);
    form.append("remindId", unanswered[1]);
    expect(locationOf(await staff.post(invitedEventPath, form))).toContain("bulk=remind&bulkCount=2");
    await waitFor(() => sink.messages.length - before >= 2);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(sink.messages.length - before).toBe(2);
    const nobody = await staff.post(invitedEventPath, { intent: "remind", batch: crypto.randomUUID(), picked: "1" });
    expect(nobody.status).toBe(400);
    expect(await nobody.text()).toContain("Tick at least one member to remind.");
  });

  it("builds links from APP_URL even when the request names another host", async () => {
    const before = sink.messages.length;
    const body = new URLSearchParams({ intent: "remind", batch: crypto.randomUUID() }).toString();
    const url = new URL(`${server.url}${invitedEventPath}`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: {
            host: "evil.example",
            origin: "http://evil.example",
            cookie: `plenary_session=${staff.cookies.get("plenary_session")}`,
            "content-type": "application/x-www-form-urlencoded",
            "content-length": Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    expect(status).toBe(302);
    await waitFor(() => sink.messages.length - before >= 10);
    for (const mail of sink.messages.slice(before)) {
      expect(mail.text).not.toContain("evil.example");
      expect(mail.text).toContain(`${server.url}/r/`);
    }
  });

  it("re-issuing one member's link stops exactly that link", async () => {
    const page = await (await staff.get(invitedEventPath)).text();
    const invitationId = page.match(/name="invitationId" value="([0-9a-f-]{36})"/)?.[1];
    expect(invitationId).toBeDefined();
    const links = [...new Set(sink.messages.slice(0, 10).map((m) => m.text?.match(/https?:\/\/\S+\/r\/[A-Za-z0-9_-]{43}/)?.[0]))];
    expect(links).toHaveLength(10);
    const reissued = await staff.post(invitedEventPath, { intent: "reissue", invitationId: invitationId! });
    expect(locationOf(reissued)).toContain("link=reissue");
    const statuses = await Promise.all(links.map(async (link) => (await fetch(link!)).status));
    expect(statuses.filter((s) => s === 404)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(9);
    // the revoked link gets the very page an unknown link gets: nothing tells that it once worked
    const revoked = links[statuses.indexOf(404)]!;
    const revokedToken = revoked.split("/r/")[1];
    const strip = (html: string, token: string) => html.replace(/nonce="[^"]+"/g, "").replaceAll(token, "TOKEN");
    const unknown = await fetch(`${server.url}/r/${"B".repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(strip(await (await fetch(revoked)).text(), revokedToken)).toBe(strip(await unknown.text(), "B".repeat(43)));
  });

  it("refuses a letter with an unknown placeholder, in the user's language", async () => {
    const eventPath = invitedEventPath;
    const bad = await staff.post(
      `${eventPath}/letters`,
      { kind: "invitation", locale: "ko", version: "0", subject: "{{event.title}} 초청", body: "{{salutation}}\n\n{{member.phone}} {{rsvp.link}}" },
      { "accept-language": "ko" },
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("{{member.phone}}");
    const good = await staff.post(`${eventPath}/letters`, {
      kind: "invitation",
      locale: "ko",
      version: "0",
      subject: "{{event.title}} 초청",
      body: "{{salutation}}\n\n{{rsvp.link}}\n\n{{signature}}",
    });
    expect(good.status).toBe(302);
    const stale = await staff.post(`${eventPath}/letters`, { kind: "invitation", locale: "ko", version: "0", subject: "x", body: "{{salutation}}" });
    expect(stale.status).toBe(409);
  });

  it("the confirmation says which letters lack their language: an event title with no Mongolian text", async () => {
    const eventPath = await createOpenEvent({ en: "Energy Subcommittee 2027", ru: "Подкомитет по энергетике 2027" });
    const page = await (await staff.get(`${eventPath}/invitations?mode=country&country=MN`)).text();
    expect(page).toContain("The event title has no Монгол text: these letters show it in English.");
    // Russian letters have their title: no warning for them
    const russian = await (await staff.get(`${eventPath}/invitations?mode=country&country=RU`)).text();
    expect(russian).not.toContain("The event title has no");
    // the NEAR directory names every member in all six languages: no member is without a name in its letter's language
    expect(page).not.toMatch(/no name in the language of (its|their) letter/);
    // a member written in English only, whose letters are in Mongolian, is named in the warning (a country of
    // its own, so the other tests' audiences stay as they are)
    await createMember(
      server.db!,
      MemberSchema.parse({
        country: "KZ",
        kind: "province",
        names: { en: "Test Aimag" },
        defaultLocale: "mn",
        timeZone: "Asia/Almaty",
        officeEmail: "aimag@example.org",
      }),
    );
    const withNewcomer = await (await staff.get(`${eventPath}/invitations?mode=country&country=KZ`)).text();
    expect(withNewcomer).toContain("1 member has no name in the language of its letter (Test Aimag): the letter uses another language");
  });

  it("ten concurrent 'send' posts for the same event create each message once", async () => {
    const eventPath = await createOpenEvent({ en: "Tourism Subcommittee Meeting 2027" });
    const before = sink.messages.length;
    const posts = Array.from({ length: 10 }, () =>
      fetch(`${server.url}${eventPath}/invitations`, {
        method: "POST",
        headers: { origin: server.url, cookie: `plenary_session=${staff.cookies.get("plenary_session")}`, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ intent: "send", mode: "country", country: "MN" }),
        redirect: "manual",
      }),
    );
    const responses = await Promise.all(posts);
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(302));
    // ten waves, prepared one after another under the event's lock: each message is queued by exactly one of them
    const waves = await Promise.all(responses.map((r) => waitForWave(staff, locationOf(r))));
    expect(waves.reduce((sum, w) => sum + w.queued, 0)).toBe(22);
    expect(waves.reduce((sum, w) => sum + w.alreadyInvited, 0)).toBe(22 * 9);
    await waitFor(() => sink.messages.length - before >= 22);
    const ids = sink.messages.slice(before).map((m) => m.messageId);
    expect(ids).toHaveLength(22);
    expect(new Set(ids).size).toBe(22);
  });

  it("an unknown or a malformed link gets the same page with 404 (a revoked one: above)", async () => {
    const unknown = await fetch(`${server.url}/r/${"A".repeat(43)}`);
    const malformed = await fetch(`${server.url}/r/not-a-token`);
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(404);
    // the pages differ only in the nonce and in the address they were asked for
    const strip = (html: string) =>
      html
        .replace(/nonce="[^"]+"/g, "")
        .replaceAll("A".repeat(43), "TOKEN")
        .replaceAll("not-a-token", "TOKEN");
    expect(strip(await unknown.text())).toBe(strip(await malformed.text()));
  });
});
