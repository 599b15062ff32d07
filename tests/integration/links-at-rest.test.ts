import { spawnSync } from "node:child_process";

import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { databaseLabel, type PreparedDatabase, prepareServerDatabase, usingPostgres, withServerDb } from "../helpers/db";
import { locationOf, TestClient } from "../helpers/http";
import { waitFor } from "../helpers/replies";
import { startTestServer, type TestServer } from "../helpers/server";
import { SmtpSink } from "../helpers/smtp-sink";
import { createUser, TEST_PASSWORD } from "../helpers/users";

/**
 * Issue 13 §3: nothing at rest lets anyone act as a member or a colleague. Every live link comes from real mail
 * (the SMTP sink); then the database (every row of every table, and pg_dump on PostgreSQL) and the Mail log are
 * searched for each of them. Links do not depend on SESSION_SECRET.
 */

const tokensIn = (text: string) => [...text.matchAll(/\/(?:r|account\/password|setup)\/([A-Za-z0-9_-]{43})/g)].map((m) => m[1]);

describe(`no working link at rest (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let sink: SmtpSink;
  let staff: TestClient;
  let eventPath = "";
  const links: string[] = [];
  let passwordToken = "";

  const start = (extra: Record<string, string> = {}) => startTestServer({ SMTP_URL: sink.url(), MAIL_RETRY_BASE_SECONDS: "0.2", ...extra }, database);

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    database = await prepareServerDatabase();
    createUser(database.env, "admin@example.org", "admin");
    server = await start();
    staff = new TestClient(server.url);
    await staff.signIn("admin@example.org", TEST_PASSWORD);
    expect(locationOf(await staff.post("/members?index", { intent: "load-demo" }))).toBe("/members?loaded=82");
    eventPath = locationOf(
      await staff.post("/events/new", {
        kind: "general_assembly",
        timeZone: "Asia/Seoul",
        start: "2027-06-16T09:00",
        end: "2027-06-17T18:00",
        rsvpDeadline: "2027-05-14T18:00",
        format: "in_person",
        quota: "5",
        categories: "delegate",
        "title.en": "16th NEAR General Assembly",
        "title.ko": "제16차 NEAR 총회",
      }),
    );
    expect((await staff.post(eventPath, { to: "open", version: "1" })).status).toBe(302);
    const page = await (await staff.get(`${eventPath}/invitations?mode=country&country=KR`)).text();
    const picked = [...page.matchAll(/name="memberIds"[^>]*value="([0-9a-f-]{36})"/g)].map((m) => m[1]).slice(0, 3);
    const form = new URLSearchParams({ intent: "send", mode: "picked" });
    for (const id of picked) form.append("memberIds", id);
    expect((await staff.post(`${eventPath}/invitations`, form)).status).toBe(302);
    const invite = await staff.post("/settings/staff?index", {
      intent: "invite",
      email: "colleague@example.org",
      displayName: "Colleague",
      role: "staff",
      locale: "",
    });
    expect(invite.status).toBe(302);
    await waitFor(() => sink.messages.length >= 4);
    for (const message of sink.messages) {
      const [token] = tokensIn(message.text!);
      if (message.text!.includes("/account/password/")) passwordToken = token;
      else links.push(`${server.url}/r/${token}`);
    }
    expect(links).toHaveLength(3);
    expect(passwordToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
  afterAll(async () => {
    await server?.dispose();
    await sink?.stop();
  });

  const liveTokens = () => [...links.map((l) => l.split("/r/")[1]), passwordToken];

  it("the mailed links work, and neither the database nor the Mail log holds any of them", async () => {
    for (const link of links) expect((await fetch(link)).status).toBe(200);
    expect((await fetch(`${server.url}/account/password/${passwordToken}`)).status).toBe(200);

    // the Mail log: the list, each message and its HTML frame show the links masked
    const ids = await withServerDb(server, database.env, async (db) => (await db.selectFrom("email_message").select("id").execute()).map((r) => r.id));
    expect(ids.length).toBeGreaterThanOrEqual(4);
    const pages = [await (await staff.get("/mail")).text()];
    for (const id of ids) {
      pages.push(await (await staff.get(`/mail/${id}`)).text());
      const frame = await staff.get(`/mail/${id}/html`);
      expect(frame.status).toBe(200);
      pages.push(await frame.text());
    }
    const log = pages.join("\n");
    expect(log).toContain("/r/••••••••");
    for (const token of liveTokens()) expect(log).not.toContain(token);

    // every row of every table, as text: what any dump or backup of the database holds
    const everything = await withServerDb(server, database.env, async (db) => {
      const tables = await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = 'public'`.execute(db);
      const texts: string[] = [];
      for (const { name } of tables.rows) {
        texts.push(
          JSON.stringify(
            await db
              .selectFrom(name as any)
              .selectAll()
              .execute(),
          ),
        );
      }
      return texts.join("\n");
    });
    expect(everything).toContain("__plenary_link__");
    for (const token of liveTokens()) expect(everything).not.toContain(token);

    if (usingPostgres) {
      const dump = spawnSync("pg_dump", ["--format=plain", database.env.DATABASE_URL], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
      expect(dump.status, dump.stderr).toBe(0);
      expect(dump.stdout).toContain("__plenary_link__");
      for (const token of liveTokens()) expect(dump.stdout).not.toContain(token);
    }
  });

  it("another SESSION_SECRET keeps every link working, and a reminder carries the same link", async () => {
    await server.stop();
    server = await start({ SESSION_SECRET: "a-completely-different-session-secret-0123456789" });
    staff = new TestClient(server.url);
    await staff.signIn("admin@example.org", TEST_PASSWORD);
    for (const link of links) expect((await fetch(link.replace(/^http:\/\/[^/]+/, server.url))).status).toBe(200);
    const before = sink.messages.length;
    expect((await staff.post(eventPath, { intent: "remind", batch: crypto.randomUUID() })).status).toBe(302);
    await waitFor(() => sink.messages.length >= before + 3);
    const reminded = [...new Set(sink.messages.slice(before).flatMap((m) => tokensIn(m.text!)))];
    expect(reminded.sort()).toEqual(links.map((l) => l.split("/r/")[1]).sort());
  });

  it("re-issuing a link is still the way to end one", async () => {
    const tokens = links.map((l) => l.split("/r/")[1]);
    const ids = await withServerDb(server, database.env, async (db) => (await db.selectFrom("invitation").select("id").execute()).map((r) => r.id));
    for (const id of ids) expect((await staff.post(eventPath, { intent: "reissue", invitationId: id })).status).toBe(302);
    for (const token of tokens) expect((await fetch(`${server.url}/r/${token}`)).status).toBe(404);
  });
});
