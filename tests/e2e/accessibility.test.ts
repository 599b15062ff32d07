import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

import { expect, signIn, test } from "./fixtures";
import { hydrated, open } from "./hydrated";

const LOCALES = ["en", "ko", "zh", "ja", "ru", "mn"] as const;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** Downloads and actions, not pages: files, the print dialog's page (checked on its own below), sign-out. */
const NOT_A_PAGE = /\.(csv|pdf|xlsx|ics|json|png|svg)(\?|$)|\/logout|\/set-language|\/logo|\/healthz|\/readyz|\/metrics/;

async function setLanguage(page: Page, lng: string) {
  const response = await page.request.post("/set-language", {
    form: { lng, redirectTo: "/" },
    headers: { origin: new URL(page.url()).origin },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(302);
}

async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(" ")} ${v.nodes[0]?.failureSummary?.split("\n")[1]?.trim() ?? ""}`);
}

test("every staff page has no serious or critical axe violation and a translated title, each page in one of the six languages in turn", async ({ page }) => {
  test.setTimeout(600_000);
  await signIn(page, "English");
  // The pages are found the way a user finds them, by following links from the dashboard; each kind of page
  // (an event, a member … once) is checked in one language, the six in turn, so every language is checked on
  // several kinds of page and the shared header, menus and tables on all of them.
  const kinds = new Set<string>();
  const queue = ["/"];
  const problems: string[] = [];
  while (queue.length && kinds.size < 60) {
    const url = queue.shift()!;
    const kind = url.split("?")[0].replace(UUID, ":id");
    if (kinds.has(kind)) continue;
    const lng = LOCALES[kinds.size % LOCALES.length];
    await setLanguage(page, lng);
    // a link to a file (an export, a PDF) starts a download instead of a page: not a page to check
    const response = await page.goto(url).catch((error: Error) => (/Download is starting/.test(error.message) ? null : Promise.reject(error)));
    if (!response || !/text\/html/.test(response.headers()["content-type"] ?? "")) continue;
    kinds.add(kind);
    await hydrated(page);
    for (const problem of await seriousViolations(page)) problems.push(`${lng} ${url}: ${problem}`);
    // and its title names the page in its language (not a bare product name, not an untranslated key)
    const title = await page.title();
    if (!/ · Plenary$/.test(title) || /\b[a-z]+:[a-zA-Z]+\./.test(title)) problems.push(`${lng} ${url}: title "${title}"`);
    const hrefs = await page.locator("a[href^='/']:not([download])").evaluateAll((links) => links.map((a) => a.getAttribute("href")!));
    for (const href of hrefs) if (!NOT_A_PAGE.test(href) && !kinds.has(href.split("?")[0].replace(UUID, ":id"))) queue.push(href);
  }
  expect(kinds.size).toBeGreaterThan(25);
  expect(problems).toEqual([]);
});

test("the sign-in page (six languages) and the roster print view (Korean, Russian) have no serious or critical axe violation", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  for (const lng of LOCALES) {
    const context = await browser.newContext({ baseURL, locale: lng });
    const anonymous = await context.newPage();
    await open(anonymous, "/login");
    for (const problem of await seriousViolations(anonymous)) problems.push(`${lng} /login: ${problem}`);
    await context.close();
  }
  await signIn(page, "English");
  await open(page, "/events");
  await page.getByRole("link", { name: "16th NEAR General Assembly" }).click();
  await page.waitForURL(/\/events\/[0-9a-f-]{36}$/);
  const printUrl = `${new URL(page.url()).pathname}/roster/print`;
  for (const lng of ["ko", "ru"]) {
    await setLanguage(page, lng);
    await page.goto(printUrl);
    for (const problem of await seriousViolations(page)) problems.push(`${lng} ${printUrl}: ${problem}`);
  }
  expect(problems).toEqual([]);
});
