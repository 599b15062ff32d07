import { parse } from "csv-parse/sync";
import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { recordAccess } from "~/models/audit.server";
import { changeStaffRole, createStaffUser, disableStaffUser, LastAdminError } from "~/models/staff-user.server";
import { createTestDb, databaseLabel, type PreparedDatabase, prepareServerDatabase, type TestDb, withServerDb } from "../helpers/db";
import { locationOf, TestClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";
import { SmtpSink } from "../helpers/smtp-sink";
import { createUser, TEST_PASSWORD } from "../helpers/users";

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

const pathOf = (link: string) => new URL(link).pathname;
const strip = (html: string) => html.replace(/nonce="[^"]+"/g, "").replace(/\/account\/password\/[^"\s<]+/g, "/account/password/TOKEN");
const roleCells = (html: string) => [...html.matchAll(/<td>(Administrator|Staff|Viewer)<\/td>/g)].map((m) => m[1]);

describe(`staff accounts and the audit log (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let sink: SmtpSink;
  let admin: TestClient;
  let adminId = "";
  let secondId = "";
  let colleagueId = "";
  let colleague: TestClient;
  let colleaguePassword = NEW_PASSWORD;
  let usedLink = "";

  /** The newest email to `address`, once the worker has delivered it to the sink (after `count` earlier ones). */
  const mailTo = (address: string, count = 0) =>
    waitFor(() => {
      const mails = sink.messages.filter((m) => JSON.stringify(m.to).toLowerCase().includes(address));
      return mails.length > count ? mails.at(-1) : undefined;
    });
  const mailsTo = (address: string) => sink.messages.filter((m) => JSON.stringify(m.to).toLowerCase().includes(address)).length;
  const linkOf = (mail: ParsedMail) => mail.text!.match(LINK)![0];

  async function idOf(email: string) {
    const html = await (await admin.get("/settings/staff")).text();
    const match = html.match(new RegExp(`/settings/staff/([0-9a-f-]{36})"[^>]*>[^<]*</a></td><td[^>]*>${email.replace(/[.]/g, "\\.")}<`));
    if (!match) throw new Error(`${email} is not in the staff list`);
    return match[1];
  }

  async function invite(email: string, fields: Record<string, string> = {}) {
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

  async function signedIn(email: string, password: string) {
    const client = new TestClient(server.url);
    const response = await client.signIn(email, password);
    return response.status === 302 ? client : null;
  }

  const auditSince = (marker: string) =>
    withServerDb(server, database.env, (db) =>
      db
        .selectFrom("audit_log")
        .select(["id", "action", "actor_label as actor", "object_id as objectId", "details"])
        .where("id", ">", marker)
        .orderBy("id")
        .execute(),
    );
  const lastAuditId = () =>
    withServerDb(
      server,
      database.env,
      async (db) => (await db.selectFrom("audit_log").select("id").orderBy("id", "desc").limit(1).executeTakeFirst())?.id ?? "0",
    );

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    database = await prepareServerDatabase();
    createUser(database.env, "admin@example.org", "admin");
    createUser(database.env, "second@example.org", "admin");
    server = await startTestServer({ SMTP_URL: sink.url(), MAIL_RETRY_BASE_SECONDS: "0.2" }, database);
    admin = new TestClient(server.url);
    expect((await admin.signIn("admin@example.org", TEST_PASSWORD)).status).toBe(302);
    adminId = await idOf("admin@example.org");
    secondId = await idOf("second@example.org");
  });
  afterAll(async () => {
    await server?.dispose();
    await sink?.stop();
  });

  it("invites a colleague: the email in their language carries a one-time link that sets the password and signs them in", async () => {
    colleagueId = await invite("Kim.Minji@Example.org", { displayName: "Kim Minji", role: "staff", locale: "ko" });
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
    usedLink = link;

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
    colleague = visitor;

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
    const response = await admin.post("/settings/staff?index", {
      intent: "invite",
      email: " KIM.MINJI@example.org ",
      displayName: "Someone else",
      role: "admin",
      locale: "",
    });
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("There is already an account with this email address.");
    const list = await (await admin.get("/settings/staff")).text();
    expect(list.match(/<td class="small">kim\.minji@example\.org<\/td>/g)).toHaveLength(1);
    expect(roleCells(list).filter((r) => r === "Administrator")).toHaveLength(2);
  });

  it("expired, used, unknown and malformed links get the same friendly page; a re-sent invitation works once, also when posted concurrently", async () => {
    const pendingId = await invite("pending@example.org");
    const expiredLink = linkOf(await mailTo("pending@example.org"));
    await withServerDb(server, database.env, (db) =>
      db
        .updateTable("staff_token")
        .set({ expires_at: new Date(Date.now() - 60_000) })
        .where("user_id", "=", pendingId)
        .execute(),
    );
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
    const second = await signedIn("kim.minji@example.org", colleaguePassword);
    expect((await colleague.get("/settings/staff")).status).toBe(403);
    expect((await colleague.get("/members/new")).status).toBe(200);

    expect(locationOf(await admin.post(`/settings/staff/${colleagueId}`, { intent: "role", role: "viewer" }))).toBe(`/settings/staff/${colleagueId}?done=role`);
    expect((await colleague.get("/members/new")).status).toBe(403);
    expect((await colleague.get("/settings/audit")).status).toBe(403);
    expect((await colleague.get("/settings/audit.csv")).status).toBe(403);
    expect((await colleague.get("/")).status).toBe(200);

    expect(locationOf(await admin.post(`/settings/staff/${colleagueId}`, { intent: "disable" }))).toBe(`/settings/staff/${colleagueId}?done=disabled`);
    for (const client of [colleague, second!]) {
      const response = await client.get("/");
      expect(response.status).toBe(302);
      expect(locationOf(response)).toContain("ended=1");
    }
    const sessions = await withServerDb(server, database.env, (db) =>
      db.selectFrom("staff_session").select("id_hash").where("user_id", "=", colleagueId).execute(),
    );
    expect(sessions).toEqual([]);
    expect(await signedIn("kim.minji@example.org", colleaguePassword)).toBeNull();
    expect(await (await admin.get("/settings/staff")).text()).toMatch(
      /kim\.minji@example\.org<\/td><td>Viewer<\/td><td><span class="badge status-cancelled">Disabled</,
    );

    expect(locationOf(await admin.post(`/settings/staff/${colleagueId}`, { intent: "enable" }))).toBe(`/settings/staff/${colleagueId}?done=enabled`);
    colleague = (await signedIn("kim.minji@example.org", colleaguePassword))!;
    expect(colleague).not.toBeNull();
  });

  it("a password reset link works for 24 hours, once, and ends the colleague's other sessions", async () => {
    const before = mailsTo("kim.minji@example.org");
    expect(locationOf(await admin.post(`/settings/staff/${colleagueId}`, { intent: "reset" }))).toBe(`/settings/staff/${colleagueId}?done=reset`);
    const mail = await mailTo("kim.minji@example.org", before);
    expect(mail.subject).toContain("새 비밀번호");
    expect(mail.text).toContain("24시간");
    // until the link is used the old password keeps working
    expect(await signedIn("kim.minji@example.org", colleaguePassword)).not.toBeNull();
    const browser = new TestClient(server.url);
    colleaguePassword = "the reset passphrase of Kim";
    expect((await browser.post(pathOf(linkOf(mail)), { password: colleaguePassword, confirmPassword: colleaguePassword })).status).toBe(302);
    expect(locationOf(await colleague.get("/"))).toContain("/login");
    expect((await browser.get("/")).status).toBe(200);
    expect(await signedIn("kim.minji@example.org", NEW_PASSWORD)).toBeNull();
    colleague = browser;
  });

  it("the last active administrator can be neither demoted nor disabled", async () => {
    expect(locationOf(await admin.post(`/settings/staff/${secondId}`, { intent: "disable" }))).toBe(`/settings/staff/${secondId}?done=disabled`);
    const forms: Record<string, string>[] = [{ intent: "role", role: "staff" }, { intent: "disable" }];
    for (const form of forms) {
      const refused = await admin.post(`/settings/staff/${adminId}`, form);
      expect(refused.status).toBe(409);
      expect(await refused.text()).toContain("This is the last active administrator.");
    }
    expect((await admin.get("/settings/staff")).status).toBe(200);
    expect(locationOf(await admin.post(`/settings/staff/${secondId}`, { intent: "enable" }))).toBe(`/settings/staff/${secondId}?done=enabled`);
  });

  it("two administrators demoting each other at the same moment leave one administrator", async () => {
    const second = (await signedIn("second@example.org", TEST_PASSWORD))!;
    const [a, b] = await Promise.all([
      admin.post(`/settings/staff/${secondId}`, { intent: "role", role: "staff" }),
      second.post(`/settings/staff/${adminId}`, { intent: "role", role: "staff" }),
    ]);
    // one succeeds; the other is refused as the last admin, or (when it arrives later) is no admin any more
    const statuses = [a.status, b.status].sort();
    expect(statuses[0]).toBe(302);
    expect([403, 409]).toContain(statuses[1]);
    const [survivor, demotedId] = a.status === 302 ? [admin, secondId] : [second, adminId];
    const list = await (await survivor.get("/settings/staff")).text();
    expect(roleCells(list).filter((r) => r === "Administrator")).toHaveLength(1);
    expect(locationOf(await survivor.post(`/settings/staff/${demotedId}`, { intent: "role", role: "admin" }))).toBe(`/settings/staff/${demotedId}?done=role`);
    expect((await admin.get("/settings/staff")).status).toBe(200);
  });

  it("changing one's own password needs the current one and ends the other sessions, not this one", async () => {
    const other = (await signedIn("kim.minji@example.org", colleaguePassword))!;
    const next = "Kim's third passphrase, long";
    const wrong = await colleague.post("/settings?index", {
      intent: "password",
      currentPassword: "not my password at all",
      newPassword: next,
      confirmPassword: next,
    });
    expect(wrong.status).toBe(400);
    // Kim was invited with Korean as her language
    expect(await wrong.text()).toContain("현재 비밀번호가 올바르지 않습니다.");
    expect((await other.get("/")).status).toBe(200);

    const changed = await colleague.post("/settings?index", {
      intent: "password",
      currentPassword: colleaguePassword,
      newPassword: next,
      confirmPassword: next,
    });
    expect(locationOf(changed)).toBe("/settings?saved=password");
    expect(await (await colleague.get("/settings?saved=password")).text()).toContain("비밀번호가 변경되었습니다.");
    expect(locationOf(await other.get("/"))).toContain("/login");
    expect(await signedIn("kim.minji@example.org", colleaguePassword)).toBeNull();
    colleaguePassword = next;
    expect(await signedIn("kim.minji@example.org", colleaguePassword)).not.toBeNull();
  });

  it("name and interface language are one's own to change", async () => {
    const saved = await colleague.post("/settings?index", { intent: "profile", displayName: "Kim Min-ji", locale: "ru" });
    expect(locationOf(saved)).toBe("/settings?saved=profile");
    const page = await (await colleague.get("/settings?saved=profile")).text();
    expect(page).toContain('lang="ru"');
    expect(page).toContain("Kim Min-ji");
    expect((await colleague.post("/settings?index", { intent: "profile", displayName: "", locale: "xx" })).status).toBe(400);
  });

  it("signing out of all sessions ends every one of them, this one included", async () => {
    const other = (await signedIn("kim.minji@example.org", colleaguePassword))!;
    const out = await colleague.post("/settings?index", { intent: "signOutEverywhere" });
    expect(locationOf(out)).toBe("/login?signedOut=1");
    for (const client of [colleague, other]) expect(locationOf(await client.get("/"))).toContain("/login");
    colleague = (await signedIn("kim.minji@example.org", colleaguePassword))!;
  });

  it("writes exactly one audit row per staff action, with the right actor", async () => {
    const marker = await lastAuditId();
    const id = await invite("audited@example.org", { role: "viewer" });
    const first = linkOf(await mailTo("audited@example.org"));
    expect((await admin.post(`/settings/staff/${id}`, { intent: "resend" })).status).toBe(302);
    const link = linkOf(await mailTo("audited@example.org", 1));
    expect(link).not.toBe(first);
    const audited = new TestClient(server.url);
    expect((await audited.post(pathOf(link), { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD })).status).toBe(302);
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
      ["staff.invited", "admin@example.org"],
      ["staff.invite_resent", "admin@example.org"],
      ["staff.password_set", "audited@example.org"],
      ["staff.role_changed", "admin@example.org"],
      ["staff.reset_sent", "admin@example.org"],
      ["auth.password_changed", "audited@example.org"],
      ["auth.signed_out_everywhere", "audited@example.org"],
      ["staff.disabled", "admin@example.org"],
      ["staff.enabled", "admin@example.org"],
      ["audit.exported", "admin@example.org"],
    ]);
    expect(rows.slice(0, -1).every((r) => r.objectId === id)).toBe(true);
    expect(rows[3].details).toMatchObject({ from: "viewer", to: "staff" });
    expect(rows[9].details).toMatchObject({ filter: { actor: "audited" } });
    // the audit log never holds the links themselves
    expect(JSON.stringify(rows)).not.toMatch(/[A-Za-z0-9_-]{43}/);
  });

  it("the audit log page is for administrators: translated actions with their codes, filters, pages of 100", async () => {
    expect((await colleague.get("/settings/audit")).status).toBe(403);
    const page = await (await admin.get("/settings/audit?action=staff.")).text();
    expect(page).toContain("Colleague invited");
    expect(page).toContain("<code>staff.invited</code>");
    expect(page).not.toContain("<code>auth.sign_in</code>");
    const kims = await (await admin.get("/settings/audit?actor=KIM.MINJI&action=auth.")).text();
    expect(kims).toContain("<code>auth.sign_in</code>");
    expect(kims).toContain("<code>auth.password_changed</code>");
    expect(kims).not.toContain("<code>staff.invited</code>");
    expect(kims).not.toContain("second@example.org");

    await withServerDb(server, database.env, async (db) => {
      for (let i = 0; i < 130; i++) await recordAccess(db, { actor: { label: "bulk@example.org" }, action: "test.bulk", objectId: `n${i}` });
    });
    const one = await (await admin.get("/settings/audit?action=test.bulk")).text();
    expect(one.match(/<code>test\.bulk<\/code>/g)).toHaveLength(100);
    const next = one.match(/href="(\/settings\/audit\?[^"]*before=\d+)"/)![1].replace(/&amp;/g, "&");
    const two = await (await admin.get(next)).text();
    expect(two.match(/<code>test\.bulk<\/code>/g)).toHaveLength(30);
    expect(two).toContain("<code>n0</code>");
    expect(one).not.toContain("<code>n29</code>");
    expect(one).toContain("<code>n30</code>");
  });

  it("exports the filtered rows as formula-safe CSV (UTF-8 with BOM, an attachment) and records the export", async () => {
    const formula = '=HYPERLINK("http://x","y")';
    await withServerDb(server, database.env, (db) => recordAccess(db, { actor: { label: formula }, action: "test.formula", ip: "192.0.2.7" }));
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
    await invite("mailguard@example.org");
    const messageId = await withServerDb(
      server,
      database.env,
      async (db) =>
        (
          await db
            .selectFrom("email_message")
            .select(["id", "kind"])
            .where("kind", "=", "staff_invite")
            .orderBy("created_at", "desc")
            .limit(1)
            .executeTakeFirstOrThrow()
        ).id,
    );
    await invite("plainstaff@example.org");
    const staffMail = await mailTo("plainstaff@example.org");
    const plain = new TestClient(server.url);
    expect((await plain.post(pathOf(linkOf(staffMail)), { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD })).status).toBe(302);
    for (const path of [`/mail/${messageId}`, `/mail/${messageId}/html`]) {
      expect((await plain.get(path)).status).toBe(404);
      expect((await admin.get(path)).status).toBe(200);
    }
  });

  it("guessing links from one client is stopped after 30 misses", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await fetch(`${server.url}/account/password/${String(i).padStart(43, "x")}`)).status);
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
      await t.db.updateTable("staff_user").set({ disabled_at: new Date() }).where("role", "=", "admin").where("id", "not in", [a.id, b.id]).execute();
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
