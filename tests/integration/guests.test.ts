import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { databaseLabel, type PreparedDatabase, prepareServerDatabase } from "../helpers/db";
import { createAssembly } from "../helpers/events";
import { locationOf, TestClient } from "../helpers/http";
import { waitFor } from "../helpers/replies";
import { startTestServer, type TestServer } from "../helpers/server";
import { SmtpSink } from "../helpers/smtp-sink";
import { createUser, TEST_PASSWORD } from "../helpers/users";

/** Issue 18 §3 through HTTP: the Guests page, inviting guests from an event, the guest's letter and link. */
describe(`guests over HTTP (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let sink: SmtpSink;
  let staff: TestClient;
  let viewer: TestClient;
  let guestId = "";

  const guest = {
    intent: "save",
    kind: "organisation",
    "names.en": "UN ESCAP",
    "names.ru": "ЭСКАТО ООН",
    country: "TH",
    email: "escap@example.org",
    defaultLocale: "ru",
  };

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    database = await prepareServerDatabase();
    createUser(database.env, "admin@example.org", "admin");
    createUser(database.env, "viewer@example.org", "viewer");
    server = await startTestServer({ SMTP_URL: sink.url(), MAIL_RETRY_BASE_SECONDS: "0.2" }, database);
    staff = new TestClient(server.url);
    await staff.signIn("admin@example.org", TEST_PASSWORD);
    viewer = new TestClient(server.url);
    await viewer.signIn("viewer@example.org", TEST_PASSWORD);
    expect(locationOf(await staff.post("/members?index", { intent: "load-demo" }))).toBe("/members?loaded=82");
  }, 300_000);
  afterAll(async () => {
    await server?.dispose();
    await sink?.stop();
  });

  it("adds a guest through the form, refuses bad input in the user's language and keeps viewers out", async () => {
    const bad = await staff.post("/members/guests?index", { ...guest, email: "not an address", kind: "governor" }, { "accept-language": "ru" });
    expect(bad.status).toBe(400);
    const refused = await viewer.post("/members/guests?index", guest);
    expect(refused.status).toBe(403);
    const created = await staff.post("/members/guests?index", guest);
    expect(created.status).toBe(302);
    expect(locationOf(created)).toBe("/members/guests?added=1");
    const duplicate = await staff.post("/members/guests?index", { ...guest, "names.en": "un escap" });
    expect(duplicate.status).toBe(409);
    const page = await (await staff.get("/members/guests")).text();
    guestId = page.match(/href="\/members\/guests\/([0-9a-f-]{36})"/)![1];
    expect(page).toContain("UN ESCAP");
    expect(page).toContain("International organisation");
    // not one of the 82 members
    const members = await (await staff.get("/members?q=ESCAP")).text();
    expect(members).not.toContain("UN ESCAP");
    expect(await (await staff.get("/members")).text()).toMatch(/82/);
    // a viewer sees the list but not the form
    const seen = await (await viewer.get("/members/guests")).text();
    expect(seen).toContain("UN ESCAP");
    expect(seen).not.toContain('name="email"');
    expect((await viewer.get(`/members/guests/${guestId}`)).status).toBe(403);
    expect((await staff.get("/members/guests/not-a-uuid")).status).toBe(404);
  });

  it("edits a guest with its version, and a stale version is sent back to the current data", async () => {
    const edit = await staff.post(`/members/guests/${guestId}`, { ...guest, "names.ko": "유엔 아태경제사회위원회", version: "1" });
    expect(locationOf(edit)).toBe("/members/guests");
    const stale = await staff.post(`/members/guests/${guestId}`, { ...guest, version: "1" });
    expect(locationOf(stale)).toBe(`/members/guests/${guestId}?conflict=1`);
    expect((await staff.post(`/members/guests/${guestId}`, { ...guest, version: "x" })).status).toBe(400);
  });

  it("invites the guest from the event's Invitations page: its own letter, link and reply page; members' tallies unchanged", async () => {
    const eventPath = await createAssembly(staff, { categories: "delegate" });
    expect((await staff.post(eventPath, { to: "open", version: "1" })).status).toBe(302);
    const page = await (await staff.get(`${eventPath}/invitations`)).text();
    expect(page).toContain('name="guestIds"');
    expect(page).toContain(`value="${guestId}"`);
    // the member list of the page does not offer the guest
    expect(page).not.toMatch(new RegExp(`name="memberIds"[^>]*value="${guestId}"`));

    const none = await staff.post(`${eventPath}/invitations`, { intent: "invite-guests", category: "observer" });
    expect(none.status).toBe(400);
    const badCategory = new URLSearchParams({ intent: "invite-guests", category: "staff", guestIds: guestId });
    expect((await staff.post(`${eventPath}/invitations`, badCategory)).status).toBe(400);
    expect(
      (await viewer.post(`${eventPath}/invitations`, new URLSearchParams({ intent: "invite-guests", category: "observer", guestIds: guestId }))).status,
    ).toBe(403);

    const form = new URLSearchParams({ intent: "invite-guests", category: "observer", singlePerson: "on", guestIds: guestId });
    const sent = await staff.post(`${eventPath}/invitations`, form);
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain("1 guest invited.");
    await waitFor(() => sink.messages.some((m) => JSON.stringify(m.to).includes("escap@example.org")));
    const mail = sink.messages.find((m) => JSON.stringify(m.to).includes("escap@example.org"))!;
    expect(String(mail.html)).toMatch(/<html[^>]*lang="ru"/);
    const link = mail.text!.match(/https?:\/\/\S+\/r\/[A-Za-z0-9_-]{43}/)![0];
    const landing = await fetch(link);
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain("ЭСКАТО ООН");

    // the page now marks the guest invited; the event's tallies count members only
    expect(await (await staff.get(`${eventPath}/invitations`)).text()).toContain("Invited");
    const eventPage = await (await staff.get(eventPath)).text();
    expect(eventPage).toContain("UN ESCAP");

    // once invited, removing the guest archives it: its invitation stays
    const removed = await staff.post(`/members/guests/${guestId}`, { intent: "remove", version: "2" });
    expect(locationOf(removed)).toBe("/members/guests?removed=archived");
    expect((await fetch(link)).status).toBe(200);
  });
});
