import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { loadDemo } from "../fixtures/directory";
import { newAccount } from "../fixtures/staff";
import { databaseLabel, type PreparedDatabase, prepareServerDatabase, withServerDb } from "../helpers/db";
import { locationOf, type TestClient } from "../helpers/http";
import { png } from "../helpers/png";
import { startTestServer, type TestServer } from "../helpers/server";
import { SmtpSink } from "../helpers/smtp-sink";

const NAME = {
  en: "The Association of North East Asia Regional Governments (NEAR)",
  ko: "동북아시아지방정부연합",
  ru: "Ассоциация региональных администраций стран Северо-Восточной Азии (АРАССВА)",
};
const SIGNATURE = {
  en: "LIM Byung-jin\nSecretary-General",
  ko: "임병진\n사무총장",
  ru: "Лим Бён Джин\nГенеральный секретарь",
};
const ADDRESS = { en: "Pohang, Gyeongsangbuk-do, Republic of Korea", ru: "Пхохан, провинция Кёнсан-Пукто, Республика Корея" };

async function waitFor(check: () => boolean, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const CLEAN_SVG = `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><rect width="120" height="40" fill="#17406d"/><text x="8" y="28" fill="#fff">NEAR</text></svg>\n`;

describe(`Settings → Identity and System over HTTP (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let sink: SmtpSink;
  let admin: TestClient;
  let staff: TestClient;
  let viewer: TestClient;

  const versionOf = async () => {
    const html = await (await admin.get("/settings/identity")).text();
    const version = html.match(/name="version" value="(\d+)"/)?.[1];
    if (!version) throw new Error("no version on the identity page");
    return version;
  };

  const identityForm = (version: string, overrides: Record<string, string> = {}) => ({
    version,
    "name.en": NAME.en,
    "name.ko": NAME.ko,
    "name.ru": NAME.ru,
    shortName: "NEAR",
    "address.en": ADDRESS.en,
    "address.ru": ADDRESS.ru,
    phone: "+82 54 000 0000",
    website: "https://www.neargov.org",
    senderName: "NEAR Secretariat",
    replyTo: "secretariat@near.example.org",
    "signature.en": SIGNATURE.en,
    "signature.ko": SIGNATURE.ko,
    "signature.ru": SIGNATURE.ru,
    timeZone: "Asia/Seoul",
    defaultLocale: "en",
    ...overrides,
  });

  /** A multipart upload as a browser sends it from the logo form. */
  const uploadLogo = async (client: TestClient, file: { name: string; type: string; content: Buffer | string }, version: string) => {
    const form = new FormData();
    form.set("version", version);
    form.set("logo", new Blob([typeof file.content === "string" ? file.content : new Uint8Array(file.content)], { type: file.type }), file.name);
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    return fetch(`${server.url}/settings/identity`, {
      method: "POST",
      headers: { origin: server.url, cookie, "accept-language": "en" },
      body: form,
      redirect: "manual",
    });
  };

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    database = await prepareServerDatabase();
    server = await startTestServer({ SMTP_URL: sink.url(), MAIL_FROM: "Plenary <noreply@near.example.org>", MAIL_RETRY_BASE_SECONDS: "0.2" }, database);
    admin = (await newAccount(server, "admin", { email: "admin@example.org" })).client;
    staff = (await newAccount(server, "staff", { email: "staff@example.org" })).client;
    viewer = (await newAccount(server, "viewer", { email: "viewer@example.org" })).client;
  });
  afterAll(async () => {
    await server.dispose();
    await sink.stop();
  });

  it("shows every section to an admin and only My account to staff", async () => {
    const page = await (await admin.get("/settings", { "accept-language": "en" })).text();
    expect(page).toContain('aria-label="Settings sections"');
    for (const href of ["/settings/identity", "/settings/staff", "/settings/audit", "/settings/system"]) expect(page).toContain(`href="${href}"`);
    expect(page).toMatch(/<a[^>]*aria-current="page"[^>]*href="\/settings"|<a[^>]*href="\/settings"[^>]*aria-current="page"/);
    const staffPage = await (await staff.get("/settings", { "accept-language": "en" })).text();
    expect(staffPage).toContain("My account");
    expect(staffPage).not.toContain('href="/settings/identity"');
    expect(staffPage).not.toContain('href="/settings/system"');
  });

  it("refuses Identity and System to staff and viewers (403), also their forms", async () => {
    for (const client of [staff, viewer]) {
      expect((await client.get("/settings/identity")).status).toBe(403);
      expect((await client.post("/settings/identity", identityForm("1", { "name.en": "Hijacked" }))).status).toBe(403);
      expect((await client.get("/settings/system")).status).toBe(403);
      expect((await client.post("/settings/system", { intent: "test-email", submission: crypto.randomUUID() })).status).toBe(403);
    }
    expect((await admin.get("/settings/identity")).status).toBe(200);
  });

  it("checks the form on the server: a javascript: website and an unknown time zone are refused", async () => {
    const response = await admin.post("/settings/identity", identityForm(await versionOf(), { website: "javascript:alert(1)", timeZone: "Mars/Olympus" }), {
      "accept-language": "en",
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("Enter a web address starting with https:// or http://.");
    expect(html).toContain("Enter a time zone name such as Asia/Seoul.");
    expect(await versionOf()).toBe("1");
  });

  it("saves the identity in Korean and Russian; the page header shows it in the reader's language", async () => {
    const saved = await admin.post("/settings/identity", identityForm(await versionOf()));
    expect(saved.status).toBe(302);
    expect(locationOf(saved)).toBe("/settings/identity?saved=identity");
    const korean = await (await admin.get("/settings/identity", { "accept-language": "ko" })).text();
    expect(korean).toContain(`value="${NAME.ko}"`);
    expect(korean).toContain("임병진");
    expect(korean).toContain(`title="${NAME.ko}"`); // the header's brand, named in Korean
    const russian = await (await admin.get("/events", { "accept-language": "ru" })).text();
    expect(russian).toContain(`title="${NAME.ru}"`);
    expect(russian).toMatch(/class="brand"[^>]*>NEAR</);
  });

  it("refuses a save from a page that is out of date (409) and overwrites nothing", async () => {
    const response = await admin.post("/settings/identity", identityForm("1", { "name.en": "Overwritten", "name.ko": "덮어쓰기" }), {
      "accept-language": "en",
    });
    expect(response.status).toBe(409);
    const html = await response.text();
    expect(html).toContain("Someone else changed the identity while you were editing it");
    expect(html).toContain(`value="${NAME.en}"`); // the form shows what is saved
    const page = await (await admin.get("/settings/identity")).text();
    expect(page).not.toContain("Overwritten");
    expect(page).not.toContain("덮어쓰기");
  });

  it("refuses an oversized logo and an SVG with a script with a clear message, saving nothing", async () => {
    const version = await versionOf();
    const big = await uploadLogo(admin, { name: "big.png", type: "image/png", content: png(10, 10, { padding: 600 * 1024 }) }, version);
    expect(big.status).toBe(413);
    expect(await big.text()).toContain("The file is larger than 512 KB");
    const script = await uploadLogo(
      admin,
      { name: "logo.svg", type: "image/svg+xml", content: `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>` },
      version,
    );
    expect(script.status).toBe(400);
    expect(await script.text()).toContain("This SVG contains a script");
    const handler = await uploadLogo(
      admin,
      { name: "logo.svg", type: "image/svg+xml", content: `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>` },
      version,
    );
    expect(handler.status).toBe(400);
    expect((await fetch(`${server.url}/logo`)).status).toBe(404);
    expect(await versionOf()).toBe(version);
  });

  it("stores a PNG logo and serves it publicly at /logo with nosniff and a long cache for its version", async () => {
    const file = png(160, 48);
    const uploaded = await uploadLogo(admin, { name: "near.png", type: "image/png", content: file }, await versionOf());
    expect(uploaded.status).toBe(302);
    expect(locationOf(uploaded)).toBe("/settings/identity?saved=logo");
    const header = await (await admin.get("/")).text();
    const src = header.match(/<img[^>]*src="(\/logo\?v=[0-9a-z]+)"[^>]*class="brand-logo"|<img[^>]*class="brand-logo"[^>]*src="(\/logo\?v=[0-9a-z]+)"/);
    const logoPath = src?.[1] ?? src?.[2];
    expect(logoPath).toBeDefined();
    const logo = await fetch(`${server.url}${logoPath}`); // no cookie: mail clients load it too
    expect(logo.status).toBe(200);
    expect(logo.headers.get("content-type")).toBe("image/png");
    expect(logo.headers.get("x-content-type-options")).toBe("nosniff");
    expect(logo.headers.get("cache-control")).toContain("max-age=31536000");
    expect(Buffer.from(await logo.arrayBuffer()).equals(file)).toBe(true);
    expect((await fetch(`${server.url}/logo`)).headers.get("cache-control")).toBe("no-cache");
  });

  it("serves an SVG logo inline under a policy that lets nothing run, and removes it on request", async () => {
    expect((await uploadLogo(admin, { name: "near.svg", type: "image/svg+xml", content: CLEAN_SVG }, await versionOf())).status).toBe(302);
    const logo = await fetch(`${server.url}/logo`);
    expect(logo.headers.get("content-type")).toBe("image/svg+xml");
    expect(logo.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(logo.headers.get("content-disposition")).toMatch(/^inline/);
    expect(logo.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await logo.text()).toBe(CLEAN_SVG);

    const removed = await admin.post("/settings/identity", { intent: "remove-logo", version: await versionOf() });
    expect(locationOf(removed)).toBe("/settings/identity?saved=logoRemoved");
    expect((await fetch(`${server.url}/logo`)).status).toBe(404);
    expect((await uploadLogo(admin, { name: "near.png", type: "image/png", content: png(160, 48) }, await versionOf())).status).toBe(302);
  });

  it("puts the organisation and the signature in the letters, in the letter's language, with the letterhead", async () => {
    // The demo fills the identity only while it is empty: the one saved above stays
    await loadDemo(admin);
    const created = await admin.post("/events/new", {
      kind: "general_assembly",
      timeZone: "Asia/Irkutsk",
      start: "2027-06-16T09:00",
      end: "2027-06-17T18:00",
      format: "in_person",
      quota: "5",
      categories: "delegate",
      "title.en": "16th NEAR General Assembly",
      "title.ru": "16-я Генеральная ассамблея АРАССВА",
      "venue.en": "Ulan-Ude",
    });
    const eventPath = locationOf(created);
    expect(eventPath).toMatch(/^\/events\/[0-9a-f-]{36}$/);
    const letters = await (await admin.get(`${eventPath}/letters?kind=invitation&locale=ru`, { "accept-language": "en" })).text();
    expect(letters).toContain("{{organisation}}");
    const memberId = letters.match(/<option value="([0-9a-f-]{36})"[^>]*>Primorsky Krai<\/option>/)?.[1];
    expect(memberId).toBeDefined();
    const preview = await admin.post(`${eventPath}/letters/preview`, {
      kind: "invitation",
      locale: "ru",
      subject: "Приглашение: {{event.title}}",
      body: "{{salutation}}\n\n{{organisation}} имеет честь пригласить Вас.\n\nС уважением,\n\n{{signature}}",
      memberId: memberId!,
    });
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toContain(`${NAME.ru} имеет честь пригласить Вас.`);
    expect(html).toContain(SIGNATURE.ru);
    expect(html).toContain(ADDRESS.ru);
    expect(html).toMatch(new RegExp(`<img[^>]*src="${server.url}/logo\\?v=[0-9a-z]+"`));
    expect(preview.headers.get("content-security-policy")).toContain(`img-src data: ${server.url}`);
    // A letter that uses {{organisation}} can be saved
    const save = await admin.post(`${eventPath}/letters`, {
      kind: "invitation",
      locale: "ko",
      subject: "초청: {{event.title}}",
      body: "{{organisation}}\n\n{{signature}}",
      version: "0",
    });
    expect(save.status).toBe(302);
  });

  it("sends a test email from System through the queue, under the sender name and Reply-To set here", async () => {
    const page = await (await admin.get("/settings/system", { "accept-language": "en" })).text();
    expect(page).toContain(`SMTP server smtp://127.0.0.1:${sink.port}`);
    expect(page).toContain("0.1.0");
    expect(page).toMatch(/Database size<\/dt><dd>[\d.,]+\s?(kB|MB|GB)/);
    expect(page).toContain('action="/settings/system/backup"');
    const submission = page.match(/name="submission" value="([0-9a-f-]{36})"/)?.[1];
    expect(submission).toBeDefined();
    const before = sink.messages.length;
    const sent = await admin.post("/settings/system", { intent: "test-email", submission: submission! });
    expect(sent.status).toBe(302);
    const id = locationOf(sent).match(/^\/settings\/system\?test=([0-9a-f-]{36})$/)?.[1];
    expect(id).toBeDefined();
    // the same page posted twice (a double click) queues one message
    expect(locationOf(await admin.post("/settings/system", { intent: "test-email", submission: submission! }))).toBe(`/settings/system?test=${id}`);
    await waitFor(() => sink.messages.some((m) => JSON.stringify(m.to).includes("admin@example.org")));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const mails = sink.messages.slice(before);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail.from?.value[0]).toEqual({ name: "NEAR Secretariat", address: "noreply@near.example.org" });
    expect(mail.replyTo?.value[0].address).toBe("secretariat@near.example.org");
    expect(String(mail.html)).toContain(NAME.en);
    const status = await (await admin.get(`/settings/system?test=${id}`, { "accept-language": "en" })).text();
    expect(status).toContain(`href="/mail/${id}"`);
    expect(status).toContain("Sent");
  });

  it("audits every change of the identity, the logo and the test email", async () => {
    const rows = await withServerDb(server, database.env, (db) =>
      db
        .selectFrom("audit_log")
        .select(["action", "actor_label", "object_type", "details"])
        .where((eb) => eb.or([eb("action", "like", "settings.%"), eb("action", "=", "mail.test_sent")]))
        .orderBy("id")
        .execute(),
    );
    expect(rows.map((r) => r.action)).toEqual([
      "settings.identity_updated",
      "settings.logo_updated",
      "settings.logo_updated",
      "settings.logo_removed",
      "settings.logo_updated",
      "mail.test_sent",
    ]);
    expect(rows.every((r) => r.actor_label === "admin@example.org")).toBe(true);
    expect(rows[0].details).toMatchObject({ fields: expect.arrayContaining(["name", "signature", "senderName"]) });
    expect(rows[1].details).toMatchObject({ type: "image/png", width: 160, height: 48 });
  });
});
