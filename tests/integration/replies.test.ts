import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { findInvitationByToken } from "~/models/invitation.server";
import { databaseLabel, type PreparedDatabase, prepareServerDatabase, withServerDb } from "../helpers/db";
import { createAssembly } from "../helpers/events";
import { locationOf, TestClient } from "../helpers/http";
import { formState, inviteCountry, waitFor } from "../helpers/replies";
import { startTestServer, type TestServer } from "../helpers/server";
import { SmtpSink } from "../helpers/smtp-sink";
import { createUser, TEST_PASSWORD } from "../helpers/users";

const SENTINEL = "ZZ9876543";

type Person = Record<string, string | string[]>;

function replyBody(state: { revision: string; submission: string }, response: string, people: Person[], extra: Record<string, string> = {}) {
  const body = new URLSearchParams({ response, ...state, ...extra });
  people.forEach((person, i) => {
    for (const [field, value] of Object.entries(person)) {
      for (const v of Array.isArray(value) ? value : [value]) body.append(`delegates[${i}].${field}`, v);
    }
  });
  return body;
}

const KOZHEMYAKO: Person = {
  role: "head",
  nameLocale: "ru",
  familyName: "Кожемяко",
  givenName: "Олег",
  patronymic: "Николаевич",
  latinFamilyName: "Kozhemyako",
  latinGivenName: "Oleg",
  title: "Губернатор Приморского края",
  email: "head@primorsky.example.org",
  dietary: ["no_pork", "allergies"],
  dietaryNote: "орехи",
  arrivalAt: "2027-06-15T14:20",
  arrivalTransport: "7C 2202",
  arrivalPlace: "PUS",
};
/** Latin names take letters only: 0 → "a", 27 → "bb". */
const letters = (n: number) => [...n.toString(26)].map((c) => String.fromCharCode(97 + parseInt(c, 26))).join("");
const people = (n: number, tag = ""): Person[] => [
  KOZHEMYAKO,
  ...Array.from({ length: n - 1 }, (_, i) => ({
    role: i === 0 ? "deputy" : "official",
    nameLocale: "ru",
    familyName: "Иванов",
    givenName: `Пётр${i + 1}`,
    latinFamilyName: "Ivanov",
    latinGivenName: `Petr${tag}${letters(i)}`,
  })),
];

/** The invitation behind a link, read from the server's database. */
async function invitationOf(server: TestServer, env: Record<string, string>, link: string) {
  const token = link.split("/r/")[1];
  return withServerDb(server, env, async (db) => (await findInvitationByToken(db, { token }))!.id);
}

describe(`replies by link (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let sink: SmtpSink;
  let staff: TestClient;
  let eventPath = "";
  const links: string[] = [];

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    database = await prepareServerDatabase();
    createUser(database.env, "admin@example.org", "admin");
    createUser(database.env, "staff@example.org", "staff");
    createUser(database.env, "visa@example.org", "visa_officer");
    server = await startTestServer({ SMTP_URL: sink.url(), MAIL_RETRY_BASE_SECONDS: "0.2" }, database);
    staff = new TestClient(server.url);
    await staff.signIn("admin@example.org", TEST_PASSWORD);
    expect(locationOf(await staff.post("/members?index", { intent: "load-demo" }))).toBe("/members?loaded=82");
    eventPath = await createAssembly(staff, {
      "title.ru": "16-я Генеральная ассамблея АРАССВА",
      "title.ko": "제16차 NEAR 총회",
      contactEmail: "secretariat@near.example.org",
    });
    const item = await staff.post(`${eventPath}/programme/new`, {
      kind: "field_trip",
      start: "2027-06-17T14:00",
      end: "2027-06-17T18:00",
      "title.en": "Field trip to the steelworks",
      "title.ru": "Поездка на металлургический комбинат",
      attendanceAsked: "on",
    });
    expect(item.status).toBe(302);
    links.push(...(await inviteCountry(staff, sink, { eventPath, country: "RU", count: 4 })));
  });
  afterAll(async () => {
    await server?.dispose();
    await sink?.stop();
  });

  it("a mail scanner (one HEAD, two GETs without cookies, even with answers in the query) changes nothing and gets no cookie", async () => {
    const snapshot = () =>
      withServerDb(server, database.env, async (db) => ({
        invitations: await db.selectFrom("invitation").select(["id", "response", "revision", "updated_at"]).orderBy("id").execute(),
        delegates: (await db.selectFrom("delegate").select("id").execute()).length,
        changes: (await db.selectFrom("invitation_change").select("id").execute()).length,
        mail: (await db.selectFrom("email_message").select("id").execute()).length,
        sessions: (await db.selectFrom("staff_session").select("id_hash").execute()).length,
      }));
    const before = await snapshot();
    const ua = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36" };
    const head = await fetch(links[0], { method: "HEAD", headers: ua });
    const first = await fetch(links[0], { headers: ua });
    const second = await fetch(`${links[0]}?response=declining&delegates%5B0%5D.givenName=x&intent=submit`, { headers: ua });
    for (const response of [head, first, second]) {
      expect(response.status).toBe(200);
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("x-robots-tag")).toBe("noindex");
      expect(response.headers.get("referrer-policy")).toBe("same-origin");
    }
    const html = await first.text();
    // (that no script posts on load is checked in the browser: tests/e2e/replies.test.ts waits 5 s and counts POSTs)
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:\/\/(?!127\.0\.0\.1)/);
    expect(await snapshot()).toEqual(before);
  });

  it("opens in the invitation's language, and an unknown or a malformed link gets one uniform 404 (a revoked one: tests/integration/invitations.test.ts)", async () => {
    const page = await fetch(links[1]);
    const html = await page.text();
    expect(html).toContain('lang="ru"');
    expect(html).toContain("16-я Генеральная ассамблея АРАССВА");
    // the reader may switch to any of the six languages
    const reader = new TestClient(server.url);
    const path = new URL(links[1]).pathname;
    expect(locationOf(await reader.post("/set-language", { lng: "ko", redirectTo: path }))).toBe(path);
    const korean = await (await reader.get(path)).text();
    expect(korean).toContain('lang="ko"');
    expect(korean).toContain("제16차 NEAR 총회");

    const unknown = await fetch(`${server.url}/r/${"A".repeat(43)}`);
    const malformed = await fetch(`${server.url}/r/not-a-token`);
    for (const response of [unknown, malformed]) {
      expect(response.status).toBe(404);
      expect(response.headers.get("cache-control")).toBe("no-store");
    }
    const strip = (text: string) => text.replace(/nonce="[^"]+"/g, "").replace(/\/r\/[^"\s<]+/g, "/r/TOKEN");
    expect(strip(await unknown.text())).toBe(strip(await malformed.text()));
    // an answer to an unknown link is refused the same way
    const post = await new TestClient(server.url).post(`/r/${"B".repeat(43)}`, { response: "attending" });
    expect(post.status).toBe(404);
  });

  it("a delegation registers in Russian: stored, confirmed by email with the .ics, visible to staff at once", async () => {
    const path = new URL(links[0]).pathname;
    const client = new TestClient(server.url);
    const html = await (await client.get(path)).text();
    const state = formState(html);
    // the field trip asks who will take part
    const item = (await (await staff.get(eventPath)).text()).match(/\/programme\/([0-9a-f-]{36})/)?.[1];
    expect(item).toBeDefined();
    const trio = people(3);
    trio[0] = { ...trio[0], programme: item! };
    const before = sink.messages.length;
    const saved = await client.post(path, replyBody(state, "attending", trio));
    expect(saved.status).toBe(303);
    expect(locationOf(saved)).toBe(`${path}?saved=1`);

    const after = await (await client.get(locationOf(saved))).text();
    expect(after).toContain("KOZHEMYAKO");
    expect(after).toContain("Пётр1");

    // the delegation's confirmation (the head also gets their own e-badge, issue 18 §5: tests/integration/ebadges.test.ts)
    const confirmation = () => sink.messages.slice(before).find((m) => !m.attachments.some((a) => a.contentType === "image/png"));
    await waitFor(() => Boolean(confirmation()));
    const mail = confirmation()!;
    expect(mail.subject).toContain("16-я Генеральная ассамблея АРАССВА");
    expect(mail.text).toContain("Кожемяко Олег Николаевич");
    // the head's programme item by its Russian title (the programme comes from the event's kept facts, issue 15)
    expect(mail.text).toMatch(/1\. [^\n]*Кожемяко Олег Николаевич[^\n]* — Поездка на металлургический комбинат/);
    expect(mail.text).toMatch(/\/r\/[A-Za-z0-9_-]{43}/);
    expect(mail.attachments.some((a) => a.filename?.endsWith(".ics"))).toBe(true);
    const cc = [mail.to, mail.cc].flatMap((field) => (Array.isArray(field) ? field : field ? [field] : [])).flatMap((a) => a.value.map((v) => v.address));
    expect(cc).toContain("head@primorsky.example.org");

    const event = await (await staff.get(eventPath)).text();
    expect(event).toMatch(/answer-attending[^<]*>[^<]+<\/span><\/td><td class="numeric">3</);
  });

  it("the same click posted twice applies once: one history row, one confirmation", async () => {
    const path = new URL(links[0]).pathname;
    const invitationId = await invitationOf(server, database.env, links[0]);
    const confirmations = () =>
      withServerDb(
        server,
        database.env,
        async (db) =>
          (await db.selectFrom("email_message").select("id").where("invitation_id", "=", invitationId).where("kind", "=", "confirmation").execute()).length,
      );
    const client = new TestClient(server.url);
    const state = formState(await (await client.get(path)).text());
    const queuedBefore = await confirmations();
    const body = replyBody(state, "attending", people(2, "x"));
    const [a, b] = await Promise.all([client.post(path, body), client.post(path, body)]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(locationOf(a)).toBe(locationOf(b));
    // the confirmation is queued in the reply's own transaction: both answers are in, so the outbox is final
    expect((await confirmations()) - queuedBefore).toBe(1);
    const rows = await withServerDb(server, database.env, (db) =>
      db.selectFrom("invitation_change").select("revision").where("submission_id", "=", state.submission).execute(),
    );
    expect(rows).toHaveLength(1);
  });

  it("50 concurrent edits from the same revision: one wins, 49 see the conflict, the stored delegation is the winner's", async () => {
    const path = new URL(links[2]).pathname;
    const invitationId = await invitationOf(server, database.env, links[2]);
    const { revision } = formState(await (await fetch(`${server.url}${path}`)).text());
    const posts = Array.from({ length: 50 }, (_, i) =>
      new TestClient(server.url).post(path, replyBody({ revision, submission: crypto.randomUUID() }, "attending", people(1 + (i % 5), letters(i)))),
    );
    const responses = await Promise.all(posts);
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 303)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const winner = statuses.indexOf(303);
    expect(await responses[statuses.indexOf(409)].text()).toContain('role="alert"');
    const stored = await withServerDb(server, database.env, async (db) => ({
      revision: (await db.selectFrom("invitation").select("revision").where("id", "=", invitationId).executeTakeFirstOrThrow()).revision,
      names: (await db.selectFrom("delegate").select("latin_given_name").where("invitation_id", "=", invitationId).orderBy("position").execute()).map(
        (r) => r.latin_given_name,
      ),
    }));
    expect(stored.revision).toBe(Number(revision) + 1);
    expect(stored.names).toEqual(people(1 + (winner % 5), letters(winner)).map((p) => p.latinGivenName));
  });

  it("passport data: refused unless switched on and asked for, needs consent, stored encrypted, masked everywhere, revealed to admins and visa officers only", async () => {
    const link = new URL(links[3]).pathname;
    const client = new TestClient(server.url);
    const withPassport = [
      {
        ...KOZHEMYAKO,
        needsVisaLetter: "on",
        passportName: "KOZHEMYAKO OLEG",
        nationality: "RU",
        passportNumber: SENTINEL,
        passportExpiry: "2030-01-31",
        birthDate: "1962-12-17",
      },
    ];
    // collection is off by default: passport fields are refused, nothing stored
    let state = formState(await (await client.get(link)).text());
    const off = await client.post(link, replyBody(state, "attending", withPassport, { passportConsent: "on" }));
    expect(off.status).toBe(400);

    const settings = await staff.post(`${eventPath}/replies`, { countries: "RU", retentionDays: "30" });
    expect(settings.status).toBe(303);
    state = formState(await (await client.get(link)).text());
    const noConsent = await client.post(link, replyBody(state, "attending", withPassport));
    expect(noConsent.status).toBe(400);
    const saved = await client.post(link, replyBody(state, "attending", withPassport, { passportConsent: "on" }));
    expect(saved.status).toBe(303);

    const page = await (await client.get(locationOf(saved))).text();
    expect(page).not.toContain(SENTINEL);
    expect(page).toContain("•••••543");
    expect(page).not.toContain("1962-12-17");

    const replyPath = `${eventPath}/replies/${await invitationOf(server, database.env, links[3])}`;
    const staffPage = await (await staff.get(replyPath)).text();
    expect(staffPage).not.toContain(SENTINEL);
    const delegateId = staffPage.match(/name="delegateId" value="([0-9a-f-]{36})"/)![1];

    const colleague = new TestClient(server.url);
    await colleague.signIn("staff@example.org", TEST_PASSWORD);
    expect((await colleague.post(replyPath, { intent: "reveal", delegateId, purpose: "visa letter" })).status).toBe(403);
    const revealed = await staff.post(replyPath, { intent: "reveal", delegateId, purpose: "visa letter for the Korean consulate" });
    expect(revealed.status).toBe(200);
    expect(await revealed.text()).toContain(SENTINEL);
    // a visa officer may reveal too (RELIABILITY D4); the staff colleague's page offers no reveal at all
    const visaOfficer = new TestClient(server.url);
    await visaOfficer.signIn("visa@example.org", TEST_PASSWORD);
    const byOfficer = await visaOfficer.post(replyPath, { intent: "reveal", delegateId, purpose: "visa letter for the Korean consulate" });
    expect(byOfficer.status).toBe(200);
    expect(await byOfficer.text()).toContain(SENTINEL);
    expect(await (await colleague.get(replyPath)).text()).not.toContain('value="reveal"');

    // the page after the reveal, the logs and a dump of the database never contain the number
    expect(server.output()).not.toContain(SENTINEL);
    await withServerDb(server, database.env, async (db) => {
      const audit = await db
        .selectFrom("audit_log")
        .select(["action", "details", "actor_label as actor"])
        .where("action", "=", "replies.passport_revealed")
        .execute();
      expect(audit.map((a) => a.actor).sort()).toEqual(["admin@example.org", "visa@example.org"]);
      expect(JSON.stringify(audit)).not.toContain(SENTINEL);
      const sealed = await db
        .selectFrom("delegate")
        .select(["passport_number_enc", "birth_date_enc", "consent_at"])
        .where("id", "=", delegateId)
        .executeTakeFirstOrThrow();
      expect(sealed.passport_number_enc).toMatch(/^v1\./);
      expect(sealed.consent_at).not.toBeNull();
    });
    if (database.env.DATABASE_URL) {
      const dump = execFileSync(
        fs.existsSync("/usr/lib/postgresql/15/bin/pg_dump") ? "/usr/lib/postgresql/15/bin/pg_dump" : "pg_dump",
        ["--data-only", database.env.DATABASE_URL],
        {
          maxBuffer: 256 * 1024 * 1024,
        },
      ).toString();
      expect(dump).toContain("KOZHEMYAKO OLEG");
      expect(dump).not.toContain(SENTINEL);
    } else {
      await server.stop();
      const files = fs.readdirSync(path.join(server.dataDir, "pgdata"), { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
      const bytes = files.map((f) => fs.readFileSync(path.join(f.parentPath, f.name)));
      expect(bytes.some((b) => b.includes("KOZHEMYAKO OLEG"))).toBe(true);
      expect(bytes.some((b) => b.includes(SENTINEL))).toBe(false);
      await server.restart();
    }
  });

  it("staff answer on a member's behalf with a reason; history and audit name them", async () => {
    const overview = await (await staff.get(`${eventPath}/replies`)).text();
    const replyPath = overview.match(new RegExp(`href="(${eventPath}/replies/[0-9a-f-]{36})"`))![1];
    const page = await (await staff.get(replyPath)).text();
    const state = formState(page);
    const missingReason = await staff.post(replyPath, replyBody(state, "declining", [], { declineReason: "Сессия краевой думы" }));
    expect(missingReason.status).toBe(400);
    const saved = await staff.post(replyPath, replyBody(state, "declining", [], { declineReason: "Сессия краевой думы", reason: "phone call, 3 March" }));
    expect(saved.status).toBe(303);
    const after = await (await staff.get(replyPath)).text();
    expect(after).toContain("admin@example.org");
    expect(after).toContain("phone call, 3 March");
    await withServerDb(server, database.env, async (db) => {
      const audit = await db.selectFrom("audit_log").select("details").where("action", "=", "replies.answered_on_behalf").execute();
      expect(audit).toHaveLength(1);
    });
  });

  it("after the deadline the page is read-only and an answer gets 410", async () => {
    await withServerDb(server, database.env, (db) =>
      db
        .updateTable("event")
        .set({ rsvp_deadline: new Date(Date.now() - 60_000) })
        .where("id", "=", eventPath.split("/").at(-1)!)
        .execute(),
    );
    const path = new URL(links[1]).pathname;
    const client = new TestClient(server.url);
    const html = await (await client.get(path)).text();
    expect(html).not.toContain('name="submission"');
    expect(html).toContain("secretariat@near.example.org");
    const late = await client.post(path, replyBody({ revision: "1", submission: crypto.randomUUID() }, "attending", people(1)));
    expect(late.status).toBe(410);
  });
});
