import fs from "node:fs";
import path from "node:path";

import { type BrowserContext, expect, type Page, test } from "@playwright/test";

import { ROOT } from "../helpers/paths";
import { ADMIN } from "./accounts";
import { hydrated, open } from "./hydrated";
import { cli, type Plenary, startPlenary, stopPlenary, watch } from "./plenary";

const security = JSON.parse(fs.readFileSync(path.join(ROOT, "app/locales/en/security.json"), "utf8"));
const COLLEAGUE = { email: "visa@near.example.org", password: "Visa officer passphrase 2026" };

/**
 * Passkeys in a real Chromium (issue 19 item 3): a virtual authenticator through the DevTools protocol stands in
 * for the laptop's fingerprint reader (CTAP2, built in, with user verification that always succeeds). This
 * journey runs its own Plenary with an administrator and a visa officer created on the command line.
 */
let plenary: Plenary | undefined;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  plenary = await startPlenary("passkeys", (env) => {
    cli(
      "app/cli/user-create.ts",
      ["--email", ADMIN.email, "--name", ADMIN.name, "--role", "admin", "--locale", "en", "--password-stdin"],
      env,
      `${ADMIN.password}\n`,
    );
    cli(
      "app/cli/user-create.ts",
      ["--email", COLLEAGUE.email, "--name", "Oyuun Bat", "--role", "visa_officer", "--locale", "en", "--password-stdin"],
      env,
      `${COLLEAGUE.password}\n`,
    );
    return {};
  });
});

test.afterAll(async () => {
  await stopPlenary(plenary);
});

/** A context whose page has a virtual platform authenticator (fingerprint reader) that always verifies the user. */
async function withAuthenticator(context: BrowserContext) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  const credentials = async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials;
  return { page, credentials };
}

async function signInWithPassword(page: Page, account: { email: string; password: string }) {
  await open(page, "/login");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a staff user adds a passkey on the security page and signs in with it as the second step", async ({ browser }) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  const context = await browser.newContext({ baseURL: plenary!.url, locale: "en-GB" });
  await watch(context, problems);
  const { page, credentials } = await withAuthenticator(context);

  await signInWithPassword(page, ADMIN);
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();

  await open(page, "/settings/security");
  await expect(page.getByRole("heading", { name: security.page.title, level: 2 })).toBeVisible();
  await expect(page.getByText(security.page.off)).toBeVisible();
  await page.getByLabel(security.passkey.nameLabel).fill("Office laptop");
  await page.getByRole("button", { name: security.passkey.add }).click();

  // the first factor comes with ten recovery codes, shown once; the passkey is listed under its name
  await expect(page.getByRole("heading", { name: security.recovery.shownOnceTitle })).toBeVisible();
  await expect(page.locator("[data-recovery-codes] li")).toHaveCount(10);
  await expect(page.locator("ul.passkeys").getByText("Office laptop", { exact: true })).toBeVisible();
  await expect(page.getByText(security.page.on)).toBeVisible();
  expect(await credentials()).toHaveLength(1);

  // sign out, and in again: after the password comes the second step
  await hydrated(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await hydrated(page);
  await signInWithPassword(page, ADMIN);
  await page.waitForURL("**/sign-in/verify");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: security.verify.title, level: 1 })).toBeVisible();
  await page.getByRole("button", { name: security.verify.usePasskey }).click();
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/$/);

  // the passkey's use is recorded
  await open(page, "/settings/security");
  await expect(page.getByText(/last used/)).toBeVisible();

  // the administrator requires a second factor of the roles that see passport data (the next journey)
  await page.getByLabel(security.policy.label).selectOption("passport_roles");
  await page.getByRole("button", { name: security.policy.save }).click();
  await expect(page.getByLabel(security.policy.label)).toHaveValue("passport_roles");
  expect(problems).toEqual([]);
  await context.close();
});

test("under the policy, a visa officer without a factor enrols a passkey right after the password, then signs in with it", async ({ browser }) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  const context = await browser.newContext({ baseURL: plenary!.url, locale: "en-GB" });
  await watch(context, problems);
  const { page, credentials } = await withAuthenticator(context);

  await signInWithPassword(page, COLLEAGUE);
  await page.waitForURL("**/sign-in/enrol");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: security.enrol.title, level: 1 })).toBeVisible();
  // nothing else opens before enrolment
  await page.goto("/events");
  await expect(page).toHaveURL(/\/login\?/);
  await open(page, "/sign-in/enrol");
  await page.getByLabel(security.passkey.nameLabel).fill("Visa desk PC");
  await page.getByRole("button", { name: security.passkey.add }).click();
  await expect(page.getByRole("heading", { name: security.enrol.doneTitle })).toBeVisible();
  await expect(page.locator("[data-recovery-codes] li")).toHaveCount(10);
  expect(await credentials()).toHaveLength(1);
  await hydrated(page);
  await page.getByRole("link", { name: security.enrol.continue }).click();
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();

  // the dashboard may be a new document: clicking it before React has hydrated it makes React throw (#345)
  await hydrated(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await hydrated(page);
  await signInWithPassword(page, COLLEAGUE);
  await page.waitForURL("**/sign-in/verify");
  await hydrated(page);
  await page.getByRole("button", { name: security.verify.usePasskey }).click();
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  expect(problems).toEqual([]);
  await context.close();
});
