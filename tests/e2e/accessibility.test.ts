import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";

import { SmtpSink } from "../helpers/smtp-sink";
import { adminAndDemo, signIn } from "./fixtures";
import { open } from "./hydrated";
import { type Plenary, startPlenary, stopPlenary } from "./plenary";

const LOCALES = ["en", "ko", "zh", "ja", "ru", "mn"] as const;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** Downloads and actions, not pages: files, the print dialog's page (checked on its own below), sign-out. */
const NOT_A_PAGE = /\.(csv|pdf|xlsx|ics|json|png|svg)(\?|$)|\/logout|\/set-language|\/logo|\/healthz|\/readyz|\/metrics/;

// 360-odd page visits: no trace or video, they would cost more than the checks
test.use({ trace: "off", video: "off", screenshot: "off" });

let sink: SmtpSink;
let plenary: Plenary | undefined;

/**
 * Its own Plenary with the demo directory and a real SMTP server: the delegate's pages need a live reply link,
 * and a link reaches a reader only inside a sent message (stored messages hold it masked).
 */
test.beforeAll(async () => {
  test.setTimeout(300_000);
  sink = await new SmtpSink().start();
  plenary = await startPlenary("a11y", adminAndDemo, {
    SMTP_URL: sink.url(),
    MAIL_FROM: "NEAR Secretariat <secretariat@near.example.org>",
    MAIL_RETRY_BASE_SECONDS: "0.5",
    MAIL_RATE_PER_MINUTE: "0",
  });
});

test.afterAll(async () => {
  await stopPlenary(plenary);
  await sink?.stop();
});

async function setLanguage(page: Page, lng: string) {
  const response = await page.request.post("/set-language", {
    form: { lng, redirectTo: "/" },
    headers: { origin: plenary!.url },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(302);
}

/** A staff form posted as the browser posts it (same origin), answered with a redirect. */
async function post(page: Page, url: string, form: Record<string, string>) {
  const response = await page.request.post(url, { form, headers: { origin: plenary!.url }, maxRedirects: 0 });
  expect(response.status(), `${url} ${JSON.stringify(form)}`).toBeLessThan(400);
}

async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    // only the violations come back: the passes of a long table are most of the time axe takes
    .options({ resultTypes: ["violations"] })
    .analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(" ")} ${v.nodes[0]?.failureSummary?.split("\n")[1]?.trim() ?? ""}`);
}

/**
 * Opens `url` and checks it: axe (no serious or critical violation), the page in `lng` (<html lang>), and for
 * staff pages a title that names the page in its language. False when the link starts a download.
 */
async function check(page: Page, url: string, lng: string, problems: string[], { staff }: { staff: boolean }) {
  const response = await page.goto(url).catch((error: Error) => (/Download is starting/.test(error.message) ? null : Promise.reject(error)));
  if (!response || !/text\/html/.test(response.headers()["content-type"] ?? "")) return false;
  // the server-rendered page is what axe reads (hydration keeps it): no wait for scripts
  const report = (problem: string) => {
    problems.push(`${lng} ${url}: ${problem}`);
    console.log(`a11y problem: ${lng} ${url}: ${problem}`);
  };
  for (const problem of await seriousViolations(page)) report(problem);
  const lang = (await page.locator("html").getAttribute("lang")) ?? "";
  if (!lang.toLowerCase().startsWith(lng)) report(`<html lang="${lang}">`);
  if (staff) {
    // the title names the page in its language (not a bare product name, not an untranslated key)
    const title = await page.title();
    if (!/ · Plenary$/.test(title) || /\b[a-z]+:[a-zA-Z]+\./.test(title)) report(`title "${title}"`);
  }
  return true;
}

test("every page, staff and delegate, has no serious or critical axe violation in each of the six languages", async ({ browser }) => {
  test.setTimeout(900_000);
  const started = Date.now();
  const server = plenary!;
  const problems: string[] = [];
  const staffContext = await browser.newContext({ baseURL: server.url, locale: "en-GB" });
  const page = await staffContext.newPage();
  await signIn(page, "English");

  // 1. Staff pages are found the way a user finds them, by following links from the dashboard, and checked in
  // English on the way; one address per kind of page (an event, a member … once).
  const kinds = new Map<string, string>();
  const queue = ["/"];
  await setLanguage(page, "en");
  while (queue.length && kinds.size < 80) {
    const url = queue.shift()!;
    const kind = url.split("?")[0].replace(UUID, ":id");
    if (kinds.has(kind)) continue;
    if (!(await check(page, url, "en", problems, { staff: true }))) continue;
    kinds.set(kind, url);
    const hrefs = await page.locator("a[href^='/']:not([download])").evaluateAll((links) => links.map((a) => a.getAttribute("href")!));
    for (const href of hrefs) if (!NOT_A_PAGE.test(href) && !kinds.has(href.split("?")[0].replace(UUID, ":id"))) queue.push(href);
  }
  expect(kinds.size).toBeGreaterThan(25);
  const eventPath = [...kinds.values()].find((url) => /^\/events\/[0-9a-f-]{36}$/.test(url))!;
  expect(eventPath, "an event page was found").toBeDefined();
  // the print view of the roster is opened by a button (window.print), not a link
  kinds.set("print", `${eventPath}/roster/print`);
  await check(page, `${eventPath}/roster/print`, "en", problems, { staff: false });

  // 2. What a delegate sees: the General Assembly publishes its List of Participants openly, and one member
  // still to answer gets a reminder, whose reply link opens the reply page and the participants page
  await open(page, "/events");
  await page.getByRole("link", { name: "16th NEAR General Assembly" }).click();
  await page.waitForURL(/\/events\/[0-9a-f-]{36}$/);
  const assembly = new URL(page.url()).pathname;
  await post(page, `${assembly}/roster`, { intent: "freeze", kind: "provisional", lang: "en" });
  await post(page, `${assembly}/roster`, { intent: "publish", version: "1", isPublic: "on" });
  await open(page, `${assembly}?answer=awaiting`);
  const awaiting = (await page.locator("#invitations tbody a[href*='/replies/']").first().getAttribute("href"))!.split("/").pop()!;
  await post(page, assembly, { intent: "remind", batch: crypto.randomUUID(), picked: "1", remindId: awaiting });
  await expect.poll(() => sink.messages.length, { timeout: 30_000 }).toBeGreaterThan(0);
  const link = new URL(sink.messages[0].text!.match(/https?:\/\/\S+\/r\/[A-Za-z0-9_-]{43}/)![0]).pathname;
  const delegatePages = [link, `${link}/participants`, `/r/${"A".repeat(43)}`, "/r/resend", `${assembly}/participants`];
  const delegateContext = await browser.newContext({ baseURL: server.url, locale: "en-GB" });
  const delegate = await delegateContext.newPage();

  // 3. Every page in every language: the language is set once per language, then each address is visited
  const staffPages = [...kinds.values()].filter((url) => !url.endsWith("/roster/print"));
  for (const lng of LOCALES) {
    if (lng !== "en") {
      await setLanguage(page, lng);
      for (const url of staffPages) await check(page, url, lng, problems, { staff: true });
      await check(page, `${eventPath}/roster/print`, lng, problems, { staff: false });
    }
    await setLanguage(delegate, lng);
    for (const url of delegatePages) expect(await check(delegate, url, lng, problems, { staff: false }), url).toBe(true);
  }
  // the sign-in page, in the browser language of a first visit
  for (const lng of LOCALES) {
    const context = await browser.newContext({ baseURL: server.url, locale: lng });
    const anonymous = await context.newPage();
    await check(anonymous, "/login", lng, problems, { staff: false });
    await context.close();
  }
  await staffContext.close();
  await delegateContext.close();
  console.log(
    `accessibility: ${kinds.size} kinds of staff page and ${delegatePages.length + 1} public pages × ${LOCALES.length} languages in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  expect(problems).toEqual([]);
});
