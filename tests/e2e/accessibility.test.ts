import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import { type Browser, type BrowserContext, expect, type Page, test } from "@playwright/test";
import type axeCore from "axe-core";

import { ROOT } from "../helpers/paths";
import { ADMIN } from "./accounts";
import { adminDemoAndInvitations, type Invited } from "./fixtures";
import { hydrated } from "./hydrated";
import { type Plenary, startPlenary, stopPlenary } from "./plenary";

/*
 * Issue 17: every kind of page in every language, one test per language (a failure names it), on a server of its own
 * with an event that has invitations and replies. Each page must hydrate without a console error, page error or CSP
 * report, have no serious or critical axe violation (WCAG 2.0/2.1 A and AA), one h1, aria references to ids that
 * exist once, its <html lang> and a translated title.
 */
const LOCALES = ["en", "ko", "zh", "ja", "ru", "mn"] as const;
type Lng = (typeof LOCALES)[number];

/**
 * One page of each kind a staff member opens (one event, one member, one invitation…, not all 82 members), and of
 * each kind a delegate opens. Every page route of app/routes is here or in NOT_CRAWLED: the last test says so.
 */
function staffPages(s: Invited) {
  const event = `/events/${s.eventId}`;
  return [
    "/",
    "/members",
    "/members/new",
    `/members/${s.memberId}`,
    `/members/${s.memberId}/edit`,
    `/members/${s.memberId}/contacts/new`,
    `/members/${s.memberId}/contacts/${s.contactId}`,
    "/members/contacts",
    "/members/guests",
    `/members/guests/${s.guestId}`,
    "/members/import",
    "/members/subcommittees",
    `/members/subcommittees/${s.subcommitteeId}`,
    "/events",
    "/events/new",
    event,
    `${event}/edit`,
    `${event}/letters`,
    `${event}/invitations`,
    `${event}/replies`,
    `${event}/replies/${s.invitationId}`,
    `${event}/roster`,
    `${event}/logistics`,
    `${event}/badges`,
    `${event}/check-in`,
    `${event}/approvals`,
    `${event}/visa-letters`,
    `${event}/programme/${s.itemId}`,
    `${event}/bulk`,
    `${event}/roster/print`,
    "/mail",
    `/mail/${s.messageId}`,
    "/mail/received",
    "/mail/suppressions",
    "/settings",
    "/settings/security",
    "/settings/api-tokens",
    "/settings/identity",
    "/settings/sign-in",
    "/settings/staff",
    `/settings/staff/${s.staffId}`,
    "/settings/audit",
    "/settings/retention",
    "/settings/system",
    "/settings/webhooks",
    `/settings/webhooks/${s.webhookId}`,
    "/api/v1/docs",
  ];
}

/** A delegate's pages, on a phone, without an account. */
function delegatePages(s: Invited) {
  return [s.replyPath, `${s.replyPath}/participants`, "/r/resend", s.badgePath, `/events/${s.eventId}/participants`, "/login", "/no-such-page"];
}

/** Page routes the crawl cannot open without a state of their own, and where they are checked instead. */
const NOT_CRAWLED: Record<string, string> = {
  "routes/setup.$token": "the one-time first-run link (first-run.test.ts)",
  "routes/account.password.$token": "a colleague's one-time set-password link (settings.test.ts)",
  "routes/sign-in.verify": "the second step of a sign-in with a second factor (passkeys.test.ts)",
  "routes/sign-in.enrol": "enrolment forced by the sign-in policy (passkeys.test.ts)",
  "routes/auth.oidc.start": "a redirect to an identity provider (sso.test.ts)",
  "routes/auth.oidc.callback": "the identity provider's answer (sso.test.ts)",
  "routes/set-language": "a POST that redirects",
};

/** Every route module with a component (a page); the others are files, data and redirects. */
const PAGE_ROUTES = fs
  .readdirSync(path.join(ROOT, "app/routes"))
  .filter((file) => /\.tsx$/.test(file) && /^export default /m.test(fs.readFileSync(path.join(ROOT, "app/routes", file), "utf8")))
  .map((file) => `routes/${file.replace(/\.tsx$/, "")}`);

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

let plenary: (Plenary & { seeded: Invited }) | undefined;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  plenary = await startPlenary("a11y", adminDemoAndInvitations);
});

test.afterAll(async () => {
  await stopPlenary(plenary);
});

/**
 * The page's console errors, uncaught errors and CSP violations, each with the address it was on: a route that
 * fails to hydrate (a value from a `.server` module, a zod schema probing eval) is named.
 */
async function watchPages(context: BrowserContext, problems: string[], lng: Lng) {
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) =>
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI} (${event.sourceFile}:${event.lineNumber})`),
    );
  });
  const where = (page: Page) => `${lng} ${new URL(page.url()).pathname}`;
  context.on("page", (page) => {
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      // Chromium says that a sandboxed preview frame (a letter, an email) refused Playwright's own probing scripts
      if (/^Blocked script execution in .* sandboxed/.test(message.text())) return;
      // the not-found page is meant to answer 404, and Chromium logs that the document's load "failed"
      if (/404/.test(message.text()) && message.location().url === page.url() && /\/no-such-page$/.test(page.url())) return;
      problems.push(`${where(page)}: console: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`${where(page)}: page error: ${error.message}`));
  });
}

/** axe-core itself, the version @axe-core/playwright runs (its dependency). */
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
/** WCAG 2.0 and 2.1, A and AA (2.1 brings "label in name", "autocomplete", reflow…). */
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/**
 * axe run in the page (injected once per document, so once per crawl between full loads), asked for violations only:
 * a few hundred milliseconds a page. The frames a page embeds (the sandboxed letter and email previews) are
 * documents of their own, not the app's interface.
 */
async function seriousViolations(page: Page) {
  if (!(await page.evaluate("typeof window.axe === 'object'"))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    const { axe } = window as unknown as { axe: typeof axeCore };
    const { violations } = await axe.run(document, {
      runOnly: { type: "tag", values: tags },
      // WCAG 2.5.3 "label in name" (tagged wcag21a, but experimental in axe): the language switcher's name once lacked its visible text
      rules: { "label-content-name-mismatch": { enabled: true } },
      resultTypes: ["violations"],
      iframes: false,
    });
    return violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(" ")} ${v.nodes[0]?.failureSummary?.split("\n")[1]?.trim() ?? ""}`);
  }, AXE_TAGS);
}

/** The language switch as the app's own switcher posts it: the cookie, and for a signed-in user their saved language. */
async function setLanguage(page: Page, lng: Lng) {
  const response = await page.request.post("/set-language", {
    form: { lng, redirectTo: "/" },
    headers: { origin: new URL(page.url()).origin },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(302);
}

type RemixWindow = {
  __remixRouter: {
    navigate(to: string): Promise<void>;
    state: { location: { pathname: string }; navigation: { state: string }; errors: Record<string, unknown> | null; matches: { route: { id: string } }[] };
  };
};

/**
 * Opens `url` and records what is wrong with it; the routes it rendered. A full load (`full`) sends the page
 * from the server and waits for React to hydrate it; otherwise the app navigates to it as a click on a link does
 * (the route's module is loaded and rendered in the browser, and its CSP or render errors show the same way).
 */
async function check(page: Page, url: string, lng: Lng, problems: string[], { full, staff }: { full: boolean; staff: boolean }) {
  const started = Date.now();
  if (full) {
    const response = await page.goto(url, { waitUntil: "domcontentloaded" });
    const expected = url === "/no-such-page" ? 404 : 200;
    if (response?.status() !== expected) problems.push(`${lng} ${url}: HTTP ${response?.status()}`);
    await hydrated(page);
  } else {
    const errors = await page.evaluate(async (to) => {
      const router = (window as unknown as RemixWindow).__remixRouter;
      await router.navigate(to);
      return router.state.errors ? Object.keys(router.state.errors) : [];
    }, url);
    if (errors.length) problems.push(`${lng} ${url}: error boundary of ${errors.join(", ")}`);
  }
  const loaded = Date.now();
  const page_ = await page.evaluate(() => ({
    lang: document.documentElement.lang,
    title: document.title,
    headings: document.querySelectorAll("h1").length,
    // aria-describedby and aria-labelledby that name an id twice or an id the page does not have
    references: Array.from(document.querySelectorAll("[aria-describedby], [aria-labelledby]")).flatMap((element) =>
      ["aria-describedby", "aria-labelledby"].flatMap((attribute) => {
        const ids = (element.getAttribute(attribute) ?? "").split(/\s+/).filter(Boolean);
        const wrong = ids.filter((id, i) => ids.indexOf(id) !== i || !document.getElementById(id));
        return wrong.length ? [`${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""} ${attribute}="${ids.join(" ")}"`] : [];
      }),
    ),
    path: location.pathname,
    routes: (window as unknown as RemixWindow).__remixRouter.state.matches.map((m) => m.route.id),
  }));
  if (page_.path !== url.split("?")[0]) problems.push(`${lng} ${url}: ended on ${page_.path}`);
  // one main heading names the page for a screen reader's list of headings
  if (page_.headings !== 1) problems.push(`${lng} ${url}: ${page_.headings} h1`);
  for (const reference of page_.references) problems.push(`${lng} ${url}: ${reference} (an id twice, or missing)`);
  if (page_.lang.split("-")[0] !== lng) problems.push(`${lng} ${url}: <html lang="${page_.lang}">`);
  for (const problem of await seriousViolations(page)) problems.push(`${lng} ${url}: ${problem}`);
  // its title names the page in its language (not a bare product name, not an untranslated key)
  if ((staff && !/ · Plenary$/.test(page_.title)) || /\b[a-z]+:[a-zA-Z]+\./.test(page_.title)) problems.push(`${lng} ${url}: title "${page_.title}"`);
  if (process.env.A11Y_TIMING) console.log(`${lng} ${url}: ${full ? "load" : "navigate"} ${loaded - started} ms, axe ${Date.now() - loaded} ms`);
  return page_.routes;
}

async function signedIn(browser: Browser, lng: Lng, problems: string[]) {
  const context = await browser.newContext({ baseURL: plenary!.url, locale: "en-GB", viewport: { width: 1440, height: 900 } });
  await watchPages(context, problems, lng);
  const page = await context.newPage();
  await page.goto("/login", { waitUntil: "domcontentloaded" });
  await hydrated(page);
  await page.locator("input[name=email]").fill(ADMIN.email);
  await page.locator("input[name=password]").fill(ADMIN.password);
  await page.locator("button.primary").click();
  await page.waitForURL("/");
  await setLanguage(page, lng);
  return { context, page };
}

const rendered = new Map<Lng, Set<string>>();

for (const lng of LOCALES) {
  test(`${lng}: every kind of page has no serious or critical axe violation and hydrates without a console error or CSP report`, async ({ browser }) => {
    test.setTimeout(90_000);
    const seeded = plenary!.seeded;
    const problems: string[] = [];
    const routes = new Set<string>();
    const { context, page } = await signedIn(browser, lng, problems);
    // each staff page is loaded from the server and hydrated in one of the six languages (the six in turn, the
    // dashboard in all) and reached as a link reaches it in the other five: every staff route hydrates in one
    // language, and a full load of each costs four times a navigation (the six crawls stay under four minutes)
    const turn = LOCALES.indexOf(lng);
    for (const [index, url] of staffPages(seeded).entries()) {
      const full = index === 0 || index % LOCALES.length === turn;
      for (const id of await check(page, url, lng, problems, { full, staff: true })) routes.add(id);
    }
    await context.close();

    // the delegate's pages on a phone, without an account, the language chosen with the page's switcher
    const phone = await browser.newContext({ baseURL: plenary!.url, locale: "en-GB", ...PHONE });
    await watchPages(phone, problems, lng);
    const delegate = await phone.newPage();
    await delegate.goto("/login", { waitUntil: "domcontentloaded" });
    await setLanguage(delegate, lng);
    for (const url of delegatePages(seeded)) for (const id of await check(delegate, url, lng, problems, { full: true, staff: false })) routes.add(id);
    await phone.close();

    rendered.set(lng, routes);
    expect(problems).toEqual([]);
  });
}

test("the crawl opens every page route of the app, or says where a route it skips is checked", () => {
  test.skip(rendered.size < LOCALES.length, "needs the six crawls of this file");
  for (const [lng, routes] of rendered) {
    const missing = PAGE_ROUTES.filter((id) => !routes.has(id) && !(id in NOT_CRAWLED));
    expect(missing, `${lng}: page routes the crawl did not open`).toEqual([]);
  }
  expect(
    Object.keys(NOT_CRAWLED).filter((id) => !PAGE_ROUTES.includes(id)),
    "skipped routes that no longer exist",
  ).toEqual([]);
});
