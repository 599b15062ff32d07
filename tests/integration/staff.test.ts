import http from "node:http";

import { parse } from "csv-parse/sync";
import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { DB } from "~/db.server";
import { recordAccess } from "~/models/audit.server";
import { changeStaffRole, createStaffUser, disableStaffUser, LastAdminError } from "~/models/staff-user.server";
import { newAccount, serverDb, signIn } from "../fixtures/staff";
import { createTestDb, databaseLabel, type TestDb } from "../helpers/db";
import { locationOf, TestClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";
import { SmtpSink } from "../helpers/smtp-sink";
import { TEST_PASSWORD } from "../helpers/users";

async function waitFor<T>(find: () => T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const LINK = /https?:\/\/\S+\/account\/password\/[A-Za-z0-9_-]{43}/;
const NEW_PASSWORD = "a colleague's own long passphrase";
const HOUR = 3_600_000;

const pathOf = (link: string) => new URL(link).pathname;
const strip = (html: string) => html.replace(/nonce="[^"]+"/g, "").replace(/\/account\/password\/[^"\s<]+/g, "/account/password/TOKEN");
const roleCells = (html: string) => [...html.matchAll(/<td>(Administrator|Staff|Viewer)<\/td>/g)].map((m) => m[1]);
const activeAdmins = (html: string) => html.match(/<td>Administrator<\/td><td><span class="badge status-open">Active</g) ?? [];

/** Leaves `ids` the only active administrators (the last-administrator rules count them); the others belong to finished tests. */
const onlyActiveAdmins = (db: DB, ids: string[]) =>
  db
    .updateTable("staff_user")
    .set({ disabled_at: new Date() })
    .where("role", "=", "admin")
    .where("disabled_at", "is", null)
    .where("id", "not in", ids)
    .execute();

/** The status of a GET sent from another loopback address: a client of its own for the per-client limits. */
function statusFrom(localAddress: string, url: string) {
  return new Promise<number>((resolve, reject) => {
    http
      .get(url, { localAddress, agent: false }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
      .on("error", reject);
  });
}

/**
 * Every test makes the accounts it acts on (tests/fixtures/staff.ts) and reads only the mail to its own addresses:
 * the server and the SMTP sink are shared, no account is, so each test passes alone and in any order.
 */
describe(`staff accounts and the audit log (${databaseLabel})`, () => {
  let server: TestServer;
  let sink: SmtpSink;

  /** The newest email to `address`, once the worker has delivered it to the sink (after `count` earlier ones). */
  const mailTo = (address: string, count = 0) =>
    waitFor(() => {
      const mails = sink.messages.filter((m) => JSON.stringify(m.to).toLowerCase().includes(address));
      return mails.length > count ? mails.at(-1) : undefined;
    });
  const mailsTo = (address: string) => sink.messages.filter((m) => JSON.stringify(m.to).toLowerCase().includes(address)).length;
  const linkOf = (mail: ParsedMail) => mail.text!.match(LINK)![0];

  async function invite(admin: TestClient, email: string, fields: Record<string, string> = {}) {
    const response = await admin.post("/settings/staff?index", {
      intent: "invite",
      email,
      displayName: email.split("@")[0],
      role: "staff",
      locale: "",
      ...fields,
    });
    expect(response.status).toBe(302);
    return locationOf(response).match(/\/settings\/staff\/([0-9a-f-]{36})\?done=invited$/)![1];
  }

  /** Opens a set-password link in a new browser and chooses `password` there; returns that (signed-in) browser. */
  async function setPassword(link: string, password = NEW_PASSWORD) {
    const browser = new TestClient(server.url);
    expect((await browser.post(pathOf(link), { password, confirmPassword: password })).status).toBe(302);
    return browser;
  }

  async function signedIn(email: string, password: string) {
    const client = new TestClient(server.url);
    const response = await client.signIn(email, password);
    return response.status === 302 ? client : null;
  }

  const auditSince = (marker: string) =>
    serverDb(server)
      .selectFrom("audit_log")
      .select(["id", "action", "actor_label as actor", "object_id as objectId", "details"])
      .where("id", ">", marker)
      .orderBy("id")
      .execute();
  const lastAuditId = async () => (await serverDb(server).selectFrom("audit_log").select("id").orderBy("id", "desc").limit(1).executeTakeFirst())?.id ?? "0";

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    server = await startTestServer({ SMTP_URL: sink.url(), MAIL_RETRY_BASE_SECONDS: "0.2" });
  });
  afterAll(async () => {
    await server?.dispose();
    await sink?.stop();
  });

  it("invites a colleague: the email in their language carries a one-time link that sets the password and signs them in", async () => {
    const admin = (await newAccount(server, "admin")).client;
    const colleagueId = await invite(admin, "Kim.Minji@Example.org", { displayName: "Kim Minji", role: "staff", locale: "ko" });
    const detail = await (await admin.get(`/settings/staff/${colleagueId}?done=invited`)).text();
    expect(detail).toContain("The invitation to kim.minji@example.org has been queued for sending.");
    expect(detail).toContain("Invited (pending)");

    const mail = await mailTo("kim.minji@example.org");
    expect(mail.subject).toContain("Plenary 초대 안내");
    expect(mail.html).toContain('lang="ko"');
    expect(mail.text).toContain("Kim Minji 님께");
    expect(mail.text).toContain("7일 후 만료");
    const link = linkOf(mail);
    expect(link.startsWith(server.url)).toBe(true);

    const visitor = new TestClient(server.url);
    const page = await visitor.get(pathOf(link));
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.headers.getSetCookie()).toEqual([]);
    const form = await page.text();
    expect(form).toContain("kim.minji@example.org");
    expect(form).toContain('name="confirmPassword"');
    expect(form).toContain('<html lang="ko"'); // the language chosen for her, not the browser's (none sent here)

    // the first-run policy: at least 12 characters, typed twice
    expect((await visitor.post(pathOf(link), { password: "too short", confirmPassword: "too short" })).status).toBe(400);
    expect((await visitor.post(pathOf(link), { password: NEW_PASSWORD, confirmPassword: `${NEW_PASSWORD}!` })).status).toBe(400);
    const set = await visitor.post(pathOf(link), { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
    expect(set.status).toBe(302);
    expect(locationOf(set)).toBe("/");
    expect((await visitor.get("/")).status).toBe(200);

    // the link worked once
    const again = await new TestClient(server.url).get(pathOf(link));
    expect(again.status).toBe(404);
    expect(await again.text()).toContain("This link cannot be used");
    expect(
      (await new TestClient(server.url).post(pathOf(link), { password: "another long passphrase", confirmPassword: "another long passphrase" })).status,
    ).toBe(404);

    expect(await signedIn("kim.minji@example.org", NEW_PASSWORD)).not.toBeNull();
    const list = await (await admin.get("/settings/staff")).text();
    expect(list).toMatch(/Kim Minji<\/a><\/td><td[^>]*>kim\.minji@example\.org<\/td><td>Staff<\/td><td><span class="badge status-open">Active</);
  });

  it("refuses a second account for an existing email with a clear message", async () => {
    const admin = (await newAccount(server, "admin")).client;
    await newAccount(server, "staff", { email: "park.jiho@example.org" });
    const adminsBefore = roleCells(await (await admin.get("/settings/staff")).text()).filter((r) => r === "Administrator").length;
    const response = await admin.post("/settings/staff?index", {
      intent: "invite",
      email: " PARK.JIHO@example.org ",
      displayName: "Someone else",
      role: "admin",
      locale: "",
    });
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("There is already an account with this email address.");
    const list = await (await admin.get("/settings/staff")).text();
    expect(list.match(/<td class="small">park\.jiho@example\.org<\/td>/g)).toHaveLength(1);
    expect(roleCells(list).filter((r) => r === "Administrator")).toHaveLength(adminsBefore);
  });

  it("expired, used, unknown and malformed links get the same friendly page; a re-sent invitation works once, also when posted concurrently", async () => {
    const admin = (await newAccount(server, "admin")).client;
    await invite(admin, "accepted@example.org");
    const usedLink = linkOf(await mailTo("accepted@example.org"));
    await setPassword(usedLink);
    const pendingId = await invite(admin, "pending@example.org");
    const expiredLink = linkOf(await mailTo("pending@example.org"));
    await serverDb(server)
      .updateTable("staff_token")
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where("user_id", "=", pendingId)
      .execute();
    const pages = await Promise.all(
      [pathOf(expiredLink), pathOf(usedLink), `/account/password/${"A".repeat(43)}`, "/account/password/not-a-token"].map((path) =>
        fetch(`${server.url}${path}`),
      ),
    );
    const bodies = await Promise.all(pages.map((p) => p.text()));
    for (const [index, response] of pages.entries()) {
      expect(response.status, `link ${index}`).toBe(404);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(strip(bodies[index])).toBe(strip(bodies[0]));
    }
    expect(bodies[0]).toContain("Ask an administrator of your secretariat to send you a new link.");

    const before = mailsTo("pending@example.org");
    expect(locationOf(await admin.post(`/settings/staff/${pendingId}`, { intent: "resend" }))).toBe(`/settings/staff/${pendingId}?done=resent`);
    const fresh = linkOf(await mailTo("pending@example.org", before));
    expect(fresh).not.toBe(expiredLink);
    // the invitation goes in the inviting administrator's language when the invitee chose none
    expect((await mailTo("pending@example.org", before)).html).toContain('lang="en"');
    expect((await fetch(expiredLink)).status).toBe(404);
    expect((await fetch(fresh)).status).toBe(200);

    const attempts = await Promise.all(
      Array.from({ length: 5 }, () => new TestClient(server.url).post(pathOf(fresh), { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD })),
    );
    expect(attempts.map((r) => r.status).sort()).toEqual([302, 404, 404, 404, 404]);
    // a re-send is for invitations still pending only
    expect((await admin.post(`/settings/staff/${pendingId}`, { intent: "resend" })).status).toBe(409);
  });

  it("a demotion to viewer takes effect at once; disabling ends every session of the colleague at once", async () => {
    const admin = (await newAccount(server, "admin")).client;
    const colleague = await newAccount(server, "staff", { email: "demoted@example.org" });
    const second = await signIn(server, colleague.email);
    expect((await colleague.client.get("/settings/staff")).status).toBe(403);
    expect((await colleague.client.get("/members/new")).status).toBe(200);

    expect(locationOf(await admin.post(`/settings/staff/${colleague.id}`, { intent: "role", role: "viewer" }))).toBe(
      `/settings/staff/${colleague.id}?done=role`,
    );
    expect((await colleague.client.get("/members/new")).status).toBe(403);
    expect((await colleague.client.get("/settings/audit")).status).toBe(403);
    expect((await colleague.client.get("/settings/audit.csv")).status).toBe(403);
    expect((await colleague.client.get("/")).status).toBe(200);

    expect(locationOf(await admin.post(`/settings/staff/${colleague.id}`, { intent: "disable" }))).toBe(`/settings/staff/${colleague.id}?done=disabled`);
    for (const client of [colleague.client, second]) {
      const response = await client.get("/");
      expect(response.status).toBe(302);
      expect(locationOf(response)).toContain("ended=1");
    }
    const sessions = await serverDb(server).selectFrom("staff_session").select("id_hash").where("user_id", "=", colleague.id).execute();
    expect(sessions).toEqual([]);
    expect(await signedIn(colleague.email, TEST_PASSWORD)).toBeNull();
    expect(await (await admin.get("/settings/staff")).text()).toMatch(
      /demoted@example\.org<\/td><td>Viewer<\/td><td><span class="badge status-cancelled">Disabled</,
    );

    expect(locationOf(await admin.post(`/settings/staff/${colleague.id}`, { intent: "enable" }))).toBe(`/settings/staff/${colleague.id}?done=enabled`);
    expect(await signedIn(colleague.email, TEST_PASSWORD)).not.toBeNull();
  });

  it("a password reset link works for 24 hours, once, and ends the colleague's other sessions", async () => {
    const admin = (await newAccount(server, "admin")).client;
    const kim = await newAccount(server, "staff", { locale: "ko" });
    expect(locationOf(await admin.post(`/settings/staff/${kim.id}`, { intent: "reset" }))).toBe(`/settings/staff/${kim.id}?done=reset`);
    const mail = await mailTo(kim.email);
    expect(mail.subject).toContain("새 비밀번호");
    expect(mail.text).toContain("24시간");
    const { expires_at } = await serverDb(server)
      .selectFrom("staff_token")
      .select("expires_at")
      .where("user_id", "=", kim.id)
      .where("purpose", "=", "reset")
      .executeTakeFirstOrThrow();
    expect(new Date(expires_at).getTime() - Date.now()).toBeGreaterThan(23.9 * HOUR);
    expect(new Date(expires_at).getTime() - Date.now()).toBeLessThanOrEqual(24 * HOUR);
    // until the link is used the old password keeps working
    expect(await signedIn(kim.email, TEST_PASSWORD)).not.toBeNull();
    const browser = await setPassword(linkOf(mail), "the reset passphrase of Kim");
    expect(locationOf(await kim.client.get("/"))).toContain("/login");
    expect((await browser.get("/")).status).toBe(200);
    expect(await signedIn(kim.email, TEST_PASSWORD)).toBeNull();
    // once: the used link sets no other password
    expect((await fetch(linkOf(mail))).status).toBe(404);
    expect((await new TestClient(server.url).post(pathOf(linkOf(mail)), { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD })).status).toBe(404);
    expect(await signedIn(kim.email, NEW_PASSWORD)).toBeNull();
  });

  it("the last active administrator can be neither demoted nor disabled", async () => {
    const admin = await newAccount(server, "admin");
    const second = await newAccount(server, "admin");
    await onlyActiveAdmins(serverDb(server), [admin.id, second.id]);
    expect(locationOf(await admin.client.post(`/settings/staff/${second.id}`, { intent: "disable" }))).toBe(`/settings/staff/${second.id}?done=disabled`);
    const forms: Record<string, string>[] = [{ intent: "role", role: "staff" }, { intent: "disable" }];
    for (const form of forms) {
      const refused = await admin.client.post(`/settings/staff/${admin.id}`, form);
      expect(refused.status).toBe(409);
      expect(await refused.text()).toContain("This is the last active administrator.");
    }
    expect((await admin.client.get("/settings/staff")).status).toBe(200);
    expect(locationOf(await admin.client.post(`/settings/staff/${second.id}`, { intent: "enable" }))).toBe(`/settings/staff/${second.id}?done=enabled`);
  });

  it("two administrators demoting each other at the same moment leave one administrator", async () => {
    const first = await newAccount(server, "admin");
    const second = await newAccount(server, "admin");
    await onlyActiveAdmins(serverDb(server), [first.id, second.id]);
    const [a, b] = await Promise.all([
      first.client.post(`/settings/staff/${second.id}`, { intent: "role", role: "staff" }),
      second.client.post(`/settings/staff/${first.id}`, { intent: "role", role: "staff" }),
    ]);
    // one succeeds; the other is refused as the last admin, or (when it arrives later) is no admin any more
    const statuses = [a.status, b.status].sort();
    expect(statuses[0]).toBe(302);
    expect([403, 409]).toContain(statuses[1]);
    const [survivor, demotedId] = a.status === 302 ? [first.client, second.id] : [second.client, first.id];
    const list = await (await survivor.get("/settings/staff")).text();
    expect(activeAdmins(list)).toHaveLength(1);
    expect(locationOf(await survivor.post(`/settings/staff/${demotedId}`, { intent: "role", role: "admin" }))).toBe(`/settings/staff/${demotedId}?done=role`);
    expect((await first.client.get("/settings/staff")).status).toBe(200);
  });

  it("changing one's own password needs the current one and ends the other sessions, not this one", async () => {
    const kim = await newAccount(server, "staff", { locale: "ko" });
    const other = await signIn(server, kim.email);
    const next = "Kim's third passphrase, long";
    const wrong = await kim.client.post("/settings?index", {
      intent: "password",
      currentPassword: "not my password at all",
      newPassword: next,
      confirmPassword: next,
    });
    expect(wrong.status).toBe(400);
    // Kim's account has Korean as its language
    expect(await wrong.text()).toContain("현재 비밀번호가 올바르지 않습니다.");
    expect((await other.get("/")).status).toBe(200);

    const changed = await kim.client.post("/settings?index", {
      intent: "password",
      currentPassword: TEST_PASSWORD,
      newPassword: next,
      confirmPassword: next,
    });
    expect(locationOf(changed)).toBe("/settings?saved=password");
    expect(await (await kim.client.get("/settings?saved=password")).text()).toContain("비밀번호가 변경되었습니다.");
    expect(locationOf(await other.get("/"))).toContain("/login");
    expect(await signedIn(kim.email, TEST_PASSWORD)).toBeNull();
    expect(await signedIn(kim.email, next)).not.toBeNull();
  });

  it("name and interface language are one's own to change", async () => {
    const kim = await newAccount(server, "staff", { displayName: "Kim Minji", locale: "ko" });
    const saved = await kim.client.post("/settings?index", { intent: "profile", displayName: "Kim Min-ji", locale: "ru" });
    expect(locationOf(saved)).toBe("/settings?saved=profile");
    const page = await (await kim.client.get("/settings?saved=profile")).text();
    expect(page).toContain('lang="ru"');
    expect(page).toContain("Kim Min-ji");
    expect((await kim.client.post("/settings?index", { intent: "profile", displayName: "", locale: "xx" })).status).toBe(400);
  });

  it("signing out of all sessions ends every one of them, this one included", async () => {
    const kim = await newAccount(server, "staff");
    const other = await signIn(server, kim.email);
    const out = await kim.client.post("/settings?index", { intent: "signOutEverywhere" });
    expect(locationOf(out)).toBe("/login?signedOut=1");
    for (const client of [kim.client, other]) expect(locationOf(await client.get("/"))).toContain("/login");
  });

  it("writes exactly one audit row per staff action, with the right actor", async () => {
    const { client: admin, email: adminEmail } = await newAccount(server, "admin");
    const marker = await lastAuditId();
    const id = await invite(admin, "audited@example.org", { role: "viewer" });
    const first = linkOf(await mailTo("audited@example.org"));
    expect((await admin.post(`/settings/staff/${id}`, { intent: "resend" })).status).toBe(302);
    const link = linkOf(await mailTo("audited@example.org", 1));
    expect(link).not.toBe(first);
    const audited = await setPassword(link);
    expect((await admin.post(`/settings/staff/${id}`, { intent: "role", role: "staff" })).status).toBe(302);
    expect((await admin.post(`/settings/staff/${id}`, { intent: "reset" })).status).toBe(302);
    expect(
      (
        await audited.post("/settings?index", {
          intent: "password",
          currentPassword: NEW_PASSWORD,
          newPassword: "audited new passphrase",
          confirmPassword: "audited new passphrase",
        })
      ).status,
    ).toBe(302);
    expect((await audited.post("/settings?index", { intent: "signOutEverywhere" })).status).toBe(302);
    expect((await admin.post(`/settings/staff/${id}`, { intent: "disable" })).status).toBe(302);
    expect((await admin.post(`/settings/staff/${id}`, { intent: "enable" })).status).toBe(302);
    expect((await admin.get("/settings/audit.csv?actor=audited")).status).toBe(200);

    const rows = await auditSince(marker);
    expect(rows.map((r) => [r.action, r.actor])).toEqual([
      ["staff.invited", adminEmail],
      ["staff.invite_resent", adminEmail],
      ["staff.password_set", "audited@example.org"],
      ["staff.role_changed", adminEmail],
      ["staff.reset_sent", adminEmail],
      ["auth.password_changed", "audited@example.org"],
      ["auth.signed_out_everywhere", "audited@example.org"],
      ["staff.disabled", adminEmail],
      ["staff.enabled", adminEmail],
      ["audit.exported", adminEmail],
    ]);
    expect(rows.slice(0, -1).every((r) => r.objectId === id)).toBe(true);
    expect(rows[3].details).toMatchObject({ from: "viewer", to: "staff" });
    expect(rows[9].details).toMatchObject({ filter: { actor: "audited" } });
    // the audit log never holds the links themselves
    expect(JSON.stringify(rows)).not.toMatch(/[A-Za-z0-9_-]{43}/);
  });

  it("the audit log page is for administrators: translated actions with their codes, filters, pages of 100", async () => {
    const admin = (await newAccount(server, "admin")).client;
    const lee = await newAccount(server, "staff", { email: "lee.minho@example.org" });
    // another colleague's sign-in, which a filter on Lee's actions must leave out
    const bystander = await newAccount(server, "staff");
    await invite(admin, "newcomer@example.org");
    const next = "Lee's second passphrase, long";
    expect(
      locationOf(await lee.client.post("/settings?index", { intent: "password", currentPassword: TEST_PASSWORD, newPassword: next, confirmPassword: next })),
    ).toBe("/settings?saved=password");

    expect((await lee.client.get("/settings/audit")).status).toBe(403);
    const page = await (await admin.get("/settings/audit?action=staff.")).text();
    expect(page).toContain("Colleague invited");
    expect(page).toContain("<code>staff.invited</code>");
    expect(page).not.toContain("<code>auth.sign_in</code>");
    const lees = await (await admin.get("/settings/audit?actor=LEE.MINHO&action=auth.")).text();
    expect(lees).toContain("<code>auth.sign_in</code>");
    expect(lees).toContain("<code>auth.password_changed</code>");
    expect(lees).not.toContain("<code>staff.invited</code>");
    expect(lees).not.toContain(bystander.email);

    for (let i = 0; i < 130; i++) await recordAccess(serverDb(server), { actor: { label: "bulk@example.org" }, action: "test.bulk", objectId: `n${i}` });
    const one = await (await admin.get("/settings/audit?action=test.bulk")).text();
    expect(one.match(/<code>test\.bulk<\/code>/g)).toHaveLength(100);
    const nextPage = one.match(/href="(\/settings\/audit\?[^"]*before=\d+)"/)![1].replace(/&amp;/g, "&");
    const two = await (await admin.get(nextPage)).text();
    expect(two.match(/<code>test\.bulk<\/code>/g)).toHaveLength(30);
    expect(two).toContain("<code>n0</code>");
    expect(one).not.toContain("<code>n29</code>");
    expect(one).toContain("<code>n30</code>");
  });

  it("exports the filtered rows as formula-safe CSV (UTF-8 with BOM, an attachment) and records the export", async () => {
    const admin = (await newAccount(server, "admin")).client;
    const formula = '=HYPERLINK("http://x","y")';
    await recordAccess(serverDb(server), { actor: { label: formula }, action: "test.formula", ip: "192.0.2.7" });
    const response = await admin.get("/settings/audit.csv?action=test.formula");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="plenary-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parse(new TextDecoder().decode(bytes), { bom: true }) as string[][];
    expect(header).toEqual(["time_utc", "actor", "actor_name", "action", "action_label", "object_type", "object_id", "client_address", "details"]);
    expect(rows).toHaveLength(1);
    expect(rows[0][1]).toBe(`'${formula}`);
    expect(rows[0][3]).toBe("test.formula");
    expect(rows[0][7]).toBe("192.0.2.7");
    const log = await (await admin.get("/settings/audit?action=audit.exported")).text();
    expect(log).toContain("Audit log exported");
    expect(log).toContain("filter.action: test.formula");
  });

  it("only administrators can read staff-account mails in the mail log: a staff user must not see a set-password link", async () => {
    const admin = (await newAccount(server, "admin")).client;
    await invite(admin, "mailguard@example.org");
    const { id: messageId } = await serverDb(server)
      .selectFrom("email_message")
      .select(["id", "kind"])
      .where("kind", "=", "staff_invite")
      .orderBy("created_at", "desc")
      .limit(1)
      .executeTakeFirstOrThrow();
    await invite(admin, "plainstaff@example.org");
    const plain = await setPassword(linkOf(await mailTo("plainstaff@example.org")));
    for (const path of [`/mail/${messageId}`, `/mail/${messageId}/html`]) {
      expect((await plain.get(path)).status).toBe(404);
      expect((await admin.get(path)).status).toBe(200);
    }
  });

  it("guessing links from one client is stopped after 30 misses", async () => {
    // a client of its own: the 429 it earns does not reach the other tests' browsers (127.0.0.1)
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push(await statusFrom("127.0.0.2", `${server.url}/account/password/${String(i).padStart(43, "x")}`));
    expect(statuses.filter((s) => s === 404).length).toBeLessThanOrEqual(30);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe(`the last administrator under concurrency (${databaseLabel})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.close());

  it.each(["demote", "disable"] as const)("two administrators who %s each other at once leave exactly one (10 rounds)", async (how) => {
    for (let round = 0; round < 10; round++) {
      const [a, b] = await Promise.all(
        ["a", "b"].map((name) => createStaffUser(t.db, { email: `${how}-${round}-${name}@example.org`, displayName: name, passwordHash: "x", role: "admin" })),
      );
      // only these two are active administrators
      await onlyActiveAdmins(t.db, [a.id, b.id]);
      const act = (target: string, actor: typeof a) =>
        how === "demote" ? changeStaffRole(t.db, { id: target, role: "viewer", actor }) : disableStaffUser(t.db, { id: target, actor });
      const results = await Promise.allSettled([act(b.id, a), act(a.id, b)]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(LastAdminError);
      const admins = await t.db.selectFrom("staff_user").select("id").where("role", "=", "admin").where("disabled_at", "is", null).execute();
      expect(admins).toHaveLength(1);
    }
  });
});
