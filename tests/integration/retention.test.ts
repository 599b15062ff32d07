import crypto from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MemberSchema } from "~/lib/directory-schemas";
import { EventSchema } from "~/lib/event-schemas";
import { replySchema } from "~/lib/reply-schemas";
import { createEvent, transitionEvent } from "~/models/event.server";
import { ensureInvitation } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { applyReply } from "~/models/reply.server";
import { ANONYMISED_NAME } from "~/models/retention.server";
import { newAccount, serverDb } from "../fixtures/staff";
import { databaseLabel, type PreparedDatabase, prepareServerDatabase } from "../helpers/db";
import { locationOf, TestClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

const KEY = crypto.randomBytes(32);

describe(`Settings → Data retention over HTTP (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let admin: TestClient;
  let staff: TestClient;
  let viewer: TestClient;
  const events: Record<"old" | "recent", string> = { old: "", recent: "" };

  beforeAll(async () => {
    database = await prepareServerDatabase();
    // no background worker: the page's own run is under test, not the hourly one
    server = await startTestServer({ MAIL_WORKER: "false" }, database);
    const admin1 = await newAccount(server, "admin", { email: "admin@example.org" });
    admin = admin1.client;
    staff = (await newAccount(server, "staff")).client;
    viewer = (await newAccount(server, "viewer")).client;
    const db = serverDb(server);
    const { id: memberId } = await createMember(
      db,
      MemberSchema.parse({ country: "RU", kind: "krai", names: { en: "Primorsky Krai", ru: "Приморский край" }, timeZone: "Asia/Vladivostok" }),
    );
    const now = new Date();
    // the event's day, `years` before today, as the event form writes it ("2023-12-05T09:00")
    const yearsAgo = (years: number, hour: number) =>
      `${new Date(now.getTime() - years * 365 * 86_400_000).toISOString().slice(0, 10)}T${String(hour).padStart(2, "0")}:00`;
    for (const [name, years] of [
      ["old", 3],
      ["recent", 1],
    ] as const) {
      const { id } = await createEvent(
        db,
        EventSchema.parse({
          kind: "forum",
          title: { en: `Forum ${name}` },
          timeZone: "Asia/Seoul",
          start: yearsAgo(years, 9),
          end: yearsAgo(years, 18),
          quota: "3",
          categories: ["delegate"],
        }),
      );
      await transitionEvent(db, { id, version: 1, to: "open" });
      const invitationId = (await ensureInvitation(db, { eventId: id, memberId, letterLocale: "ru", createdBy: admin1.id })).id;
      const input = replySchema({ quota: 3, passportAllowed: false, programmeIds: [], storedPassport: [], staff: false }).parse({
        response: "attending",
        revision: "1",
        submission: crypto.randomUUID(),
        delegates: [
          { role: "head", nameLocale: "ru", familyName: "Кожемяко", givenName: "Олег", email: "oleg@example.org", hotel: "Hotel Vladivostok" },
          { role: "official", nameLocale: "ru", familyName: "Иванова", givenName: "Анна", phone: "+7 423 111 1111" },
        ],
      });
      await db
        .transaction()
        .execute((trx) => applyReply(trx, { invitationId, expectedRevision: 1, input, actor: { kind: "link" }, key: KEY, passportAllowed: false }));
      events[name] = id;
    }
  });
  afterAll(async () => {
    await server.dispose();
  });

  const namesOf = (eventId: string) =>
    serverDb(server)
      .selectFrom("delegate as d")
      .innerJoin("invitation as i", "i.id", "d.invitation_id")
      .select(["d.given_name", "d.family_name", "d.email", "d.role"])
      .where("i.event_id", "=", eventId)
      .orderBy("d.position")
      .execute();
  const hidden = (html: string, name: string) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1] ?? "";

  it("is for administrators only: staff and viewers get 403 on the page and both forms; a stranger is sent to sign in", async () => {
    for (const client of [staff, viewer]) {
      expect((await client.get("/settings/retention")).status).toBe(403);
      expect((await client.post("/settings/retention", { intent: "period", months: "1" })).status).toBe(403);
      expect((await client.post("/settings/retention", { intent: "run", months: "24", asOf: new Date().toISOString() })).status).toBe(403);
    }
    const stranger = await new TestClient(server.url).get("/settings/retention");
    expect(stranger.status).toBe(302);
    expect(locationOf(stranger)).toMatch(/^\/login/);
    expect((await namesOf(events.old)).map((d) => d.given_name)).toEqual(["Олег", "Анна"]);
    const settings = await (await admin.get("/settings", { "accept-language": "en" })).text();
    expect(settings).toContain('href="/settings/retention"');
    expect(settings).toContain("Data retention");
    expect(await (await staff.get("/settings", { "accept-language": "en" })).text()).not.toContain('href="/settings/retention"');
  });

  it("previews the event past the period (24 months by default) with its counts, and not the recent one", async () => {
    const response = await admin.get("/settings/retention", { "accept-language": "en" });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("What the next run anonymises");
    expect(html).toContain("Forum old");
    expect(html).not.toContain("Forum recent");
    // delegates 2, e-mail addresses and phones 2, replies 1, messages 0, rosters 0
    expect(html).toMatch(
      /Forum old<\/a><\/td><td>[^<]+<\/td><td class="numeric">2<\/td><td class="numeric">2<\/td><td class="numeric">1<\/td><td class="numeric">0<\/td>/,
    );
    expect(hidden(html, "months")).toBe("24");
    const russian = await (await admin.get("/settings/retention", { "accept-language": "ru" })).text();
    expect(russian).toContain("Что будет обезличено при следующем запуске");
  });

  it("checks and saves the period with an audit row; a longer period empties the preview", async () => {
    const wrong = await admin.post("/settings/retention", { intent: "period", months: "0" }, { "accept-language": "en" });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("Enter a whole number of months from 1 to 240.");
    const saved = await admin.post("/settings/retention", { intent: "period", months: "48" });
    expect(saved.status).toBe(302);
    expect(locationOf(saved)).toBe("/settings/retention?saved=1");
    const page = await (await admin.get("/settings/retention?saved=1", { "accept-language": "en" })).text();
    expect(page).toContain("Saved: personal data is kept for 48 months after an event.");
    expect(page).not.toContain("Forum old");
    expect(page).toContain("nothing to anonymise");
    const audit = await serverDb(server)
      .selectFrom("audit_log")
      .select(["actor_label", "details"])
      .where("action", "=", "settings.retention_changed")
      .execute();
    expect(audit).toEqual([{ actor_label: "admin@example.org", details: { before: 24, after: 48 } }]);
  });

  it("refuses a run confirmed under another period (409) and changes nothing", async () => {
    const response = await admin.post("/settings/retention", { intent: "run", months: "24", asOf: new Date().toISOString() }, { "accept-language": "en" });
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("The retention period changed since this page was opened.");
    expect((await namesOf(events.old)).map((d) => d.given_name)).toEqual(["Олег", "Анна"]);
  });

  it("runs what the preview showed: the old event is anonymised with its audit rows, the recent one is untouched, a second run finds nothing", async () => {
    expect((await admin.post("/settings/retention", { intent: "period", months: "24" })).status).toBe(302);
    const page = await (await admin.get("/settings/retention", { "accept-language": "en" })).text();
    const run = await admin.post("/settings/retention", { intent: "run", months: hidden(page, "months"), asOf: hidden(page, "asOf") });
    expect(run.status).toBe(302);
    expect(locationOf(run)).toBe("/settings/retention?events=1&delegates=2");
    const after = await (await admin.get(locationOf(run), { "accept-language": "en" })).text();
    expect(after).toContain("Done. Events: 1, delegates anonymised: 2.");
    expect(after).toContain("nothing to anonymise");

    expect(await namesOf(events.old)).toEqual([
      { given_name: ANONYMISED_NAME, family_name: null, email: null, role: "head" },
      { given_name: ANONYMISED_NAME, family_name: null, email: null, role: "official" },
    ]);
    expect((await namesOf(events.recent)).map((d) => d.given_name)).toEqual(["Олег", "Анна"]);
    const audit = await serverDb(server)
      .selectFrom("audit_log")
      .select(["action", "actor_label", "object_id"])
      .where("action", "in", ["replies.personal_data_anonymised", "replies.retention_run"])
      .orderBy("id")
      .execute();
    expect(audit).toEqual([
      { action: "replies.personal_data_anonymised", actor_label: "admin@example.org", object_id: events.old },
      { action: "replies.retention_run", actor_label: "admin@example.org", object_id: null },
    ]);

    const again = await admin.post("/settings/retention", { intent: "run", months: "24", asOf: new Date().toISOString() });
    expect(locationOf(again)).toBe("/settings/retention?events=0&delegates=0");
    expect(await serverDb(server).selectFrom("audit_log").select("id").where("action", "like", "replies.%").execute()).toHaveLength(2);
  });
});
