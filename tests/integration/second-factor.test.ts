import * as OTPAuth from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { DB } from "~/db.server";
import { databaseLabel, type PreparedDatabase, prepareServerDatabase } from "../helpers/db";
import { locationOf, TestClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";
import { createUser, TEST_PASSWORD } from "../helpers/users";

/**
 * Two-factor sign-in through the real server (issue 19 item 3): an authenticator app is set up and confirmed, the
 * next sign-in stops at a second step that wants a fresh code (a code used once is refused), recovery codes work
 * once each, wrong codes are throttled, the administrator's policy sends users without a factor to enrol before
 * anything else, and an administrator's reset (a lost phone) lets the user set it up again. Codes are computed here
 * with otpauth, as an authenticator app would.
 */
describe(`two-factor sign-in (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let db: DB;
  const ADMIN = "admin@example.org";
  const STAFF = "ana@example.org";
  const VISA = "visa@example.org";
  const VIEWER = "viewer@example.org";
  /** the 30-second step the staff user's last accepted code belonged to */
  let staffSecret = "";
  let staffRecoveryCodes: string[] = [];
  /** signed in before the policy asks administrators for a second factor */
  let admin: TestClient;

  const codeAt = (secret: string, timestamp: number) =>
    new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 }).generate({ timestamp });
  const secretIn = (html: string) => html.match(/data-totp-secret="([A-Z2-7]+)"/)?.[1] ?? "";
  const recoveryCodesIn = (html: string) => [...html.matchAll(/<code>([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})<\/code>/g)].map((m) => m[1]);
  const userId = async (email: string) => (await db.selectFrom("staff_user").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
  const auditActions = async (action: string) =>
    db.selectFrom("audit_log").select(["actor_label", "details", "object_id"]).where("action", "=", action).orderBy("at").execute();

  /** A fresh browser that signed in with the right password; the response of the password step. */
  async function withPassword(email: string) {
    const client = new TestClient(server.url);
    const response = await client.signIn(email, TEST_PASSWORD);
    return { client, response };
  }

  async function signedIn(email: string) {
    const { client, response } = await withPassword(email);
    expect(locationOf(response)).toBe("/");
    return client;
  }

  beforeAll(async () => {
    database = await prepareServerDatabase();
    createUser(database.env, ADMIN, "admin");
    createUser(database.env, STAFF, "staff");
    createUser(database.env, VISA, "visa_officer");
    createUser(database.env, VIEWER, "viewer");
    server = await startTestServer({}, database);
    db = server.db!;
  });
  afterAll(() => server?.dispose());

  it("without a second factor, the password alone signs in (as before)", async () => {
    const client = await signedIn(STAFF);
    const page = await client.get("/settings/security");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Two-factor sign-in is off.");
    expect(html).toContain("Set up an authenticator app");
  });

  it("a user sets up an authenticator app: the QR code and key, a wrong code refused, the right one turns it on and shows ten recovery codes", async () => {
    const client = await signedIn(STAFF);
    expect(locationOf(await client.post("/settings/security", { intent: "totp-start" }))).toBe("/settings/security");
    const setup = await (await client.get("/settings/security")).text();
    staffSecret = secretIn(setup);
    expect(staffSecret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup).toMatch(/<img src="data:image\/png;base64,[^"]+"[^>]*alt="QR code for your authenticator app"/);

    // the secret is sealed at rest: the database never holds it in clear
    const stored = await db
      .selectFrom("staff_totp")
      .select(["secret", "confirmed_at"])
      .where("user_id", "=", await userId(STAFF))
      .executeTakeFirstOrThrow();
    expect(stored.secret).toMatch(/^v1\./);
    expect(stored.secret).not.toContain(staffSecret);
    expect(stored.confirmed_at).toBeNull();

    const wrong = await client.post("/settings/security", { intent: "totp-confirm", code: "000000" === codeAt(staffSecret, Date.now()) ? "111111" : "000000" });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("That code is not correct, or it was already used.");

    const confirmed = await client.post("/settings/security", { intent: "totp-confirm", code: codeAt(staffSecret, Date.now()) });
    expect(confirmed.status).toBe(200);
    const html = await confirmed.text();
    staffRecoveryCodes = recoveryCodesIn(html);
    expect(staffRecoveryCodes).toHaveLength(10);
    expect(new Set(staffRecoveryCodes).size).toBe(10);
    // only hashes are stored
    const hashes = await db
      .selectFrom("staff_recovery_code")
      .select("code_hash")
      .where("user_id", "=", await userId(STAFF))
      .execute();
    expect(hashes).toHaveLength(10);
    expect(hashes.map((h) => h.code_hash)).not.toContain(staffRecoveryCodes[0]);
    expect((await auditActions("auth.totp_enabled")).map((row) => row.actor_label)).toEqual([STAFF]);

    const after = await (await client.get("/settings/security")).text();
    expect(after).toContain("Two-factor sign-in is on");
    expect(after).toContain("10 unused recovery codes left.");
  });

  it("the next sign-in stops after the password at a second step: no session until a fresh code, and a code works only once", async () => {
    const { client, response } = await withPassword(STAFF);
    expect(response.status).toBe(302);
    expect(locationOf(response)).toBe("/sign-in/verify");
    // a pending sign-in is not a session: staff pages still send the browser to sign in
    expect(client.cookies.has("plenary_pending")).toBe(true);
    expect(client.cookies.has("plenary_session")).toBe(false);
    expect(locationOf(await client.get("/events"))).toMatch(/^\/login\?/);

    const page = await client.get("/sign-in/verify");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("The password for ana@example.org was correct.");

    // the code that confirmed the app was used already (the same 30-second step): refused
    const replayed = await client.post("/sign-in/verify", { method: "totp", code: codeAt(staffSecret, Date.now()) });
    expect(replayed.status).toBe(400);
    expect(await replayed.text()).toContain("That code is not correct, or it was already used.");

    // the next step's code (one step ahead is accepted for clock drift) signs in
    const nextCode = codeAt(staffSecret, Date.now() + 30_000);
    const accepted = await client.post("/sign-in/verify", { method: "totp", code: nextCode });
    expect(accepted.status).toBe(302);
    expect(locationOf(accepted)).toBe("/");
    expect(client.cookies.has("plenary_session")).toBe(true);
    expect(client.cookies.has("plenary_pending")).toBe(false);
    expect((await client.get("/events")).status).toBe(200);

    // the same code again, from another sign-in: refused
    const other = await withPassword(STAFF);
    expect(locationOf(other.response)).toBe("/sign-in/verify");
    const again = await other.client.post("/sign-in/verify", { method: "totp", code: nextCode });
    expect(again.status).toBe(400);

    const signIns = await auditActions("auth.sign_in");
    expect(signIns.filter((row) => row.actor_label === STAFF).map((row) => (row.details as { secondFactor?: string }).secondFactor)).toContain("totp");
  });

  it("a recovery code signs in without the phone, once", async () => {
    const first = await withPassword(STAFF);
    const form = await first.client.get("/sign-in/verify?with=recovery");
    expect(await form.text()).toContain("Recovery code");
    // typed in lower case without dashes: still the code
    const typed = staffRecoveryCodes[0].replace(/-/g, "").toLowerCase();
    const accepted = await first.client.post("/sign-in/verify", { method: "recovery_code", code: typed });
    expect(accepted.status).toBe(302);
    expect(locationOf(accepted)).toBe("/");

    const second = await withPassword(STAFF);
    const reused = await second.client.post("/sign-in/verify", { method: "recovery_code", code: staffRecoveryCodes[0] });
    expect(reused.status).toBe(400);
    expect(await reused.text()).toContain("That recovery code is not correct, or it was already used.");
    expect((await second.client.post("/sign-in/verify", { method: "recovery_code", code: staffRecoveryCodes[1] })).status).toBe(302);

    const security = await (await second.client.get("/settings/security")).text();
    expect(security).toContain("8 unused recovery codes left.");
  });

  it("new recovery codes replace the old ones", async () => {
    const client = await signInWithRecoveryCode(STAFF, staffRecoveryCodes[2]);
    const response = await client.post("/settings/security", { intent: "recovery-codes" });
    expect(response.status).toBe(200);
    const fresh = recoveryCodesIn(await response.text());
    expect(fresh).toHaveLength(10);
    const old = await withPassword(STAFF);
    expect((await old.client.post("/sign-in/verify", { method: "recovery_code", code: staffRecoveryCodes[3] })).status).toBe(400);
    staffRecoveryCodes = fresh;
    expect((await auditActions("auth.recovery_codes_created")).length).toBe(1);
  });

  async function signInWithRecoveryCode(email: string, code: string) {
    const { client, response } = await withPassword(email);
    expect(locationOf(response)).toBe("/sign-in/verify");
    const accepted = await client.post("/sign-in/verify", { method: "recovery_code", code });
    expect(locationOf(accepted)).toBe("/");
    return client;
  }

  it("the policy: roles that see passport data must enrol right after the password, before anything else; others are not asked", async () => {
    admin = await signedIn(ADMIN);
    expect(locationOf(await admin.post("/settings/security", { intent: "policy", policy: "passport_roles" }))).toBe("/settings/security");
    expect((await auditActions("settings.second_factor_policy")).map((row) => row.details)).toEqual([{ from: "none", to: "passport_roles" }]);
    // only administrators set the policy
    const staff = await signInWithRecoveryCode(STAFF, staffRecoveryCodes[0]);
    expect((await staff.post("/settings/security", { intent: "policy", policy: "none" })).status).toBe(403);

    // a viewer sees no passport data: password only
    await signedIn(VIEWER);

    const { client, response } = await withPassword(VISA);
    expect(locationOf(response)).toBe("/sign-in/enrol");
    expect(locationOf(await client.get("/events"))).toMatch(/^\/login\?/);
    expect(locationOf(await client.get("/sign-in/verify"))).toBe("/sign-in/enrol");
    const page = await (await client.get("/sign-in/enrol")).text();
    expect(page).toContain("Your administrator requires a second factor");
    const secret = secretIn(page);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    // the page shows the same key until it is confirmed
    expect(secretIn(await (await client.get("/sign-in/enrol")).text())).toBe(secret);

    expect((await client.post("/sign-in/enrol", { code: "12345" })).status).toBe(400);
    const enrolled = await client.post("/sign-in/enrol", { code: codeAt(secret, Date.now()) });
    expect(enrolled.status).toBe(200);
    const html = await enrolled.text();
    expect(html).toContain("Two-factor sign-in is on");
    expect(recoveryCodesIn(html)).toHaveLength(10);
    expect(client.cookies.has("plenary_session")).toBe(true);
    expect((await client.get("/events")).status).toBe(200);

    // the last factor of someone who must have one cannot be removed
    const removal = await client.post("/settings/security", { intent: "totp-remove" });
    expect(removal.status).toBe(409);
    expect(await removal.text()).toContain("your last second factor cannot be removed");

    // next time: the second step, not enrolment
    expect(locationOf((await withPassword(VISA)).response)).toBe("/sign-in/verify");

    // "all staff": the viewer must enrol too
    expect(locationOf(await admin.post("/settings/security", { intent: "policy", policy: "all" }))).toBe("/settings/security");
    expect(locationOf((await withPassword(VIEWER)).response)).toBe("/sign-in/enrol");
    expect(locationOf(await admin.post("/settings/security", { intent: "policy", policy: "passport_roles" }))).toBe("/settings/security");
  });

  it("a lost phone: an administrator resets the user's second factors (audited), and the user enrols again at the next sign-in", async () => {
    const visaId = await userId(VISA);
    const detail = await (await admin.get(`/settings/staff/${visaId}`)).text();
    expect(detail).toContain("Authenticator app");
    expect(detail).toContain("Reset two-factor sign-in");
    const reset = await admin.post(`/settings/staff/${visaId}`, { intent: "reset-second-factors" });
    expect(locationOf(reset)).toBe(`/settings/staff/${visaId}?done=secondFactorsReset`);
    const rows = await auditActions("staff.second_factors_reset");
    expect(rows.map((row) => [row.actor_label, row.object_id, row.details])).toEqual([[ADMIN, visaId, { email: VISA, totp: true, passkeys: 0 }]]);
    expect(await db.selectFrom("staff_recovery_code").select("id").where("user_id", "=", visaId).execute()).toEqual([]);

    // the policy still asks for a factor: enrolment again
    const { client: visa, response: enrol } = await withPassword(VISA);
    expect(locationOf(enrol)).toBe("/sign-in/enrol");

    // a passkey at enrolment: options for this host, and an answer that does not verify is refused (and counted)
    const options = await visa.post("/sign-in/passkey", { intent: "options" });
    expect(options.status).toBe(200);
    const { options: creation } = (await options.json()) as { options: { rp: { id: string }; user: { name: string }; challenge: string } };
    expect(creation.rp.id).toBe(new URL(server.url).hostname);
    expect(creation.user.name).toBe(VISA);
    expect(creation.challenge).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const forged = await visa.post("/sign-in/passkey", {
      intent: "register",
      name: "Forged",
      response: JSON.stringify({ id: "x", rawId: "x", type: "public-key" }),
    });
    expect(forged.status).toBe(400);
    expect(await forged.json()).toEqual({ error: { key: "security:passkey.notAccepted" } });
    expect(await db.selectFrom("staff_passkey").select("id").where("user_id", "=", visaId).execute()).toEqual([]);
    // without a pending sign-in there is nothing to answer
    const stranger = await new TestClient(server.url).post("/sign-in/passkey", { intent: "options" });
    expect(locationOf(stranger)).toBe("/login?ended=1");

    // without a policy for their role, a reset user signs in with the password alone
    const reset2 = await admin.post(`/settings/staff/${await userId(STAFF)}`, { intent: "reset-second-factors" });
    expect(reset2.status).toBe(302);
    await signedIn(STAFF);
    // and the staff page does not offer a reset when there is nothing to reset
    expect(await (await admin.get(`/settings/staff/${await userId(STAFF)}`)).text()).not.toContain("Reset two-factor sign-in");
  });

  it("wrong codes at the second step are throttled like passwords and end the pending sign-in after five", async () => {
    // the administrator sets up an app for themselves
    await admin.post("/settings/security", { intent: "totp-start" });
    const secret = secretIn(await (await admin.get("/settings/security")).text());
    expect((await admin.post("/settings/security", { intent: "totp-confirm", code: codeAt(secret, Date.now()) })).status).toBe(200);

    const { client } = await withPassword(ADMIN);
    const wrong = () => client.post("/sign-in/verify", { method: "totp", code: "000000" === codeAt(secret, Date.now() + 30_000) ? "111111" : "000000" });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await wrong()).status);
    expect(statuses.slice(0, 3)).toEqual([400, 400, 400]);
    // the fourth comes too soon after the third failure: refused with Retry-After
    expect(statuses[3]).toBe(429);
    const failures = async () =>
      (
        await db
          .selectFrom("sign_in_pending")
          .select("failures")
          .where("user_id", "=", await userId(ADMIN))
          .executeTakeFirst()
      )?.failures;
    expect(await failures()).toBe(3);
    // waiting out the delays, the fifth wrong code ends this sign-in: back to the password
    let last: Response | undefined;
    for (let tries = 0; tries < 20 && (await failures()) !== undefined; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      last = await wrong();
    }
    expect(last && locationOf(last)).toBe("/login?ended=1");
    expect(await failures()).toBeUndefined();
    expect(locationOf(await client.get("/sign-in/verify"))).toBe("/login?ended=1");
    const failed = (await auditActions("auth.second_factor_failed")).filter((row) => row.actor_label === `second-factor:${ADMIN}`);
    expect(failed.length).toBe(5);
  });
});
