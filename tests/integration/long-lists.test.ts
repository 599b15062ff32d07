import crypto from "node:crypto";

import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { decodeKey } from "~/env.server";
import { EventSchema } from "~/lib/event-schemas";
import { replySchema } from "~/lib/reply-schemas";
import { loadDemoData } from "~/models/demo.server";
import { enqueueMessage } from "~/models/email-message.server";
import { createEvent, transitionEvent } from "~/models/event.server";
import { ensureInvitation } from "~/models/invitation.server";
import { applyReply } from "~/models/reply.server";
import { newAccount, serverDb } from "../fixtures/staff";
import { databaseLabel, type PreparedDatabase, prepareServerDatabase } from "../helpers/db";
import type { TestClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

const KEY_HEX = crypto.randomBytes(32).toString("hex");
const PEOPLE_PER_MEMBER = 3;
const MESSAGES = 230;

/** The people on a page (every seeded person is "Person m<member>-<n>"), each once: the loader data repeats them. */
const people = (html: string) => [...new Set([...html.matchAll(/Person m(\d+)-(\d)/g)].map((m) => `${m[1]}-${m[2]}`))];
const subjects = (html: string) => [...new Set([...html.matchAll(/Long list message (\d+)/g)].map((m) => m[1]))];

/**
 * Lists that scale (issue 15): the List of Participants, the Mail log and the directory come a page at a time,
 * with the page in the URL next to the filters, every row on exactly one page, and counts from the whole list.
 */
describe(`long lists come a page at a time (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let admin: TestClient;
  let eventPath = "";

  beforeAll(async () => {
    database = await prepareServerDatabase();
    server = await startTestServer({ DATA_ENCRYPTION_KEY: KEY_HEX, MAIL_WORKER: "false" }, database);
    const account = await newAccount(server, "admin");
    admin = account.client;
    const db = serverDb(server);
    await loadDemoData(db);
    const { id: eventId } = await createEvent(
      db,
      EventSchema.parse({
        kind: "general_assembly",
        title: { en: "16th NEAR General Assembly" },
        timeZone: "Asia/Seoul",
        start: "2027-06-16T09:00",
        end: "2027-06-17T18:00",
        quota: "5",
        categories: ["delegate"],
      }),
    );
    eventPath = `/events/${eventId}`;
    await transitionEvent(db, { id: eventId, version: 1, to: "open" });
    const members = await db
      .selectFrom("member")
      .select(["id", sql<string>`names->>'en'`.as("en")])
      .orderBy("id")
      .execute();
    const key = decodeKey(KEY_HEX)!;
    for (const [m, member] of members.entries()) {
      const { id: invitationId } = await ensureInvitation(db, { eventId, memberId: member.id, letterLocale: "en", createdBy: account.id });
      const input = replySchema({ quota: 5, passportAllowed: false, programmeIds: [], storedPassport: [], staff: false }).parse({
        response: "attending",
        revision: "1",
        submission: crypto.randomUUID(),
        delegates: Array.from({ length: PEOPLE_PER_MEMBER }, (_, n) => ({
          role: n === 0 ? "head" : "accompanying",
          nameLocale: "en",
          givenName: `Person m${m}-${n}`,
          familyName: "Benchname",
        })),
      });
      const outcome = await db
        .transaction()
        .execute((trx) => applyReply(trx, { invitationId, expectedRevision: 1, input, actor: { kind: "link" }, key, passportAllowed: false }));
      expect(outcome.status).toBe("saved");
    }
    for (let i = 0; i < MESSAGES; i++) {
      await enqueueMessage(db, {
        idempotencyKey: `long-list-${i}`,
        messageId: `<long-list-${i}@plenary.test>`,
        kind: "test",
        locale: "en",
        to: [{ address: `office${i}@example.org` }],
        subject: `Long list message ${i}`,
        html: "<p>x</p>",
        text: "x",
      });
    }
  }, 180_000);
  afterAll(async () => {
    await server?.dispose();
    await database?.dispose();
  });

  it("the List of Participants shows 200 people a page, each person on exactly one page, filters kept in the page links", async () => {
    const total = 82 * PEOPLE_PER_MEMBER;
    const first = await (await admin.get(`${eventPath}/roster?lang=ru&attendance=all`)).text();
    expect(first).toContain(`${total}`); // the caption counts the whole list
    expect(people(first)).toHaveLength(200);
    const next = first.match(/<a[^>]*href="([^"]*page=2[^"]*)"[^>]*rel="next"|<a[^>]*rel="next"[^>]*href="([^"]*)"/);
    const href = (next?.[1] ?? next?.[2] ?? "").replaceAll("&amp;", "&");
    expect(href).toMatch(new RegExp(`^${eventPath}/roster\\?`));
    expect(href).toContain("lang=ru");
    expect(href).toContain("attendance=all");
    expect(href).toContain("page=2");
    const second = await (await admin.get(href)).text();
    expect(people(second)).toHaveLength(total - 200);
    expect(new Set([...people(first), ...people(second)]).size).toBe(total);
    // the second page starts inside a delegation: its heading comes again
    expect(second).toMatch(/class="roster-member"/);
    // a stale or hostile page number shows the nearest real page, never an error
    expect(people(await (await admin.get(`${eventPath}/roster?lang=ru&attendance=all&page=999`)).text())).toEqual(people(second));
    expect(people(await (await admin.get(`${eventPath}/roster?lang=ru&attendance=all&page=-1e9`)).text())).toEqual(people(first));
  });

  it("the order-of-precedence form, which names every invited member, comes only on request and still works", async () => {
    const plain = await (await admin.get(`${eventPath}/roster`)).text();
    expect(plain).not.toContain('name="chairMemberId"');
    expect(plain).toMatch(/href="[^"]*edit=protocol/);
    const editing = await (await admin.get(`${eventPath}/roster?edit=protocol`)).text();
    const select = editing.match(/<select name="chairMemberId"[\s\S]*?<\/select>/)?.[0] ?? "";
    const options = [...select.matchAll(/<option value="([0-9a-f-]{36})"/g)].map((m) => m[1]);
    expect(options).toHaveLength(82);
    // the last member on the list, made chair and put first: the list then opens with its people
    const chair = options.at(-1)!;
    const saved = await admin.post(`${eventPath}/roster?edit=protocol`, { intent: "protocol", chairMemberId: chair, chairFirst: "on" });
    expect(saved.status).toBe(302);
    const chairIndex = Number((await serverDb(server).selectFrom("member").select("id").orderBy("id").execute()).findIndex((m) => m.id === chair));
    expect(people(await (await admin.get(`${eventPath}/roster?attendance=all`)).text())[0]).toBe(`${chairIndex}-0`);
  });

  it("the Mail log reaches every message, 100 a page, with the search kept", async () => {
    const seen: string[] = [];
    for (const page of [1, 2, 3]) {
      const response = await admin.get(`/mail?q=${encodeURIComponent("Long list")}&page=${page}`);
      expect(response.status).toBe(200);
      const html = await response.text();
      seen.push(...subjects(html));
      if (page === 1) {
        expect(html).toMatch(/rel="next"/);
        expect(html).toContain("1–100 of 230");
      }
      if (page === 3) expect(html).not.toMatch(/rel="next"/);
    }
    expect(seen).toHaveLength(MESSAGES);
    expect(new Set(seen).size).toBe(MESSAGES);
    // newest first: the last message queued is on the first page, the first one on the last
    expect(seen.indexOf(String(MESSAGES - 1))).toBeLessThan(100);
    expect(seen.indexOf("0")).toBeGreaterThanOrEqual(200);
    // by subject, either way (text order: 0, 1, 10, 100, …, 99), the search kept
    const bySubject = await (await admin.get(`/mail?q=${encodeURIComponent("Long list")}&sort=subject&dir=asc`)).text();
    expect(subjects(bySubject).slice(0, 4)).toEqual(["0", "1", "10", "100"]);
    expect(bySubject).toMatch(/<th[^>]*aria-sort="ascending"/);
    const backwards = await (await admin.get(`/mail?q=${encodeURIComponent("Long list")}&sort=subject&dir=desc`)).text();
    expect(subjects(backwards)[0]).toBe("99");
  });

  it("the directory of 82 members fits on one page and says so", async () => {
    const html = await (await admin.get("/members")).text();
    expect(html).not.toContain('class="pagination"');
    expect([...html.matchAll(/href="\/members\/[0-9a-f-]{36}"/g)]).toHaveLength(82);
  });

  it("the member list sorts by the column asked for, either way, with the order in the URL and said to screen readers", async () => {
    const ids = (html: string) => [...html.matchAll(/href="\/members\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    const byName = await (await admin.get("/members")).text();
    const reversed = await (await admin.get("/members?sort=name&dir=desc")).text();
    expect(ids(byName)).toHaveLength(82);
    expect(ids(reversed)).toEqual([...ids(byName)].reverse());
    expect(reversed).toMatch(/<th[^>]*aria-sort="descending"[^>]*>/);
    // a header link turns the order around
    expect(byName).toMatch(/href="\/members\?sort=name&amp;dir=desc"/);
    // an unknown column is the default order
    expect(ids(await (await admin.get("/members?sort=password_hash")).text())).toEqual(ids(byName));
    // by country (English names): China's members first, the Republic of Korea's last
    const byCountry = await (await admin.get("/members?sort=country")).text();
    const rows = [...byCountry.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]).filter((row) => row.includes('href="/members/'));
    expect(rows[0]).toContain("China");
    expect(rows.at(-1)).toContain("Korea");
  });

  it("the member list sorts kinds by the name the reader sees, in the reader's language", async () => {
    for (const lng of ["en", "ru", "ko"]) {
      const html = await (await admin.get("/members?sort=kind", { "accept-language": lng })).text();
      const kinds = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
        .map((m) => m[1])
        .filter((row) => row.includes('href="/members/'))
        .map((row) => row.match(/<td class="hide-narrow">([^<]+)<\/td>/)![1]);
      expect(kinds).toHaveLength(82);
      expect(new Set(kinds).size).toBeGreaterThan(4);
      expect(kinds).toEqual([...kinds].sort(new Intl.Collator(lng).compare));
    }
  });

  it("the replies overview names who has not answered and counts the rest from one aggregate", async () => {
    const response = await admin.get(`${eventPath}/replies`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("answers-chart");
    // everyone answered in the seed
    expect(html).not.toContain("and 0 more");
  });
});
