import crypto from "node:crypto";

import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { decodeKey } from "~/env.server";
import { MemberSchema } from "~/lib/directory-schemas";
import { EventSchema } from "~/lib/event-schemas";
import { replySchema } from "~/lib/reply-schemas";
import { loadDemoData } from "~/models/demo.server";
import { enqueueMessage } from "~/models/email-message.server";
import { createEvent, transitionEvent } from "~/models/event.server";
import { ensureInvitation } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { applyReply } from "~/models/reply.server";
import { newAccount, serverDb } from "../fixtures/staff";
import { databaseLabel, type PreparedDatabase, prepareServerDatabase } from "../helpers/db";
import type { TestClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

const KEY_HEX = crypto.randomBytes(32).toString("hex");
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);
/** "2027-06-16T09:00" as the event form takes it, `days` from now (UTC wall clock). */
const local = (days: number) => inDays(days).toISOString().slice(0, 16);
/** The page's visible text, tags removed (loader data in scripts left out). */
const text = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");

/** The staff start page (issue 17): upcoming events with deadline and answers, the mail queue, latest answers, tasks. */
describe(`the dashboard (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let admin: TestClient;

  beforeAll(async () => {
    database = await prepareServerDatabase();
    server = await startTestServer({ DATA_ENCRYPTION_KEY: KEY_HEX, MAIL_WORKER: "false" }, database);
    admin = (await newAccount(server, "admin", { displayName: "Mina" })).client;
  });
  afterAll(async () => {
    await server?.dispose();
    await database?.dispose();
  });

  it("on a fresh portal: the first steps, no events, an empty queue, nothing to do", async () => {
    const page = text(await (await admin.get("/")).text());
    expect(page).toContain("Getting started");
    expect(page).toContain("No upcoming events.");
    expect(page).toContain("Nothing needs attention.");
    expect(page).toContain("No answers yet.");
  });

  it("shows each upcoming event's deadline and answers, the queue by state, the latest answers and the tasks", async () => {
    const db = serverDb(server);
    await loadDemoData(db);
    // a member no letter can reach, and one event past and done (not shown)
    await createMember(
      db,
      MemberSchema.parse({ country: "MN", kind: "aimag", names: { en: "Unreachable Aimag" }, defaultLocale: "mn", timeZone: "Asia/Ulaanbaatar" }),
    );
    const past = await createEvent(
      db,
      EventSchema.parse({ kind: "general_assembly", title: { en: "Last year's assembly" }, timeZone: "UTC", start: local(-400), end: local(-399), quota: "5" }),
    );
    const { id: eventId } = await createEvent(
      db,
      EventSchema.parse({
        kind: "general_assembly",
        title: { en: "Dashboard Assembly", ko: "대시보드 총회" },
        timeZone: "UTC",
        start: local(40),
        end: local(41),
        rsvpDeadline: local(10.5),
        quota: "5",
      }),
    );
    await transitionEvent(db, { id: eventId, version: 1, to: "open" });
    const members = await db
      .selectFrom("member")
      .select(["id", sql<string>`names->>'en'`.as("en")])
      .where(sql<string>`names->>'en'`, "in", ["Liaoning Province", "Primorsky Krai", "Tottori Prefecture"])
      .orderBy("id")
      .execute();
    const key = decodeKey(KEY_HEX)!;
    for (const [index, member] of members.entries()) {
      const { id: invitationId } = await ensureInvitation(db, { eventId, memberId: member.id, letterLocale: index === 1 ? "ru" : "en", createdBy: null });
      if (member.en !== "Liaoning Province") continue;
      const input = replySchema({ quota: 5, passportAllowed: false, programmeIds: [], storedPassport: [], staff: false }).parse({
        response: "attending",
        revision: "1",
        submission: crypto.randomUUID(),
        delegates: [
          { role: "head", nameLocale: "en", givenName: "Lecheng", familyName: "Li" },
          { role: "accompanying", nameLocale: "en", givenName: "Wei", familyName: "Wang" },
        ],
      });
      await db
        .transaction()
        .execute((trx) => applyReply(trx, { invitationId, expectedRevision: 1, input, actor: { kind: "link" }, key, passportAllowed: false }));
    }
    for (const [i, status] of (["deferred", "deferred", "bounced", "failed", "sending"] as const).entries()) {
      await enqueueMessage(db, {
        idempotencyKey: `dash-${i}`,
        messageId: `<dash-${i}@plenary.test>`,
        kind: "test",
        locale: "en",
        to: [{ address: `x${i}@example.org` }],
        subject: "x",
        html: "x",
        text: "x",
      });
      await db.updateTable("email_message").set({ status }).where("idempotency_key", "=", `dash-${i}`).execute();
    }

    const html = await (await admin.get("/")).text();
    const page = text(html);
    expect(page).not.toContain("Getting started");
    expect(page).toContain("Dashboard Assembly");
    expect(page).not.toContain("Last year's assembly");
    expect(past.id).toBeTruthy();
    expect(page).toMatch(/Answers due in 1[01] days/);
    expect(page).toContain("1 of 3 answered");
    expect(page).toContain("1 attending");
    expect(page).toContain("2 people registered");
    // the queue: 1 sending, 2 deferred, 1 bounced and 1 failed, each figure a link to the Mail log showing
    // exactly the messages it counts
    expect(html).toMatch(/href="\/mail\?status=queued,sending"[\s\S]*?<dd class="num">1<\/dd>/);
    expect(html).toMatch(/href="\/mail\?status=deferred"[\s\S]*?<dd class="num">2<\/dd>/);
    expect(html).toMatch(/href="\/mail\?status=bounced,failed"[\s\S]*?<dd class="num">2<\/dd>/);
    const undelivered = await (await admin.get("/mail?status=bounced,failed")).text();
    expect(undelivered.match(/<tr/g)?.length).toBe(3); // header + the bounced and the failed one
    expect(undelivered).toMatch(/<option value="bounced,failed" selected="">Bounced \+ Failed<\/option>/);
    // latest answers link to the reply
    expect(page).toMatch(/Liaoning Province Attending/);
    // tasks: the unreachable member, the Russian letter without a Russian title
    expect(page).toContain("1 member has no email address");
    expect(page).toContain("Dashboard Assembly: no title in Русский");
  });

  it("speaks the reader's language", async () => {
    const page = text(await (await admin.get("/", { "accept-language": "ko" })).text());
    expect(page).toContain("다가오는 행사");
    expect(page).toContain("대시보드 총회");
    expect(page).toContain("3곳 중 1곳 회신");
  });
});
