import crypto from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { decodeKey } from "~/env.server";
import { EventSchema } from "~/lib/event-schemas";
import { replySchema } from "~/lib/reply-schemas";
import { loadDemoData } from "~/models/demo.server";
import { createEvent, transitionEvent } from "~/models/event.server";
import { ensureInvitation, ensureLinkToken } from "~/models/invitation.server";
import { applyReply } from "~/models/reply.server";
import { newAccount, serverDb } from "../fixtures/staff";
import { databaseLabel, type PreparedDatabase, prepareServerDatabase } from "../helpers/db";
import { TestClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

const KEY_HEX = crypto.randomBytes(32).toString("hex");

/**
 * The design pass (issue 17) as the server renders it, before any script: sortable contacts, a row's actions in
 * one menu that still works as a disclosure, and the reply page's short header with no Remove on the head's row.
 */
describe(`lists and the reply page as the design asks (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let admin: TestClient;
  let eventPath = "";
  let replyPath = "";

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
        rsvpDeadline: "2027-05-14T18:00",
        quota: "5",
        categories: ["delegate"],
      }),
    );
    eventPath = `/events/${eventId}`;
    await transitionEvent(db, { id: eventId, version: 1, to: "open" });
    const members = await db.selectFrom("member").select("id").orderBy("id").limit(3).execute();
    const key = decodeKey(KEY_HEX)!;
    for (const [m, member] of members.entries()) {
      const { id: invitationId } = await ensureInvitation(db, { eventId, memberId: member.id, letterLocale: "en", createdBy: account.id });
      if (m > 0) continue;
      // the first member answered: a head of delegation and one more person
      const input = replySchema({ quota: 5, passportAllowed: false, programmeIds: [], storedPassport: [], staff: false }).parse({
        response: "attending",
        revision: "1",
        submission: crypto.randomUUID(),
        delegates: [
          { role: "head", nameLocale: "en", givenName: "Headperson", familyName: "Designtest" },
          { role: "official", nameLocale: "en", givenName: "Secondperson", familyName: "Designtest" },
        ],
      });
      const outcome = await db
        .transaction()
        .execute((trx) => applyReply(trx, { invitationId, expectedRevision: 1, input, actor: { kind: "link" }, key, passportAllowed: false }));
      expect(outcome.status).toBe("saved");
      replyPath = `/r/${await ensureLinkToken(db, { invitationId, keys: { key } })}`;
    }
  }, 180_000);
  afterAll(async () => {
    await server?.dispose();
    await database?.dispose();
  });

  it("contacts sort by the column asked for, either way, with the order said to screen readers", async () => {
    const emails = (html: string) => [...html.matchAll(/<td class="small nowrap-wide">([^<]+)<\/td>/g)].map((m) => m[1]);
    const byEmail = await (await admin.get("/members/contacts?sort=email")).text();
    const list = emails(byEmail);
    expect(list).toHaveLength(100);
    expect(list).toEqual([...list].sort((a, b) => a.localeCompare(b, "en")));
    expect(byEmail).toMatch(/<th[^>]*aria-sort="ascending"[^>]*>/);
    const reversed = emails(await (await admin.get("/members/contacts?sort=email&dir=desc")).text());
    expect(reversed[0] >= list.at(-1)!).toBe(true);
    // the page link keeps the order; an unknown column is the default (by name)
    expect(byEmail).toMatch(/href="\/members\/contacts\?sort=email&amp;page=2"/);
    const byName = await (await admin.get("/members/contacts")).text();
    expect(emails(await (await admin.get("/members/contacts?sort=hash")).text())).toEqual(emails(byName));
  });

  it("an invitation row's link actions sit in one Actions menu that works without scripts", async () => {
    const html = await (await admin.get(eventPath)).text();
    const rows = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]).filter((row) => row.includes("row-menu"));
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row).toMatch(/<details class="row-menu"><summary class="button small row-menu-trigger" aria-label="Actions for [^"]+">Actions/);
      expect(row).toContain('name="intent" value="reissue"');
      expect(row).toContain('name="intent" value="revoke"');
      expect(row).toMatch(/<a class="row-menu-item"[^>]*href="\/events\/[0-9a-f-]{36}\/replies\/[0-9a-f-]{36}"/);
    }
  });

  it("the reply page heads with the secretariat's short name and offers no Remove on the head of delegation", async () => {
    const delegate = new TestClient(server.url);
    // the registered people as cards (the page as it opens) and with their fields open (?edit=all, no JavaScript)
    for (const [path, cards] of [
      [replyPath, true],
      [`${replyPath}?edit=all`, false],
    ] as const) {
      const response = await delegate.get(path);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toMatch(/<header class="reply-header"><span class="brand">NEAR<\/span>/);
      const people = [...html.matchAll(/<fieldset class="group delegate[" ][\s\S]*?<\/fieldset>/g)].map((m) => m[0]);
      expect(people.length).toBeGreaterThanOrEqual(2);
      for (const person of people) {
        expect(person.includes("delegate-summary"), path).toBe(cards);
        // a card carries the person in hidden inputs; open, the same values are in the fields
        expect(person).toMatch(/name="delegates\[\d+\]\.id" value="[0-9a-f-]{36}"/);
      }
      const removes = (part: string) => [...part.matchAll(/<button[^>]*class="button small danger"/g)].length;
      expect(html).toContain("Headperson");
      expect(removes(people[0])).toBe(0);
      expect(removes(people.slice(1).join(""))).toBeGreaterThanOrEqual(1);
    }
  });
});
