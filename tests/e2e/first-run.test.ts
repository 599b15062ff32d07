import fs from "node:fs";

import { expect, type Page, test } from "@playwright/test";

import { languageNames, type Lng } from "../../app/i18n";
import { ADMIN } from "./accounts";
import { SETUP_LINK_FILE } from "./global-setup";
import { hydrated, open } from "./hydrated";
import { messages } from "./locales";

const ORDER: Lng[] = ["ko", "zh", "ja", "ru", "mn", "en"];

async function collectCspViolations(page: Page) {
  await page.addInitScript(() => {
    (window as unknown as { __csp: string[] }).__csp = [];
    document.addEventListener("securitypolicyviolation", (event) =>
      (window as unknown as { __csp: string[] }).__csp.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
}

test("a new secretariat opens the console setup link, creates the admin, signs in, reads every language and signs out", async ({ page }) => {
  const consoleErrors: string[] = [];
  // Chromium logs every 4xx fetch; the refused attempts below answer 400 on purpose.
  page.on("console", (message) => {
    if (message.type() === "error" && !/status of 400 \(Bad Request\)/.test(message.text())) consoleErrors.push(message.text());
  });
  await collectCspViolations(page);

  // First run: the link printed by `npm start`
  await open(page, fs.readFileSync(SETUP_LINK_FILE, "utf8").trim());
  await expect(page.getByRole("heading", { name: "Create the first administrator" })).toBeVisible();
  await page.getByLabel("Your name").fill(ADMIN.name);
  await page.getByLabel("Email").fill(ADMIN.email);
  // A too-short password is refused next to the field; correcting it and clicking once is enough
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Repeat the password").fill("short");
  await page.getByRole("button", { name: "Create administrator" }).click();
  await expect(page.getByText("The password must have at least 12 characters.")).toBeVisible();
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByLabel("Repeat the password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create administrator" }).click();

  // Sign in
  await expect(page).toHaveURL(/\/login\?created=1$/);
  await expect(page.getByRole("status")).toHaveText("The administrator account was created. You can now sign in.");
  // A wrong password first, then the right one: one click on "Sign in" must be enough
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("not my password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("The email or password is not correct.");
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  await expect(page.getByText(`Welcome, ${ADMIN.name}.`)).toBeVisible();

  // Keyboard: the first Tab offers the skip link, which moves focus to the main content
  await page.reload();
  await page.keyboard.press("Tab");
  await expect(page.locator(":focus")).toHaveText("Skip to main content");
  await page.keyboard.press("Enter");
  await expect(page.locator(":focus")).toHaveAttribute("id", "main");

  // Every language: <html lang> and the translated navigation
  for (const lng of ORDER) {
    await page.locator("summary", { hasText: /./ }).first().click();
    await page.getByRole("button", { name: languageNames[lng], exact: true }).click();
    const nav = messages(lng, "common").nav;
    const mainNav = page.getByRole("navigation");
    await expect(mainNav.getByRole("link", { name: nav.events, exact: true })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", lng === "zh" ? "zh-Hans" : lng);
    for (const label of [nav.dashboard, nav.members, nav.mail, nav.settings]) {
      await expect(mainNav.getByRole("link", { name: label, exact: true })).toBeVisible();
    }
    await mainNav.getByRole("link", { name: nav.settings, exact: true }).click();
    await expect(page.getByRole("heading", { name: nav.settings, level: 1 })).toBeVisible();
  }

  // Sign out (in English, the last language chosen)
  await hydrated(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("status")).toHaveText("You have signed out.");
  await open(page, "/events");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fevents/);

  expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
  expect(consoleErrors).toEqual([]);
});

test("the language chosen is kept on the account: a fresh English browser signs in to the Korean interface", async ({ page, browser }) => {
  await open(page, "/login");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("summary").first().click();
  await page.getByRole("button", { name: "한국어", exact: true }).click();
  await expect(page.getByRole("heading", { name: "대시보드", level: 1 })).toBeVisible();

  const fresh = await browser.newContext({ locale: "en-GB" });
  const other = await fresh.newPage();
  await open(other, "/login");
  await expect(other.locator("html")).toHaveAttribute("lang", "en");
  await other.getByLabel("Email").fill(ADMIN.email);
  await other.getByLabel("Password").fill(ADMIN.password);
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(other.getByRole("heading", { name: "대시보드", level: 1 })).toBeVisible();
  await expect(other.locator("html")).toHaveAttribute("lang", "ko");
  await fresh.close();
});

test("the sign-in page follows the browser's language and refuses a wrong password in it", async ({ browser }) => {
  const context = await browser.newContext({ locale: "ru-RU" });
  const page = await context.newPage();
  await open(page, "/login");
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  const t = messages("ru", "auth").login;
  await page.getByLabel(t.email).fill(ADMIN.email);
  await page.getByLabel(t.password).fill("wrong password");
  await page.getByRole("button", { name: t.submit }).click();
  await expect(page.getByRole("alert")).toHaveText(t.invalid);
  await context.close();
});

test("on the sign-in page the email field has focus and the language menu is one Shift+Tab away", async ({ page }) => {
  await open(page, "/login");
  await expect(page.getByLabel("Email")).toBeFocused();
  await page.keyboard.press("Shift+Tab");
  await expect(page.locator(":focus")).toHaveText(/English/);
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  await expect(page.locator(":focus")).toHaveText("English");
  await expect(page.getByRole("button", { name: "日本語" })).toBeVisible();
});
