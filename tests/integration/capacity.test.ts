import fs from "node:fs";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { databaseLabel, type PreparedDatabase, prepareServerDatabase } from "../helpers/db";
import { createAssembly } from "../helpers/events";
import { locationOf, TestClient } from "../helpers/http";
import { ROOT } from "../helpers/paths";
import { formState, inviteCountry, waitFor } from "../helpers/replies";
import { startTestServer, type TestServer } from "../helpers/server";
import { SmtpSink } from "../helpers/smtp-sink";
import { createUser, TEST_PASSWORD } from "../helpers/users";

/** A capacity string in the page's language, as the page writes it (HTML-escaped is not needed: no markup in them). */
function tr(lng: string, key: string, values: Record<string, string | number> = {}) {
  const json = JSON.parse(fs.readFileSync(path.join(ROOT, `app/locales/${lng}/capacity.json`), "utf8"));
  const text = key.split(".").reduce((node, part) => node[part], json) as string;
  return text.replace(/\{\{(\w+)\}\}/g, (_, name) => String(values[name]));
}

const langOf = (html: string) => html.match(/<html[^>]*lang="([a-z]{2})/)![1];

/**
 * Issue 18 §7 through HTTP: the last place on a dinner goes to the first delegation, the second waits and sees
 * its position on the reply page, a decline promotes it with an email, and staff approval keeps pending people
 * off the list until staff decide.
 */
describe(`capacity, waiting list and approval over HTTP (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let sink: SmtpSink;
  let staff: TestClient;
  let eventPath = "";
  let itemId = "";
  const links: string[] = [];

  function replyBody(state: { revision: string; submission: string }, response: string, people: Record<string, string>[]) {
    const body = new URLSearchParams({ response, ...state });
    people.forEach((person, i) => {
      for (const [field, value] of Object.entries(person)) body.append(`delegates[${i}].${field}`, value);
    });
    return body;
  }

  async function answer(link: string, response: string, people: Record<string, string>[]) {
    const reader = new TestClient(server.url);
    const pathname = new URL(link).pathname;
    const html = await (await reader.get(pathname)).text();
    const posted = await reader.post(pathname, replyBody(formState(html), response, people));
    expect([302, 303]).toContain(posted.status);
    return (await reader.get(pathname)).text();
  }

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    database = await prepareServerDatabase();
    createUser(database.env, "admin@example.org", "admin");
    server = await startTestServer({ SMTP_URL: sink.url(), MAIL_RETRY_BASE_SECONDS: "0.2" }, database);
    staff = new TestClient(server.url);
    await staff.signIn("admin@example.org", TEST_PASSWORD);
    expect(locationOf(await staff.post("/members?index", { intent: "load-demo" }))).toBe("/members?loaded=82");
    eventPath = await createAssembly(staff);
    const added = await staff.post(`${eventPath}/programme/new`, {
      kind: "welcome_dinner",
      start: "2027-06-16T19:00",
      end: "2027-06-16T21:00",
      "title.en": "Welcome dinner",
      attendanceAsked: "on",
      capacity: "1",
    });
    expect(added.status).toBe(302);
    itemId = (await (await staff.get(eventPath)).text()).match(/\/programme\/([0-9a-f-]{36})/)![1];
    links.push(...(await inviteCountry(staff, sink, { eventPath, country: "KR", count: 2 })));
  });
  afterAll(async () => {
    await server?.dispose();
    await sink?.stop();
  });

  it("the last place goes to the first delegation; the second sees its waiting-list position; a decline promotes it with an email", async () => {
    await answer(links[0], "attending", [{ role: "head", nameLocale: "en", givenName: "First", programme: itemId }]);
    const second = await answer(links[1], "attending", [
      { role: "head", nameLocale: "en", givenName: "Second", email: "second@example.org", programme: itemId },
    ]);
    const lng = langOf(second);
    expect(second).toContain(tr(lng, "status.waiting", { item: "Welcome dinner", position: 1 }));
    // the waiting item stays in the form (the saved person's card carries it), so saving again keeps the turn
    expect(second).toContain(`<input type="hidden" name="delegates[0].programme" value="${itemId}"/>`);
    const opened = await (await fetch(`${links[1]}?edit=1`)).text();
    expect(opened).toMatch(new RegExp(`value="${itemId}"[^>]*checked|checked[^>]*value="${itemId}"`));

    const item = await (await staff.get(`${eventPath}/programme/${itemId}`)).text();
    expect(item).toContain(tr("en", "item.taken", { registered: 1, capacity: 1, waiting: 1 }));
    expect(item).toContain("First");
    expect(item).toContain("Second");

    const before = sink.messages.length;
    await answer(links[0], "declining", []);
    // the promoted person hears of the place (their updated e-badge may come too: that is another message)
    const promoted = (m: (typeof sink.messages)[number]) =>
      [m.to].flat().some((a) => a?.text.includes("second@example.org")) && m.subject === tr(lng, "mail.promotedSubject", { item: "Welcome dinner" });
    await waitFor(() => sink.messages.slice(before).some(promoted));
    const mail = sink.messages.slice(before).find(promoted)!;
    expect(mail.text).toMatch(/\/r\/[A-Za-z0-9_-]{43}/);
    const after = await (await fetch(links[1])).text();
    expect(after).not.toContain(tr(lng, "status.waiting", { item: "Welcome dinner", position: 1 }));
  });

  it("delegates of a category needing approval are pending and off the list until staff approve them (bulk), with an email", async () => {
    const roster = () => staff.get(`${eventPath}/roster`).then((r) => r.text());
    expect(await roster()).toContain("Second");
    expect(locationOf(await staff.post(`${eventPath}/approvals`, { intent: "categories", categories: "delegate" }))).toBe(
      `${eventPath}/approvals?saved=categories`,
    );
    const page = await (await fetch(links[1])).text();
    expect(page).toContain(tr(langOf(page), "status.approval.pending"));
    expect(await roster()).not.toContain("Second");

    // nothing selected, or a forged decision: a clear refusal, nothing written
    const none = await staff.post(`${eventPath}/approvals`, { intent: "decide", decision: "approved" });
    expect(none.status).toBe(400);
    expect(await none.text()).toContain("capacity:approvals.nothingSelected");
    expect((await staff.post(`${eventPath}/approvals`, { intent: "decide", decision: "maybe", delegateId: "x" })).status).toBe(400);

    const approvals = await (await staff.get(`${eventPath}/approvals`)).text();
    const ids = [...approvals.matchAll(/name="delegateId"[^>]*value="([0-9a-f-]{36})"/g)].map((m) => m[1]);
    expect(ids).toHaveLength(1);
    const before = sink.messages.length;
    const form = new URLSearchParams({ intent: "decide", decision: "approved" });
    for (const id of ids) form.append("delegateId", id);
    expect(locationOf(await staff.post(`${eventPath}/approvals`, form))).toBe(`${eventPath}/approvals?saved=approved&count=1`);
    await waitFor(() => sink.messages.slice(before).some((m) => [m.to].flat().some((a) => a?.text.includes("second@example.org"))));
    expect(await roster()).toContain("Second");
    const audit = await (await staff.get("/settings/audit")).text();
    expect(audit).toContain("Registration approved or refused");
  });
});
