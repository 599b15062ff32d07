import fs from "node:fs";
import path from "node:path";

import type { Page } from "@playwright/test";

import { ROOT } from "../helpers/paths";
import { expect, signIn, test } from "./fixtures";
import { open } from "./hydrated";

/**
 * The pictures of the user guide (docs/guide/img), taken only when asked:
 *   DOCS_SCREENSHOTS=1 npm run test:e2e -- docs-screenshots
 * Every other run skips this file, so the suite never rewrites files in the repository.
 */
const OUT = path.join(ROOT, "docs", "guide", "img");

test.skip(!process.env.DOCS_SCREENSHOTS, "only with DOCS_SCREENSHOTS=1");

async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
}

test("the guide's screenshots: staff pages at 1440 px in English and Korean, the delegates' page on a phone in Russian", async ({ page, browser, baseURL }) => {
  fs.mkdirSync(OUT, { recursive: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, "English");
  await open(page, "/");
  await shot(page, "dashboard-en");
  await open(page, "/members");
  await shot(page, "members-en");
  await open(page, "/events");
  const assembly = page.getByRole("link", { name: /16th NEAR General Assembly/ }).first();
  const eventPath = (await assembly.getAttribute("href"))!;
  await open(page, eventPath);
  await shot(page, "event-en");
  await open(page, `${eventPath}/invitations?mode=country&country=MN`);
  await page.locator("details.confirm summary").click();
  await page.locator(".confirm-panel").scrollIntoViewIfNeeded();
  await shot(page, "invitations-confirm-en");
  await open(page, `${eventPath}/roster`);
  await shot(page, "roster-en");

  await page.locator("summary").first().click();
  await page.getByRole("button", { name: "한국어", exact: true }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "ko");
  await open(page, eventPath);
  await shot(page, "event-ko");

  // a delegate on a phone: the page for a link that cannot be used, with "send me my link again"
  const phone = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, locale: "ru-RU", extraHTTPHeaders: { "accept-language": "ru" } });
  const delegate = await phone.newPage();
  await delegate.goto(`/r/${"A".repeat(43)}`);
  await expect(delegate.getByText("Потеряли ссылку?")).toBeVisible();
  await shot(delegate, "lost-link-ru-phone");
  await phone.close();

  for (const name of ["dashboard-en", "members-en", "event-en", "invitations-confirm-en", "roster-en", "event-ko", "lost-link-ru-phone"]) {
    expect(fs.statSync(path.join(OUT, `${name}.png`)).size, name).toBeGreaterThan(10_000);
  }
});
