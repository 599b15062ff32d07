import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { newAccount, serverDb } from "../fixtures/staff";
import { databaseLabel } from "../helpers/db";
import { createAssembly } from "../helpers/events";
import { locationOf, type TestClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";
import { WebhookReceiver } from "../helpers/webhook-receiver";

async function waitFor(check: () => boolean, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const EN = { "accept-language": "en" };

/** Settings → Webhooks over HTTP, delivering from the server's own runner to a real endpoint started here. */
describe(`Settings → Webhooks over HTTP (${databaseLabel})`, () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let admin: TestClient;
  let staff: TestClient;
  let secret = "";
  let subscriptionId = "";

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    server = await startTestServer({ MAIL_RATE_PER_MINUTE: "0" });
    admin = (await newAccount(server, "admin", { email: "admin@example.org" })).client;
    staff = (await newAccount(server, "staff", { email: "staff@example.org" })).client;
  });
  afterAll(async () => {
    await server.dispose();
    await receiver.stop();
  });

  const create = (url: string, eventTypes = ["reply.changed", "event.status_changed"]) =>
    admin.request("POST", "/settings/webhooks", {
      form: new URLSearchParams([["intent", "create"], ["url", url], ["description", "Registration desk"], ...eventTypes.map((type) => ["eventTypes", type])]),
      headers: EN,
    });

  it("is for administrators only, and listed in the settings sections", async () => {
    expect((await staff.get("/settings/webhooks")).status).toBe(403);
    expect((await staff.post("/settings/webhooks", { intent: "settings", allowPrivate: "on" })).status).toBe(403);
    const page = await (await admin.get("/settings/webhooks", EN)).text();
    expect(page).toContain('href="/settings/webhooks"');
    expect(page).toContain("No webhooks yet");
  });

  it("refuses loopback, private, metadata and plain-http addresses until an administrator allows private targets", async () => {
    const refusals: [string, string][] = [
      [receiver.url(), "must start with https://"],
      [`https://127.0.0.1:${receiver.port}/`, "on this machine or a private network"],
      ["https://10.20.30.40/hooks", "on this machine or a private network"],
      ["https://[::1]/hooks", "on this machine or a private network"],
      [`https://localhost:${receiver.port}/`, "on this machine or a private network"],
      ["https://169.254.169.254/latest/meta-data/", "cloud metadata service"],
      ["ftp://hooks.example.org/", "must start with https://"],
    ];
    for (const [url, reason] of refusals) {
      const response = await create(url);
      expect(response.status, url).toBe(400);
      expect(await response.text(), url).toContain(reason);
    }
    expect(await serverDb(server).selectFrom("webhook_subscription").select("id").execute()).toEqual([]);

    const saved = await admin.post("/settings/webhooks", { intent: "settings", allowPrivate: "on" });
    expect(locationOf(saved)).toBe("/settings/webhooks?done=settings");
    // metadata stays refused even then
    expect((await create("http://169.254.169.254/latest/meta-data/")).status).toBe(400);
  });

  it("adds a webhook and shows its secret once; the secret is stored sealed", async () => {
    const response = await create(receiver.url());
    expect(response.status).toBe(200);
    const html = await response.text();
    secret = html.match(/value="(whsec_[A-Za-z0-9+/=]+)"/)?.[1] ?? "";
    expect(secret).toMatch(/^whsec_/);
    const rows = await serverDb(server).selectFrom("webhook_subscription").select(["id", "secret_sealed", "event_types", "enabled"]).execute();
    expect(rows).toHaveLength(1);
    subscriptionId = rows[0].id;
    expect(rows[0]).toMatchObject({ event_types: ["reply.changed", "event.status_changed"], enabled: true });
    expect(rows[0].secret_sealed).not.toContain(secret.slice(6));
    const again = await (await admin.get("/settings/webhooks", EN)).text();
    expect(again).not.toContain(secret);
    expect(again).toContain(receiver.url());
    expect(again).toContain("Nothing sent yet");
  });

  it("send test: the server's runner delivers a signed test event; the log shows the status code and answer", async () => {
    receiver.body = "thanks from the desk";
    const sent = await admin.post("/settings/webhooks", { intent: "test", id: subscriptionId });
    expect(locationOf(sent)).toBe(`/settings/webhooks/${subscriptionId}?done=test`);
    await waitFor(() => receiver.received.length === 1);
    const [hit] = receiver.received;
    expect(new Webhook(secret).verify(hit.body, hit.headers)).toMatchObject({ type: "webhook.test", data: { subscriptionId } });
    let log = "";
    for (let i = 0; i < 50 && !log.includes("Delivered"); i++) {
      log = await (await admin.get(`/settings/webhooks/${subscriptionId}`, EN)).text();
      if (!log.includes("Delivered")) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(log).toContain("Delivered");
    expect(log).toContain("thanks from the desk");
    expect(log).toContain(hit.headers["webhook-id"]);
    expect(await (await admin.get("/settings/webhooks", EN)).text()).toContain("Delivered");
    // and in /metrics (from loopback)
    expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/^plenary_webhook_deliveries\{status="delivered"\} 1$/m);
  });

  it("an event status change made on the event page reaches the endpoint, signed", async () => {
    const path = await createAssembly(admin);
    const opened = await admin.post(path, { version: "1", to: "open" });
    expect(opened.status).toBe(302);
    await waitFor(() => receiver.received.some((hit) => hit.body.includes("event.status_changed")));
    const hit = receiver.received.find((h) => h.body.includes("event.status_changed"))!;
    expect(new Webhook(secret).verify(hit.body, hit.headers)).toMatchObject({
      type: "event.status_changed",
      data: { eventId: path.split("/").pop(), from: "draft", to: "open" },
    });
  });

  it("disable, enable and delete are audited; a deleted webhook's log is gone", async () => {
    expect(locationOf(await admin.post("/settings/webhooks", { intent: "disable", id: subscriptionId }))).toBe("/settings/webhooks?done=disabled");
    expect(await (await admin.get("/settings/webhooks", EN)).text()).toContain("Disabled");
    expect(locationOf(await admin.post("/settings/webhooks", { intent: "enable", id: subscriptionId }))).toBe("/settings/webhooks?done=enabled");
    expect(locationOf(await admin.post("/settings/webhooks", { intent: "delete", id: subscriptionId }))).toBe("/settings/webhooks?done=deleted");
    expect((await admin.get(`/settings/webhooks/${subscriptionId}`)).status).toBe(404);
    expect((await admin.post("/settings/webhooks", { intent: "test", id: subscriptionId })).status).toBe(404);
    const db = serverDb(server);
    expect(await db.selectFrom("webhook_delivery").select("id").execute()).toEqual([]);
    const actions = (await db.selectFrom("audit_log").select("action").where("action", "like", "webhooks.%").orderBy("at").execute()).map((r) => r.action);
    expect(actions).toEqual([
      "webhooks.private_targets_changed",
      "webhooks.created",
      "webhooks.test_sent",
      "webhooks.disabled",
      "webhooks.enabled",
      "webhooks.deleted",
    ]);
  });
});
