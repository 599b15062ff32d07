import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { databaseLabel, type PreparedDatabase, prepareServerDatabase, withServerDb } from "../helpers/db";
import { createAssembly } from "../helpers/events";
import { locationOf, TestClient } from "../helpers/http";
import { inviteCountry } from "../helpers/replies";
import { startTestServer, type TestServer } from "../helpers/server";
import { SmtpSink } from "../helpers/smtp-sink";
import { createUser, TEST_PASSWORD } from "../helpers/users";

/** The invitations of a page's checkboxes (the list) or of its hidden fields (the confirmation page). */
const ids = (html: string, type = "checkbox") =>
  [...html.matchAll(new RegExp(`<input[^>]*type="${type}"[^>]*name="invitationId"[^>]*value="([0-9a-f-]{36})"`, "g"))].map((m) => m[1]);

function bulkForm(fields: Record<string, string>, invitationIds: string[]) {
  const form = new URLSearchParams(fields);
  for (const id of invitationIds) form.append("invitationId", id);
  return form;
}

describe(`bulk actions on selected invitations (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let sink: SmtpSink;
  let staff: TestClient;
  let eventPath = "";
  let otherPath = "";
  let mine: string[] = [];
  let foreign = "";

  const snapshot = () =>
    withServerDb(server, database.env, async (db) => ({
      invitations: await db.selectFrom("invitation").select(["id", "response", "revision"]).orderBy("id").execute(),
      tokens: await db.selectFrom("invitation_token").select(["token_hash", "revoked_at"]).orderBy("token_hash").execute(),
      mail: (await db.selectFrom("email_message").select("id").execute()).length,
      audit: (await db.selectFrom("audit_log").select("id").execute()).length,
    }));

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    database = await prepareServerDatabase();
    createUser(database.env, "admin@example.org", "admin");
    createUser(database.env, "viewer@example.org", "viewer");
    server = await startTestServer({ SMTP_URL: sink.url(), MAIL_RETRY_BASE_SECONDS: "0.2" }, database);
    staff = new TestClient(server.url);
    await staff.signIn("admin@example.org", TEST_PASSWORD);
    expect(locationOf(await staff.post("/members?index", { intent: "load-demo" }))).toBe("/members?loaded=82");
    eventPath = await createAssembly(staff);
    await inviteCountry(staff, sink, { eventPath, country: "RU", count: 4 });
    otherPath = await createAssembly(staff, { "title.en": "Working committee" });
    await inviteCountry(staff, sink, { eventPath: otherPath, country: "MN", count: 1 });
    mine = ids(await (await staff.get(eventPath)).text());
    foreign = ids(await (await staff.get(otherPath)).text())[0];
    expect(mine).toHaveLength(4);
    expect(foreign).toBeDefined();
  }, 400_000);
  afterAll(async () => {
    await server?.dispose();
    await sink?.stop();
    await database?.dispose();
  });

  it("the confirmation states the number of the SELECTED invitations (not of the list), in the user's language, and changes nothing", async () => {
    const before = await snapshot();
    const review = await staff.post(`${eventPath}/bulk`, bulkForm({ action: "remind", step: "review" }, mine.slice(0, 2)), { "accept-language": "en" });
    expect(review.status).toBe(200);
    const html = await review.text();
    expect(html).toContain("This applies to exactly 2 selected invitations");
    expect(html).toContain("Confirm for 2 invitations");
    expect(ids(html, "hidden").sort()).toEqual(mine.slice(0, 2).sort());
    // "select all on this page" without JavaScript: the page's rows are added, each once
    const page = new URLSearchParams({ action: "reissue", step: "review", selectPage: "on" });
    for (const id of mine) page.append("pageId", id);
    page.append("invitationId", mine[0]);
    expect(await (await staff.post(`${eventPath}/bulk`, page)).text()).toContain("This applies to exactly 4 selected invitations");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a crafted post with another event's invitation: nothing changes, whatever the step", async () => {
    // (signing in is audited: the viewer signs in before the snapshot)
    const viewer = new TestClient(server.url);
    await viewer.signIn("viewer@example.org", TEST_PASSWORD);
    const before = await snapshot();
    for (const action of ["remind", "reissue", "declining"]) {
      for (const step of ["review", "confirm"]) {
        const response = await staff.post(
          `${eventPath}/bulk`,
          bulkForm({ action, step, batch: crypto.randomUUID(), reason: "Letter from the office", sendLinks: "on" }, [mine[0], foreign]),
          { "accept-language": "ru" },
        );
        expect(response.status, `${action} ${step}`).toBe(400);
        expect(await response.text()).toContain("Некоторые выбранные приглашения относятся не к этому мероприятию");
      }
    }
    // nothing selected, malformed ids, more than 500, and a viewer: refused too
    expect((await staff.post(`${eventPath}/bulk`, bulkForm({ action: "remind", step: "review" }, []))).status).toBe(400);
    expect((await staff.post(`${eventPath}/bulk`, bulkForm({ action: "remind", step: "review" }, ["1 or 1=1"]))).status).toBe(400);
    const many = Array.from({ length: 501 }, () => crypto.randomUUID());
    const tooMany = await staff.post(`${eventPath}/bulk`, bulkForm({ action: "remind", step: "review" }, many));
    expect(tooMany.status).toBe(400);
    expect(await tooMany.text()).toContain("At most 500 invitations");
    expect((await viewer.post(`${eventPath}/bulk`, bulkForm({ action: "remind", step: "confirm", batch: crypto.randomUUID() }, [mine[0]]))).status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it("reminds exactly the selected (a second click queues nothing more), re-issues their links and mails the new ones", async () => {
    const batch = crypto.randomUUID();
    const sent = sink.messages.length;
    const confirm = () =>
      staff.post(`${eventPath}/bulk`, bulkForm({ action: "remind", step: "confirm", batch, returnTo: `${eventPath}?answer=awaiting` }, mine.slice(0, 2)));
    const first = await confirm();
    expect(first.status).toBe(303);
    expect(locationOf(first)).toBe(`${eventPath}?answer=awaiting&bulk=remind&bulkCount=2#invitations`);
    expect(locationOf(await confirm())).toContain("bulkCount=0");
    await expect.poll(() => sink.messages.length, { timeout: 20_000 }).toBe(sent + 2);

    const oldLinks = sink.messages.slice(sent).map((m) => m.text!.match(/https?:\/\/\S+\/r\/[A-Za-z0-9_-]{43}/)![0]);
    expect((await fetch(oldLinks[0])).status).toBe(200);
    const reissue = await staff.post(
      `${eventPath}/bulk`,
      bulkForm({ action: "reissue", step: "confirm", batch: crypto.randomUUID(), sendLinks: "on" }, mine.slice(0, 2)),
    );
    expect(locationOf(reissue)).toContain("bulk=reissue&bulkCount=2");
    for (const link of oldLinks) expect((await fetch(link)).status).toBe(404);
    await expect.poll(() => sink.messages.length, { timeout: 20_000 }).toBe(sent + 4);
    const newLinks = sink.messages.slice(sent + 2).map((m) => m.text!.match(/https?:\/\/\S+\/r\/[A-Za-z0-9_-]{43}/)![0]);
    for (const link of newLinks) expect((await fetch(link)).status).toBe(200);
    const audit = await withServerDb(server, database.env, (db) =>
      db.selectFrom("audit_log").select(["action", "object_id"]).where("action", "=", "invitations.link_reissued").execute(),
    );
    expect(audit.map((a) => a.object_id).sort()).toEqual(mine.slice(0, 2).sort());
  });

  it("answers on their behalf only with a reason, through the reply history and the audit log, all or nothing", async () => {
    const noReason = await staff.post(`${eventPath}/bulk`, bulkForm({ action: "declining", step: "confirm", batch: crypto.randomUUID() }, mine.slice(2)));
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain("Give a reason for answering on their behalf");
    const done = await staff.post(
      `${eventPath}/bulk`,
      bulkForm({ action: "declining", step: "confirm", batch: crypto.randomUUID(), reason: "Letter of regret received by post" }, mine.slice(2)),
    );
    expect(locationOf(done)).toContain("bulk=declining&bulkCount=2");
    const state = await withServerDb(server, database.env, async (db) => ({
      invitations: await db.selectFrom("invitation").select(["id", "response"]).where("id", "in", mine).execute(),
      changes: await db.selectFrom("invitation_change").select(["invitation_id", "actor_kind", "reason"]).where("invitation_id", "in", mine).execute(),
      audit: await db.selectFrom("audit_log").select(["object_id"]).where("action", "=", "replies.answered_on_behalf").execute(),
    }));
    expect(
      state.invitations
        .filter((i) => i.response === "declining")
        .map((i) => i.id)
        .sort(),
    ).toEqual(mine.slice(2).sort());
    expect(state.changes.filter((c) => c.actor_kind === "staff" && c.reason === "Letter of regret received by post")).toHaveLength(2);
    expect(state.audit.map((a) => a.object_id).sort()).toEqual(mine.slice(2).sort());
  });
});
