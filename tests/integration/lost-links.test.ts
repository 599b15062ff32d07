import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { parseEnv } from "~/env.server";
import { resendLinksTo } from "~/mail/lost-links.server";
import { loadDemo } from "../fixtures/directory";
import { newAccount, serverDb } from "../fixtures/staff";
import { databaseLabel, type PreparedDatabase, prepareServerDatabase } from "../helpers/db";
import { createAssembly } from "../helpers/events";
import { TestClient } from "../helpers/http";
import { inviteCountry, waitFor } from "../helpers/replies";
import { startTestServer, type TestServer } from "../helpers/server";
import { SmtpSink } from "../helpers/smtp-sink";

const tokenOf = (text: string) => text.match(/\/r\/([A-Za-z0-9_-]{43})/)?.[1];
const addresses = (field: unknown) => ((field as { value?: { address: string }[] } | undefined)?.value ?? []).map((a) => a.address);
/** The card of a public page: what the visitor reads, without the per-request nonce around it. */
const card = (html: string) => html.match(/<main[\s\S]*?<\/main>/)?.[0];

/**
 * "Send me my link again" (issue 18 §6): the page for an unusable link asks for an address; the link of every open
 * invitation that address is a recipient of goes to it, and only to it; the answer is the same for any address.
 */
describe(`lost reply links (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let sink: SmtpSink;
  let admin: TestClient;
  let eventPath = "";
  const invited: { token: string; to: string[]; cc: string[] }[] = [];

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    database = await prepareServerDatabase();
    server = await startTestServer({ SMTP_URL: sink.url(), MAIL_RETRY_BASE_SECONDS: "0.2" }, database);
    admin = (await newAccount(server, "admin")).client;
    await loadDemo(admin);
    eventPath = await createAssembly(admin);
    await inviteCountry(admin, sink, { eventPath, country: "RU", count: 2 });
    for (const message of sink.messages) invited.push({ token: tokenOf(message.text!)!, to: addresses(message.to), cc: addresses(message.cc) });
    expect(invited).toHaveLength(2);
    expect(invited[0].cc.length).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await server?.dispose();
    await sink?.stop();
  });

  it("the page for an unusable link offers to send the link again, in the reader's language", async () => {
    const response = await fetch(`${server.url}/r/${"A".repeat(43)}`, { headers: { "accept-language": "ru" } });
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain("Потеряли ссылку?");
    expect(html).toMatch(/<form[^>]*method="post"[^>]*action="\/r\/resend"/);
  });

  it("a focal point's address gets the member's current link, to that address only; a stranger gets the same answer and nothing", async () => {
    const visitor = new TestClient(server.url);
    const focal = invited[0].cc[0];
    const before = sink.messages.length;
    const known = await visitor.post("/r/resend", { email: focal.toUpperCase() });
    const unknown = await visitor.post("/r/resend", { email: "stranger@example.org" });
    expect([known.status, unknown.status]).toEqual([200, 200]);
    const [knownCard, unknownCard] = [card(await known.text()), card(await unknown.text())];
    expect(knownCard).toContain("If this address belongs to an invitation that is still open");
    expect(unknownCard).toBe(knownCard);

    await waitFor(() => sink.messages.length > before);
    const again = sink.messages.slice(before);
    expect(again).toHaveLength(1);
    expect(addresses(again[0].to)).toEqual([focal]);
    expect(addresses(again[0].cc)).toEqual([]);
    // the same link as in the invitation, live, in the invitation's language (Russian)
    expect(tokenOf(again[0].text!)).toBe(invited[0].token);
    expect(again[0].subject).toContain("Ваша ссылка для ответа");
    expect((await fetch(`${server.url}/r/${invited[0].token}`)).status).toBe(200);

    // on record: who asked for which invitation
    const audit = await serverDb(server)
      .selectFrom("audit_log")
      .select(["actor_label", "object_type", "details"])
      .where("action", "=", "invitations.link_requested")
      .execute();
    expect(audit).toEqual([{ actor_label: focal, object_type: "invitation", details: { address: focal, as: "recipient" } }]);
  });

  it("asking twice within the hour sends once; a revoked link and a closed event are never sent again", async () => {
    const db = serverDb(server);
    const env = parseEnv({ DATA_DIR: database.dataDir, APP_URL: server.url, ...database.env });
    const head = invited[1].to[0];
    expect(await resendLinksTo(db, { env, address: head })).toBe(1);
    expect(await resendLinksTo(db, { env, address: head })).toBe(0);
    // an address that is only a contact's second one, or a stranger's, is not a recipient
    expect(await resendLinksTo(db, { env, address: "nobody@example.org" })).toBe(0);

    const invitationId = (await db.selectFrom("invitation").select("id").where("event_id", "=", eventPath.split("/").at(-1)!).execute()).map((r) => r.id);
    await admin.post(eventPath, { intent: "revoke", invitationId: invitationId[0] });
    await admin.post(eventPath, { intent: "revoke", invitationId: invitationId[1] });
    const later = new Date(Date.now() + 2 * 3600_000);
    expect(await resendLinksTo(db, { env, address: head, now: later })).toBe(0);
    expect(await resendLinksTo(db, { env, address: invited[0].cc[0], now: later })).toBe(0);
  });

  it("a malformed address is refused next to the field; an eleventh request from one client within the hour gets 429", async () => {
    const visitor = new TestClient(server.url);
    // a public form: a few hundred bytes, never megabytes
    expect((await visitor.post("/r/resend", { email: `${"x".repeat(100_000)}@example.org` })).status).toBe(413);
    const refused = await visitor.post("/r/resend", { email: "not an address" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/valid email address/);
    let status = 0;
    for (let i = 0; i < 12 && status !== 429; i++) status = (await visitor.post("/r/resend", { email: `someone${i}@example.org` })).status;
    expect(status).toBe(429);
  });
});
