import fs from "node:fs";
import path from "node:path";

import { expect, type Locator, test } from "@playwright/test";

import { ROOT } from "../helpers/paths";
import { png } from "../helpers/png";
import { ADMIN } from "./accounts";
import { adminAndDemo } from "./fixtures";
import { hydrated, open } from "./hydrated";
import { messages } from "./locales";
import { type Plenary, startPlenary, stopPlenary } from "./plenary";

const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "app/locales/en/settings.json"), "utf8"));
const settingsRu = JSON.parse(fs.readFileSync(path.join(ROOT, "app/locales/ru/settings.json"), "utf8"));
const inv = messages("en", "invitations");

const NAME = {
  ko: "동북아시아지방정부연합 (시험)",
  ru: "Ассоциация региональных администраций стран Северо-Восточной Азии (проверка)",
};
const SIGNATURE = {
  ko: "임병진\n사무총장",
  ru: "Лим Бён Джин\nГенеральный секретарь",
};

/**
 * This journey changes the secretariat's identity, which every page header and letter shows, so it runs its
 * own Plenary (the built `node app/server.js`, as `npm start` does) on a fresh data directory, with the
 * administrator and the NEAR demo created by the command-line tools, instead of the shared e2e server.
 */
/** A 96×32 PNG logo: a dark blue band with a lighter square, as an image editor would export it. */
const logoPng = () => png(96, 32, { colour: (x, y) => (x > 8 && x < 32 && y > 6 && y < 26 ? [0x6b, 0xa6, 0xd9] : [0x17, 0x40, 0x6d]) });

/** The image was really loaded (not refused by a CSP, not broken). */
async function expectLoaded(image: Locator) {
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
}

let plenary: Plenary | undefined;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  plenary = await startPlenary("settings", adminAndDemo);
});

test.afterAll(async () => {
  await stopPlenary(plenary);
});

test("an admin sets the identity in Korean and Russian, uploads a logo, and sees them in the page header and in the letters", async ({ browser }) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  const context = await browser.newContext({ baseURL: plenary!.url, locale: "en-GB", viewport: { width: 1280, height: 900 } });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) =>
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI} on ${location.pathname}`),
    );
  });
  // Chromium logs that the sandboxed preview frame blocks Playwright's own probing scripts; those lines are the tool's.
  context.on(
    "console",
    (m) =>
      m.type() === "error" && !/Blocked script execution in .* sandboxed/.test(m.text()) && problems.push(`${m.text().slice(0, 60)} @ ${m.location().url}`),
  );
  context.on("weberror", (e) => problems.push(e.error().message));
  const page = await context.newPage();

  await open(page, "/login");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();

  // 1. Settings → Identity (the demo filled in NEAR's names; the secretariat now sets its own)
  await page.getByRole("banner").getByRole("link", { name: "Settings" }).click();
  const sections = page.getByRole("navigation", { name: settings.nav.label });
  await sections.getByRole("link", { name: settings.nav.identity }).click();
  await expect(page.getByRole("heading", { name: settings.identity.title })).toBeVisible();
  await expect(sections.getByRole("link", { name: settings.nav.identity })).toHaveAttribute("aria-current", "page");

  const names = page.getByRole("group", { name: settings.identity.fields.name });
  await names.getByLabel("한국어").fill(NAME.ko);
  await names.getByLabel("Русский").fill(NAME.ru);
  await page.getByLabel(settings.identity.fields.shortName).fill("NEAR");
  const signature = page.getByRole("group", { name: settings.identity.fields.signature });
  await signature.getByLabel("한국어").fill(SIGNATURE.ko);
  await signature.getByLabel("Русский").fill(SIGNATURE.ru);
  await page.getByLabel(settings.identity.fields.senderName).fill("NEAR Secretariat");
  await page.getByRole("button", { name: settings.identity.save }).click();
  await expect(page.getByRole("status")).toHaveText(settings.identity.saved.identity);
  await expect(names.getByLabel("Русский")).toHaveValue(NAME.ru);

  // 2. The logo: a PNG, shown on the page and in the header
  await page.getByLabel(settings.identity.logo.file).setInputFiles({ name: "near.png", mimeType: "image/png", buffer: logoPng() });
  await page.getByRole("button", { name: settings.identity.logo.upload }).click();
  await expect(page.getByRole("status")).toHaveText(settings.identity.saved.logo);
  await hydrated(page);
  await expectLoaded(page.locator(".logo-preview img"));
  const brand = page.getByRole("banner").locator("a.brand");
  await expect(brand).toContainText("NEAR");
  await expectLoaded(brand.locator("img"));

  // 3. In Russian, the header names the organisation in Russian
  await page.getByRole("banner").locator("summary").first().click();
  await page.getByRole("button", { name: "Русский", exact: true }).click();
  await expect(page.getByRole("heading", { name: settingsRu.identity.title })).toBeVisible();
  await hydrated(page);
  await expect(brand).toHaveAttribute("title", NAME.ru);
  await expectLoaded(brand.locator("img"));
  await page.getByRole("banner").locator("summary").first().click();
  await page.getByRole("button", { name: "English", exact: true }).click();
  await expect(page.getByRole("heading", { name: settings.identity.title })).toBeVisible();
  await hydrated(page);

  // 4. The invitation letter, previewed in Korean and in Russian: letterhead with logo, name and signature
  await open(page, "/events");
  await page.getByRole("link", { name: "16th NEAR General Assembly" }).click();
  await page.waitForURL(/\/events\/[0-9a-f-]{36}$/);
  await page.getByRole("link", { name: inv.editLetters }).click();
  await page.getByRole("link", { name: "한국어" }).click();
  await page.waitForURL(/locale=ko/);
  await expect(page.locator("#placeholders")).toContainText("{{organisation}}");
  await page.getByLabel(inv.letters.previewFor).selectOption({ label: "Primorsky Krai" });
  await page.getByRole("button", { name: inv.letters.preview }).click();
  const preview = page.frameLocator("iframe[name=letter-preview]");
  await expect(preview.locator("body")).toContainText(NAME.ko);
  await expect(preview.locator("body")).toContainText("임병진");
  await expect(preview.locator("body")).toContainText("사무총장");
  await expectLoaded(preview.locator("img").first());

  await page.getByRole("link", { name: "Русский" }).click();
  await page.waitForURL(/locale=ru/);
  await page.getByLabel(inv.letters.previewFor).selectOption({ label: "Primorsky Krai" });
  await page.getByRole("button", { name: inv.letters.preview }).click();
  await expect(preview.locator("body")).toContainText(NAME.ru);
  await expect(preview.locator("body")).toContainText("Лим Бён Джин");
  await expect(preview.locator("body")).toContainText("Генеральный секретарь");
  await expectLoaded(preview.locator("img").first());

  expect(problems).toEqual([]);
  await context.close();
});
