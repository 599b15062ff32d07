import fs from "node:fs";
import path from "node:path";

import { type Browser, expect, type Locator, type Page, test } from "@playwright/test";

import { ROOT } from "../helpers/paths";
import { decodeQrFromPng, extractText, renderPageToPng } from "../helpers/pdf";
import { open } from "./hydrated";
import { cli, startPlenary, stopPlenary, watch } from "./plenary";

/** The rosters namespace in English (messages() covers the staff namespaces it was written for only). */
const en = JSON.parse(fs.readFileSync(path.join(ROOT, "app/locales/en/rosters.json"), "utf8"));
const fill = (text: string, values: Record<string, string | number>) => text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => String(values[key]));
const arrived = (count: number, total: number) => fill(count === 1 ? en.checkIn.arrived_one : en.checkIn.arrived_other, { count, total });

const ORGANISER = { name: "Ana Kim", email: "ana@near.example.org", password: "Door duty at Ulan-Ude 2027!" };
const KOREA = "Gyeongsangbuk-do (North Gyeongsang Province)";
const PHONE = { width: 390, height: 844 };

/**
 * The journey runs its own Plenary (the built `node app/server.js`, as `npm start` does) on a fresh embedded database:
 * the organiser is created with `npm run user:create`, and the demo directory, an open event and the replies of five
 * delegations (names in Hangul, Hanzi, Kana, Cyrillic incl. Mongolian Ө, and Latin) are written by
 * tests/e2e/rosters-seed.ts through the model functions before the server opens the database.
 */
/** The organiser (`npm run user:create`) and the seeded event; the seed prints the event id and check-in codes. */
function organiserAndSeed(env: Record<string, string>) {
  cli(
    "app/cli/user-create.ts",
    ["--email", ORGANISER.email, "--name", ORGANISER.name, "--role", "staff", "--locale", "en", "--password-stdin"],
    env,
    `${ORGANISER.password}\n`,
  );
  return JSON.parse(cli("tests/e2e/rosters-seed.ts", [ORGANISER.email], env).trim().split("\n").at(-1)!) as { eventId: string; codes: Record<string, string> };
}

/** A browser of its own for the organiser, signed in through the login page. */
async function signIn(browser: Browser, baseURL: string, problems: string[], options: Parameters<Browser["newContext"]>[0] = {}) {
  const context = await browser.newContext({ baseURL, locale: "en-GB", viewport: { width: 1280, height: 900 }, acceptDownloads: true, ...options });
  await watch(context, problems);
  const page = await context.newPage();
  await open(page, "/login");
  await page.getByLabel("Email").fill(ORGANISER.email);
  await page.getByLabel("Password").fill(ORGANISER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  return { context, page };
}

/** Clicks what starts a download and returns the file: its suggested name and bytes. */
async function download(page: Page, start: () => Promise<void>): Promise<{ name: string; bytes: Uint8Array }> {
  const [file] = await Promise.all([page.waitForEvent("download"), start()]);
  expect(await file.failure()).toBeNull();
  return { name: file.suggestedFilename(), bytes: new Uint8Array(fs.readFileSync((await file.path())!)) };
}

const isPdf = (bytes: Uint8Array) => Buffer.from(bytes.subarray(0, 5)).toString("latin1") === "%PDF-";

/** A phone with touch, as at the door. */
const PHONE_CONTEXT = { viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 3 };

/** The page's width fits the phone's: nothing to scroll sideways. */
async function noSideScrolling(page: Page) {
  expect(await page.evaluate(() => document.scrollingElement!.scrollWidth), "no horizontal scrolling on a phone").toBeLessThanOrEqual(PHONE.width + 1);
}

/** Apple's and WCAG 2.5.5's minimum for something tapped in a hurry. */
async function thumbSized(button: Locator) {
  expect((await button.boundingBox())!.height, `"${await button.innerText()}" is a button a thumb can hit`).toBeGreaterThanOrEqual(44);
}

let plenary: Awaited<ReturnType<typeof startRosters>> | undefined;
const startRosters = () => startPlenary("rosters", organiserAndSeed);

test.beforeAll(async () => {
  test.setTimeout(120_000);
  plenary = await startRosters();
});

test.afterEach(async () => {
  const testInfo = test.info();
  if (plenary && testInfo.status !== testInfo.expectedStatus) await testInfo.attach("server.log", { body: plenary.log(), contentType: "text/plain" });
});

test.afterAll(async () => {
  await stopPlenary(plenary);
});

test("an organiser freezes the final List of Participants and downloads it as a PDF with every name in its own script", async ({ browser }) => {
  const server = plenary!;
  const problems: string[] = [];
  const { context, page } = await signIn(browser, server.url, problems);

  await open(page, `/events/${server.eventId}/roster`);
  await expect(page.getByRole("heading", { name: en.roster.title, level: 1 })).toBeVisible();
  const table = page.locator("table.roster");
  await expect(table.locator("caption")).toHaveText(fill(en.roster.caption_other, { count: 6 }));
  // protocol order (English alphabetical by country): China, Japan, Korea, Mongolia, Russia
  const names = table.locator("tbody td:first-child > span[lang]");
  await expect(names).toHaveText(["李乐成", "平井 かな", "김철수", "John SMITH", "Цэрэнгийн Өлзийбат", "Кожемяко Олег Николаевич"]);
  await expect(table.locator("span[lang=ko]")).toHaveText("김철수");

  // Versions: freeze the list as the final one
  const versions = page.locator("section", { has: page.getByRole("heading", { name: en.versions.title, level: 2 }) });
  await expect(versions.getByText(en.versions.none)).toBeVisible();
  await versions.getByLabel(en.versions.kind).selectOption({ label: en.versions.kinds.final });
  await versions.getByRole("button", { name: en.versions.freeze }).click();
  await expect(page).toHaveURL(/\/roster\?version=1$/);
  await expect(page.getByRole("status").filter({ hasText: "You are looking at final list no. 1, frozen on" })).toContainText(`by ${ORGANISER.name}.`);
  const row = versions.locator("tbody tr");
  await expect(row).toHaveCount(1);
  await expect(row.locator("td")).toHaveText(["#1", en.versions.kinds.final, /\d/, ORGANISER.name, "6", /PDF/]);

  // …and download the final list as PDF
  const pdf = await download(page, () => row.getByRole("link", { name: "PDF", exact: true }).click());
  expect(pdf.name).toMatch(/\.pdf$/);
  expect(isPdf(pdf.bytes)).toBe(true);
  const text = (await extractText(pdf.bytes)).replace(/\s+/g, "");
  for (const name of ["김철수", "李乐成", "平井かな", "КожемякоОлегНиколаевич", "ЦэрэнгийнӨлзийбат", "JohnSMITH", "KOZHEMIAKOOleg"])
    expect(text).toContain(name);
  expect(text).toContain(fill(en.stamp.final, { number: 1, at: "" }).replace(/[\s,]+/g, ""));

  await context.close();
  expect(problems).toEqual([]);
});

test("the organiser prints badges, one per page, and the first badge's QR code is that delegate's check-in code", async ({ browser }) => {
  const server = plenary!;
  const problems: string[] = [];
  const { context, page } = await signIn(browser, server.url, problems);

  await open(page, `/events/${server.eventId}/badges`);
  await expect(page.getByRole("heading", { name: en.badges.title, level: 1 })).toBeVisible();
  const people = page.locator("section", { has: page.getByRole("heading", { name: fill(en.badges.who_other, { count: 6 }) }) }).locator("tbody tr");
  await expect(people).toHaveCount(6);
  // the page shows each person's check-in code, none of them a reply token
  const shown = (await people.locator("code").allInnerTexts()).map((code) => code.trim());
  expect(shown.sort()).toEqual(Object.values(server.codes).sort());
  for (const code of shown) expect(code).not.toMatch(/^[A-Za-z0-9_-]{43}$/);
  await expect(people.first().locator("td").first()).toContainText("李乐成");
  const firstCode = (await people.first().locator("code").innerText()).trim();

  await page.getByLabel(en.roster.language).selectOption("en");
  await page.getByLabel(en.badges.layout).selectOption({ label: en.badges.layouts.single });
  const badges = await download(page, () => page.getByRole("button", { name: en.badges.downloadBadges }).click());
  expect(badges.name).toMatch(/\.pdf$/);
  expect(isPdf(badges.bytes)).toBe(true);
  const badgeText = (await extractText(badges.bytes)).replace(/\s+/g, "");
  for (const name of ["李乐成", "김철수", "ЦэрэнгийнӨлзийбат"]) expect(badgeText).toContain(name);
  // one badge per page in protocol order: China's head is on page 1, and its QR code is the code on the page
  expect(decodeQrFromPng(await renderPageToPng(badges.bytes, 1, 3))).toBe(firstCode);

  // the same form makes the place cards
  const cards = await download(page, () => page.getByRole("button", { name: en.badges.downloadPlaceCards }).click());
  expect(cards.name).toMatch(/\.pdf$/);
  expect(isPdf(cards.bytes)).toBe(true);
  expect((await extractText(cards.bytes)).replace(/\s+/g, "")).toContain("LiaoningProvince");

  await context.close();
  expect(problems).toEqual([]);
});

test("on a phone the organiser checks one delegate in by name, another by the code on the badge, and undoes one", async ({ browser }) => {
  const server = plenary!;
  const problems: string[] = [];
  const { context, page } = await signIn(browser, server.url, problems, PHONE_CONTEXT);

  // The badge Kim Cheolsu wears: one badge per page in protocol order (China, Japan, then Korea's head on page 3)
  const badges = await page.request.get(`/events/${server.eventId}/badges.pdf?lang=en&layout=single`);
  expect(badges.status()).toBe(200);
  const kimCode = decodeQrFromPng(await renderPageToPng(new Uint8Array(await badges.body()), 3, 3));
  expect(kimCode).toBe(server.codes.Kim);

  await open(page, `/events/${server.eventId}/check-in`);
  await expect(page.getByRole("heading", { name: en.checkIn.title, level: 1 })).toBeVisible();
  const count = page.locator(".check-in-count");
  await expect(count).toHaveText(arrived(0, 6));
  await noSideScrolling(page);
  const status = page.locator(".check-in-result[role=status]");
  const delegations = page.locator("section", { has: page.getByRole("heading", { name: en.checkIn.delegations }) });
  const delegation = (member: string) =>
    delegations
      .locator("tbody tr")
      .filter({ has: page.getByRole("cell", { name: member, exact: true }) })
      .locator("td")
      .nth(1);

  // 1. By name: the native script finds a person…
  const search = page.getByRole("searchbox", { name: en.checkIn.search });
  const results = page.locator("ul.check-in-list > li");
  await search.fill("Өлзий");
  await page.getByRole("button", { name: en.checkIn.find }).tap();
  await expect(results).toHaveCount(1);
  await expect(results.first()).toContainText("Цэрэнгийн Өлзийбат");
  // …and so does the Latin spelling; tap "Check in"
  await search.fill("kozhemiako");
  await page.getByRole("button", { name: en.checkIn.find }).tap();
  await expect(page).toHaveURL(/\?q=kozhemiako$/);
  await expect(results).toHaveCount(1);
  const kozhemiako = results.first();
  await expect(kozhemiako).toContainText("Кожемяко Олег Николаевич");
  await expect(kozhemiako).toContainText("KOZHEMIAKO Oleg");
  const checkIn = kozhemiako.getByRole("button", { name: en.checkIn.checkIn, exact: true });
  await thumbSized(checkIn);
  await noSideScrolling(page);
  await checkIn.tap();
  await expect(status).toContainText(/✓ KOZHEMIAKO Oleg \(Primorsky Krai\) checked in at \d{1,2}:\d{2}/);
  await expect(count).toHaveText(arrived(1, 6));
  await expect(delegation("Primorsky Krai")).toHaveText("1 / 1");
  await expect(kozhemiako.getByText(/^Arrived \d{1,2}:\d{2}/)).toBeVisible();

  // 2. By the code printed on the badge
  const byCode = page.locator("section", { has: page.getByRole("heading", { name: en.checkIn.byCode }) });
  await expect(byCode.getByRole("button", { name: en.checkIn.scan })).toBeVisible();
  await byCode.getByLabel(en.checkIn.code).fill(kimCode!);
  await byCode.getByRole("button", { name: en.checkIn.checkInCode, exact: true }).tap();
  await expect(status).toContainText(new RegExp(`✓ KIM Cheolsu \\(${KOREA.replace(/[()]/g, "\\$&")}\\) checked in at \\d{1,2}:\\d{2}`));
  await expect(count).toHaveText(arrived(2, 6));
  await expect(delegation(KOREA)).toHaveText("1 / 2");

  // 3. Undo the first one
  const undo = kozhemiako.getByRole("button", { name: en.checkIn.undo, exact: true });
  await thumbSized(undo);
  await undo.tap();
  await expect(status).toHaveText(fill(en.checkIn.result.undone, { name: "KOZHEMIAKO Oleg", member: "Primorsky Krai" }));
  await expect(count).toHaveText(arrived(1, 6));
  await expect(delegation("Primorsky Krai")).toHaveText("0 / 1");
  await expect(kozhemiako.getByRole("button", { name: en.checkIn.checkIn, exact: true })).toBeVisible();
  await noSideScrolling(page);

  await context.close();
  expect(problems).toEqual([]);
});

test("on a phone every check-in button is at least 44 px tall", async ({ browser }) => {
  const server = plenary!;
  const problems: string[] = [];
  const { context, page } = await signIn(browser, server.url, problems, PHONE_CONTEXT);
  await open(page, `/events/${server.eventId}/check-in?q=hirai`);
  await expect(page.locator("ul.check-in-list > li")).toHaveCount(1);
  await thumbSized(page.locator("ul.check-in-list").getByRole("button", { name: en.checkIn.checkIn, exact: true }));
  const byCode = page.locator("section", { has: page.getByRole("heading", { name: en.checkIn.byCode }) });
  await thumbSized(byCode.getByRole("button", { name: en.checkIn.checkInCode, exact: true }));
  await context.close();
  expect(problems).toEqual([]);
});
