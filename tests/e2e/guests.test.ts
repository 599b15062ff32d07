import fs from "node:fs";
import path from "node:path";

import { expect, test } from "@playwright/test";

import { ROOT } from "../helpers/paths";
import { SmtpSink } from "../helpers/smtp-sink";
import { ADMIN } from "./accounts";
import { adminAndDemo } from "./fixtures";
import { open } from "./hydrated";
import { type Plenary, startPlenary, stopPlenary, watch } from "./plenary";

const ns = (lng: string, name: string) => JSON.parse(fs.readFileSync(path.join(ROOT, "app/locales", lng, `${name}.json`), "utf8"));
const guests = ns("en", "guests");
const reply = ns("ja", "reply");
const EVENT = "16th NEAR General Assembly";
const SHOTS = path.join(ROOT, "test-results/guests");

let sink: SmtpSink;
let plenary: Plenary | undefined;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  sink = await new SmtpSink().start();
  plenary = await startPlenary("guests", adminAndDemo, {
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

test("staff add an expert as a guest and invite her; she opens the emailed link and registers herself as one person", async ({ browser }) => {
  test.setTimeout(180_000);
  const server = plenary!;
  const problems: string[] = [];
  const context = await browser.newContext({ baseURL: server.url, locale: "en-GB", viewport: { width: 1280, height: 900 } });
  await watch(context, problems);
  const admin = await context.newPage();
  await open(admin, "/login");
  await admin.getByLabel("Email").fill(ADMIN.email);
  await admin.getByLabel("Password").fill(ADMIN.password);
  await admin.getByRole("button", { name: "Sign in" }).click();
  await expect(admin.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();

  // 1. Directory → Guests: add an expert with a Japanese name and Japanese letters
  await open(admin, "/members");
  await admin.getByRole("link", { name: guests.tab, exact: true }).click();
  await expect(admin.getByRole("heading", { name: guests.title, level: 1 })).toBeVisible();
  await expect(admin.getByText(guests.empty)).toBeVisible();
  await admin.locator('input[name="names.en"]').fill("Dr Aiko Sato");
  await admin.locator('input[name="names.ja"]').fill("佐藤 愛子");
  await admin.getByLabel(guests.fields.kind).selectOption("expert");
  await admin.getByLabel(guests.fields.country).selectOption("JP");
  await admin.getByLabel(guests.fields.email).fill("sato@example.org");
  await admin.getByLabel(guests.fields.defaultLocale).selectOption("ja");
  await admin.getByRole("button", { name: guests.create }).click();
  await expect(admin.getByRole("link", { name: "Dr Aiko Sato" })).toBeVisible();
  fs.mkdirSync(SHOTS, { recursive: true });
  await admin.screenshot({ path: path.join(SHOTS, "guests-en.png"), fullPage: true });
  // not one of the members
  await open(admin, "/members?q=Sato");
  await expect(admin.getByText("Dr Aiko Sato")).toHaveCount(0);

  // 2. The event's Invitations page: tick her, category "Guests", one person
  await open(admin, "/events");
  await admin.getByRole("link", { name: EVENT }).click();
  await admin.waitForURL(/\/events\/[0-9a-f-]{36}$/);
  const eventUrl = admin.url();
  await open(admin, `${eventUrl}/invitations`);
  const panel = admin.getByRole("region", { name: guests.invite.title });
  await panel.getByRole("checkbox", { name: /Dr Aiko Sato/ }).check();
  await panel.getByLabel(guests.invite.category).selectOption("guest");
  await expect(panel.getByLabel(guests.invite.singlePerson)).toBeChecked();
  await panel.getByRole("button", { name: guests.invite.button }).click();
  await expect(admin.getByText(guests.invite.sent_one.replace("{{count}}", "1"))).toBeVisible();
  await expect(panel.getByText(guests.invite.invited, { exact: true })).toBeVisible();
  await panel.screenshot({ path: path.join(SHOTS, "invite-panel-en.png") });

  // 3. The letter really leaves, in Japanese, to her own address, with her own link
  await expect.poll(() => sink.messages.filter((m) => JSON.stringify(m.to).includes("sato@example.org")).length, { timeout: 30_000 }).toBe(1);
  const letter = sink.messages.find((m) => JSON.stringify(m.to).includes("sato@example.org"))!;
  expect(String(letter.html)).toMatch(/<html[^>]*lang="ja"/);
  const link = letter.text!.match(/https?:\/\/\S+\/r\/[A-Za-z0-9_-]{43}/)![0];

  // 4. On her phone: the same reply page, for one person only
  const phone = await browser.newContext({ locale: "ja-JP", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await watch(phone, problems);
  const page = await phone.newPage();
  await open(page, link);
  await expect(page.locator("html")).toHaveAttribute("lang", "ja");
  await expect(page.getByText("佐藤 愛子").first()).toBeVisible();
  await page.getByRole("radio", { name: reply.answer.attending }).check();
  await expect(page.getByText(reply.delegation.quota_other.replace("{{count}}", "0").replace("{{quota}}", "1"))).toBeVisible();
  const addHead = page.getByRole("button", { name: reply.delegation.addHead });
  if (await addHead.isVisible()) await addHead.click();
  else await page.getByRole("button", { name: reply.delegation.add }).click();
  const person = page.getByRole("group", { name: reply.delegation.person.replace("{{number}}", "1"), exact: true });
  await person.locator('input[name$="familyName"]').first().fill("佐藤");
  await person.locator('input[name$="givenName"]').first().fill("愛子");
  await person.locator('input[name$="latinFamilyName"]').fill("Sato");
  await person.locator('input[name$="latinGivenName"]').fill("Aiko");
  // one person: no second one can be added
  await expect(page.getByRole("button", { name: reply.delegation.add })).toHaveCount(0);
  await page.screenshot({ path: path.join(SHOTS, "reply-ja-phone.png"), fullPage: true });
  await page.getByRole("button", { name: reply.page.send }).click();
  await expect(page.getByRole("status").filter({ hasText: reply.page.saved })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // 5. Staff see her on the List of Participants, after the members, as a guest
  await open(admin, `${eventUrl}/roster`);
  // the roster's sections are table bodies headed by a row; hers is the last one, "Guests"
  const sections = admin.locator("tbody", { has: admin.locator("tr.roster-section") });
  await expect(sections.last().locator("tr.roster-section")).toHaveText(guests.section);
  await expect(sections.last()).toContainText(/Sato/i);
  await admin.screenshot({ path: path.join(SHOTS, "roster-en.png"), fullPage: true });
  expect(problems).toEqual([]);
});
