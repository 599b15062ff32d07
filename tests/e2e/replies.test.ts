import fs from "node:fs";
import path from "node:path";

import { type Browser, expect, type Page, test } from "@playwright/test";
import type { ParsedMail } from "mailparser";

import { ROOT } from "../helpers/paths";
import { SmtpSink } from "../helpers/smtp-sink";
import { ADMIN } from "./accounts";
import { adminAndDemo } from "./fixtures";
import { open } from "./hydrated";
import { messages } from "./locales";
import { type Plenary, startPlenary, stopPlenary, watch } from "./plenary";

/** The reply namespace (messages() covers the staff namespaces only). */
const reply = (lng: string) => JSON.parse(fs.readFileSync(path.join(ROOT, "app/locales", lng, "reply.json"), "utf8"));
const ru = reply("ru");
const ko = reply("ko");
const en = reply("en");
const ruDir = messages("ru", "directory");
const ruCommon = messages("ru", "common");
const inv = messages("en", "invitations");

const EVENT = { en: "16th NEAR General Assembly", ru: "16-я Генеральная ассамблея АРАССВА", ko: "제16차 NEAR 총회" };
const MEMBER = { en: "Primorsky Krai", ru: "Приморский край" };

/**
 * The shared e2e server keeps its mail in the local mailbox. This journey needs mail that really leaves over
 * SMTP, so it runs its own Plenary (the same built `node app/server.js`, as `npm start` does) on a fresh data
 * directory with SMTP_URL pointing at a real SMTP server inside the test, the demo directory loaded and the
 * administrator created with the command-line tools an operator would use.
 */
async function signIn(browser: Browser, baseURL: string, problems: string[]) {
  const context = await browser.newContext({ baseURL, locale: "en-GB", viewport: { width: 1280, height: 900 } });
  await watch(context, problems);
  const page = await context.newPage();
  await open(page, "/login");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  return { context, page };
}

const person = (page: Page, lng: { delegation: { person: string } }, n: number) =>
  page.getByRole("group", { name: lng.delegation.person.replace("{{number}}", String(n)), exact: true });

let sink: SmtpSink;
let plenary: Plenary | undefined;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  sink = await new SmtpSink().start();
  plenary = await startPlenary("replies", adminAndDemo, {
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

test("a Russian member opens the emailed link on a phone, registers a delegation of three, edits it in Korean, gets the confirmations; staff see it", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const server = plenary!;
  const problems: string[] = [];

  // 1. The secretariat invites Primorsky Krai (letters in Russian) to the open General Assembly
  const staff = await signIn(browser, server.url, problems);
  const admin = staff.page;
  await open(admin, "/events");
  await admin.getByRole("link", { name: EVENT.en }).click();
  await admin.waitForURL(/\/events\/[0-9a-f-]{36}$/);
  const eventUrl = admin.url();
  await open(admin, `${eventUrl}/invitations`);
  await admin.getByLabel(inv.audience.mode, { exact: true }).selectOption("country");
  await admin.getByLabel("Country", { exact: true }).selectOption("RU");
  await admin.getByRole("button", { name: inv.audience.preview }).click();
  await expect(admin.locator("table.data-table tbody tr")).toHaveCount(17);
  for (const box of await admin.locator("table.data-table tbody input[name=memberIds]").all()) {
    if ((await box.getAttribute("aria-label")) !== MEMBER.en) await box.uncheck();
  }
  await expect(admin.locator("table.data-table tbody input[name=memberIds]:checked")).toHaveCount(1);
  // the confirmation counts the ticked row, not the 17 of the selection
  await admin.getByText(inv.send).click();
  await expect(admin.getByText(inv.confirm_one.replace("{{count}}", "1"))).toBeVisible();
  await expect(admin.getByText("Русский: 1", { exact: true })).toBeVisible();
  await admin.getByRole("button", { name: inv.confirmButton }).click();
  await expect(admin).toHaveURL(/wave=[0-9a-f-]{36}/);
  await expect(admin.getByText(inv.queued_one.replace("{{count}}", "1"))).toBeVisible({ timeout: 20_000 });

  // …and the letter really leaves through SMTP, in Russian, with the personal link
  await expect.poll(() => sink.messages.length, { timeout: 20_000 }).toBe(1);
  const invitation = sink.messages[0];
  expect(invitation.text).toContain(EVENT.ru);
  const link = invitation.text!.match(/https?:\/\/\S+\/r\/[A-Za-z0-9_-]{43}/)?.[0];
  expect(link, "the invitation carries the reply link").toBeDefined();
  expect(link!.startsWith(`${server.url}/r/`)).toBe(true);

  // 2. On a phone, in a browser that has never seen Plenary: the page is in Russian and sends nothing by itself
  const phone = await browser.newContext({ locale: "ru-RU", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
  await watch(phone, problems);
  const page = await phone.newPage();
  const posts: string[] = [];
  page.on("request", (request) => request.method() === "POST" && posts.push(request.url()));
  await open(page, link!);
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  await expect(page).toHaveTitle(`${EVENT.ru} · Plenary`);
  await expect(page.getByRole("heading", { name: EVENT.ru, level: 1 })).toBeVisible();
  await expect(page.getByText(ru.page.for.replace("{{member}}", MEMBER.ru).replace("{{country}}", "Россия"))).toBeVisible();
  await expect(page.getByText(ru.answer.legend)).toBeVisible();
  await expect(page.getByText(ru.summary.none)).toBeVisible();
  // RELIABILITY T3: opening the link (and waiting) never answers
  await page.waitForTimeout(5_000);
  expect(posts).toEqual([]);
  // nothing overflows sideways on a narrow screen
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // 3. "Sending a representative" first: person 1 is then no longer the governor from the directory…
  await page.getByRole("radio", { name: ru.answer.representative }).check();
  const representative = person(page, ru, 1);
  for (const field of [ru.fields.email, ru.fields.title, ruDir.fields.familyName, ruDir.fields.givenName, ruDir.fields.latinFamilyName]) {
    await expect(representative.getByLabel(field, { exact: true })).toHaveValue("");
  }
  await expect(representative.getByLabel(ru.fields.role)).toHaveValue("head");

  // …then attending after all, with the head from the directory again and two more people
  await page.getByRole("radio", { name: ru.answer.attending }).check();
  await expect(page.getByRole("heading", { name: ru.delegation.title })).toBeVisible();
  const head = person(page, ru, 1);
  await expect(head.getByLabel(ru.fields.email, { exact: true })).not.toHaveValue("");
  await expect(head.getByLabel(ru.fields.role)).toHaveValue("head");
  await expect(head.getByLabel(ruDir.fields.nameLocale)).toHaveValue("ru");
  await expect(head.getByLabel(ruDir.fields.familyName, { exact: true })).not.toHaveValue("");
  await expect(head.getByLabel(ruDir.fields.givenName, { exact: true })).not.toHaveValue("");
  await expect(head.getByLabel(ruDir.fields.latinFamilyName, { exact: true })).not.toHaveValue("");
  const headFamily = await head.getByLabel(ruDir.fields.familyName, { exact: true }).inputValue();

  const added = [
    { role: "deputy", family: "Иванов", given: "Пётр", patronymic: "Сергеевич", latinFamily: "Ivanov", latinGiven: "Petr" },
    { role: "interpreter", family: "Смирнова", given: "Анна", patronymic: "Викторовна", latinFamily: "Smirnova", latinGiven: "Anna" },
  ];
  for (const [i, p] of added.entries()) {
    await page.getByRole("button", { name: ru.delegation.add }).click();
    const row = person(page, ru, i + 2);
    await expect(row).toBeVisible();
    await row.getByLabel(ru.fields.role).selectOption(p.role);
    await row.getByLabel(ruDir.fields.nameLocale).selectOption("ru");
    await row.getByLabel(ruDir.fields.familyName, { exact: true }).fill(p.family);
    await row.getByLabel(ruDir.fields.givenName, { exact: true }).fill(p.given);
    await row.getByLabel(ruDir.fields.patronymic, { exact: true }).fill(p.patronymic);
    await row.getByLabel(ruDir.fields.latinFamilyName, { exact: true }).fill(p.latinFamily);
    await row.getByLabel(ruDir.fields.latinGivenName, { exact: true }).fill(p.latinGiven);
  }
  await expect(page.getByText(ru.delegation.quota_few.replace("{{count}}", "3").replace("{{quota}}", "5"))).toBeVisible();
  const deputy = person(page, ru, 2);
  await deputy.getByText(ru.sections.needs).click();
  await deputy.getByLabel(ru.dietary.no_pork).check();
  expect(posts).toEqual([]);
  await page.getByRole("button", { name: ru.page.send }).click();

  await expect(page).toHaveURL(/\?saved=1$/);
  await expect(page.getByRole("status").filter({ hasText: ru.page.saved })).toBeVisible();
  const summary = page.locator(".reply-summary");
  await expect(summary.locator(".badge")).toHaveText(ru.answer.attending);
  // who comes is said once: as the form's cards, not again in the summary above them
  await expect(summary.locator(".delegation-list")).toHaveCount(0);
  const cards = page.locator(".delegate-summary-name");
  await expect(cards).toHaveCount(3);
  await expect(cards.nth(0)).toContainText(`${ru.roles.head}: ${headFamily}`);
  await expect(cards.nth(1)).toContainText(`${ru.roles.deputy}: Иванов Пётр Сергеевич`);
  await expect(cards.nth(2)).toContainText(`${ru.roles.interpreter}: Смирнова Анна Викторовна`);
  await expect(page.getByRole("button", { name: ru.page.update })).toBeVisible();
  // the saved people come back as short cards; "Change details" opens one, keyboard in its first field, with the
  // dietary need kept
  await expect(person(page, ru, 2).locator("input:not([type=hidden]), select")).toHaveCount(0);
  await person(page, ru, 2)
    .getByRole("link", { name: ru.delegation.editLabel.replace("{{name}}", "Иванов Пётр Сергеевич") })
    .click();
  await expect(person(page, ru, 2).getByLabel(ru.fields.role)).toBeVisible();
  await expect(person(page, ru, 2).locator(":focus")).toHaveCount(1);
  await expect(person(page, ru, 3).locator("input:not([type=hidden]), select")).toHaveCount(0);
  await person(page, ru, 2).getByText(ru.sections.needs).click();
  await expect(person(page, ru, 2).getByLabel(ru.dietary.no_pork)).toBeChecked();

  // 4. A Korean colleague switches the page to Korean: a representative leads, the interpreter stays home
  await page.locator(".language-switcher summary").click();
  await expect(page.getByText(ruCommon.language.choose, { exact: true }).last()).toBeVisible();
  await page.getByRole("button", { name: "한국어", exact: true }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "ko");
  await expect(page.getByRole("heading", { name: EVENT.ko, level: 1 })).toBeVisible();
  await expect(page.getByText(ko.answer.legend)).toBeVisible();
  await expect(summary.locator(".badge")).toHaveText(ko.answer.attending);
  await expect(cards.nth(2)).toContainText(`${ko.roles.interpreter}:`);
  await page.getByRole("radio", { name: ko.answer.representative }).check();
  await person(page, ko, 3).getByRole("button", { name: ko.delegation.remove }).click();
  await expect(person(page, ko, 3)).toHaveCount(0);
  await page.getByRole("button", { name: ko.page.update }).click();
  await expect(summary.locator(".badge")).toHaveText(ko.answer.representative);
  await expect(cards).toHaveCount(2);
  await expect(page.getByRole("status").filter({ hasText: ko.page.saved })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "ko");

  // 5. Two confirmations, each in the invitation's language (Russian), listing the delegation, with the .ics
  const subject = ru.confirmation.subject.replace("{{event}}", EVENT.ru);
  const confirmations = () => sink.messages.filter((m) => m.subject === subject);
  await expect.poll(() => confirmations().length, { timeout: 20_000 }).toBe(2);
  // the worker may send two queued messages in parallel, so they can arrive in either order: tell them apart by the answer
  const attendingIntro = ru.confirmation.intro.attending.replace("{{member}}", MEMBER.ru).replace("{{event}}", EVENT.ru);
  const first = confirmations().find((m) => m.text?.includes(attendingIntro)) ?? confirmations()[0];
  const second = confirmations().find((m) => m !== first)!;
  const hasIcs = (m: ParsedMail) =>
    m.attachments.some(
      (a) => a.filename?.endsWith(".ics") && a.contentType.startsWith("text/calendar") && a.content.toString("utf8").includes("BEGIN:VCALENDAR"),
    );
  for (const m of [first, second]) {
    expect(hasIcs(m)).toBe(true);
    expect(m.html || "").toContain('lang="ru"');
    expect(m.text).toContain(`${server.url}/r/`);
  }
  expect(first.text).toContain(ru.confirmation.intro.attending.replace("{{member}}", MEMBER.ru).replace("{{event}}", EVENT.ru));
  expect(first.text).toContain(ru.confirmation.delegation_few.replace("{{count}}", "3"));
  expect(first.text).toContain(`1. ${ru.roles.head}: ${headFamily}`);
  expect(first.text).toContain(`2. ${ru.roles.deputy}: Иванов Пётр Сергеевич (IVANOV Petr)`);
  expect(first.text).toContain(`3. ${ru.roles.interpreter}: Смирнова Анна Викторовна (SMIRNOVA Anna)`);
  expect(second.text).toContain(ru.confirmation.intro.representative.replace("{{member}}", MEMBER.ru).replace("{{event}}", EVENT.ru));
  expect(second.text).toContain(ru.confirmation.delegation_few.replace("{{count}}", "2"));
  expect(second.text).toContain(`2. ${ru.roles.deputy}: Иванов Пётр Сергеевич (IVANOV Petr)`);
  expect(second.text).not.toContain("Смирнова");
  await phone.close();

  // 6. The secretariat sees the answer on the event page and the history on the member's reply page
  await open(admin, eventUrl);
  const row = admin.locator("table.data-table tbody tr").filter({ has: admin.getByRole("link", { name: MEMBER.en, exact: true }) });
  await expect(row.locator(".badge.answer-representative")).toHaveText(inv.responses.representative);
  await expect(row.locator("td.numeric")).toHaveText("2");
  await expect(row.locator("td").nth(5)).not.toHaveText("—");
  await expect(row.locator(".badge.mail-sent")).toHaveText(`${inv.status.sent}`);
  await row.getByRole("link", { name: MEMBER.en, exact: true }).click();
  await expect(admin.getByRole("heading", { name: MEMBER.en, level: 1 })).toBeVisible();
  await expect(admin.locator(".reply-summary .badge")).toHaveText(en.answer.representative);
  await expect(admin.locator(".reply-summary .delegation-list li")).toHaveCount(2);
  const history = admin.locator("ol.history > li");
  await expect(history).toHaveCount(2);
  for (const entry of await history.all()) await expect(entry).toContainText(en.staff.byLink);
  await expect(history.filter({ hasText: `${en.answer.pending} → ${en.answer.attending}` })).toContainText("SMIRNOVA Anna");
  await expect(history.filter({ hasText: `${en.answer.attending} → ${en.answer.representative}` })).toContainText("IVANOV Petr");
  await expect(history.filter({ hasText: `${en.answer.attending} → ${en.answer.representative}` })).not.toContainText("SMIRNOVA");
  await staff.context.close();

  expect(problems).toEqual([]);
});

test("staff replace the head of delegation with “Replace this person”: a new person in that place, the governor kept as history", async ({ browser }) => {
  test.setTimeout(90_000);
  const server = plenary!;
  const problems: string[] = [];
  const delegation = JSON.parse(fs.readFileSync(path.join(ROOT, "app/locales/en/delegation.json"), "utf8"));
  const staff = await signIn(browser, server.url, problems);
  const admin = staff.page;
  await open(admin, "/events");
  await admin.getByRole("link", { name: EVENT.en }).click();
  await admin.waitForURL(/\/events\/[0-9a-f-]{36}$/);
  await admin.getByRole("link", { name: MEMBER.en, exact: true }).click();
  await expect(admin.getByRole("heading", { name: MEMBER.en, level: 1 })).toBeVisible();
  const headLine = await admin.locator(".reply-summary .delegation-list li").first().innerText();

  const head = person(admin, en, 1);
  await head.getByRole("button", { name: delegation.replace.button }).click();
  await expect(head.getByText(delegation.replace.hint.split("{{name}}")[0].trim().slice(0, 20))).toBeVisible();
  await expect(head.getByLabel("Family name", { exact: true })).toHaveValue("");
  await expect(head.getByLabel("Role")).toHaveValue("head");
  await head.getByLabel("Family name", { exact: true }).fill("Петров");
  await head.getByLabel("Given name", { exact: true }).fill("Игорь");
  await head.getByLabel("Patronymic", { exact: true }).fill("Андреевич");
  await admin.getByLabel(en.staff.reason).fill("The governor's office called: the vice-governor comes");
  await admin.getByRole("button", { name: en.staff.save }).click();
  await expect(admin.getByRole("status").filter({ hasText: en.staff.saved })).toBeVisible();
  await expect(admin.locator(".reply-summary .delegation-list li").first()).toContainText("Петров Игорь Андреевич");
  const substitution = admin.locator("ul.substitutions > li");
  await expect(substitution).toHaveCount(1);
  await expect(substitution).toContainText("Петров Игорь Андреевич");
  await expect(substitution).toContainText(`replaced ${headLine.replace(/^[^:]*:\s*/, "").split(",")[0]} on`);
  await staff.context.close();
  expect(problems).toEqual([]);
});
