import { expect, test } from "@playwright/test";

import { oidcEnv, startOidcProvider, type TestProvider } from "../helpers/oidc-provider";
import { freePort } from "../helpers/ports";
import { ADMIN } from "./accounts";
import { hydrated, open } from "./hydrated";
import { cli, type Plenary, startPlenary, stopPlenary } from "./plenary";

/**
 * Single sign-on in Chromium against a real OpenID Connect provider (oidc-provider on loopback): "Sign in with …",
 * the provider's own sign-in page, back on the dashboard; then the administrator switches password sign-in off.
 */
let plenary: Plenary | undefined;
let provider: TestProvider | undefined;

test.beforeAll(async () => {
  const port = await freePort();
  plenary = await startPlenary(
    "sso",
    (env) => {
      cli(
        "app/cli/user-create.ts",
        ["--email", ADMIN.email, "--name", ADMIN.name, "--role", "admin", "--locale", "en", "--password-stdin"],
        env,
        `${ADMIN.password}\n`,
      );
      return {};
    },
    oidcEnv(`http://127.0.0.1:${port}`),
  );
  provider = await startOidcProvider({ port, redirectUris: [`${plenary.url}/auth/oidc/callback`] });
  // the directory of the secretariat's identity provider: login "lim" is the administrator
  provider.accounts.set("lim", { email: ADMIN.email.toUpperCase(), name: ADMIN.name });
});

test.afterAll(async () => {
  await stopPlenary(plenary);
  await provider?.close();
});

test("an administrator signs in with the secretariat's identity provider, then switches password sign-in off", async ({ page }) => {
  const app = plenary!.url;
  await open(page, `${app}/login`);
  await expect(page.getByLabel("Password")).toBeVisible();
  await page.getByRole("link", { name: "Sign in with NEAR Login" }).click();

  // the provider's own sign-in page
  await expect(page).toHaveURL(new RegExp(`^${provider!.issuer}/interaction/`));
  await page.locator("input[name=login]").fill("lim");
  await page.locator("input[name=password]").fill("the provider checks this, not Plenary");
  await page.getByRole("button", { name: "Sign-in" }).click();

  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  await expect(page.getByText(`Welcome, ${ADMIN.name}.`)).toBeVisible();
  expect(new URL(page.url()).origin).toBe(app);
  await hydrated(page);

  // Settings → Sign-in: password sign-in off (allowed: this administrator just used single sign-on)
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("link", { name: "Sign-in" }).click();
  await expect(page.getByRole("heading", { name: "Sign-in", level: 2 })).toBeVisible();
  await expect(page.getByText(`${app}/auth/oidc/callback`)).toBeVisible();
  await page.getByLabel("Staff may sign in with a password").uncheck();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toHaveText("The sign-in options were saved.");

  // signed out, the sign-in page offers single sign-on only
  await hydrated(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login\?signedOut=1$/);
  await hydrated(page);
  await expect(page.getByText("This secretariat signs in with single sign-on only.")).toBeVisible();
  await expect(page.getByLabel("Password")).toHaveCount(0);
  // the provider still knows the browser: straight back in
  await page.getByRole("link", { name: "Sign in with NEAR Login" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
});
