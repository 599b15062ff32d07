import fs from "node:fs";

import type { Page } from "@playwright/test";

import { expect, signIn, test } from "./fixtures";
import { open } from "./hydrated";
import { messages } from "./locales";

const en = messages("en", "events");

async function switchTo(page: Page, language: string) {
  await page.locator("summary").first().click();
  await page.getByRole("button", { name: language, exact: true }).click();
}

const ITEMS = [
  { kind: "plenary", start: "2027-10-05T09:30", end: "2027-10-05T12:00", en: "Opening plenary", ko: "개회 본회의", ru: "Открытие пленарного заседания" },
  { kind: "signing_ceremony", start: "2027-10-05T15:00", end: "2027-10-05T16:00", en: "Signing ceremony", ko: "서명식", ru: "Церемония подписания" },
  { kind: "welcome_dinner", start: "2027-10-05T19:00", end: "2027-10-05T21:00", en: "Welcome dinner", ko: "환영 만찬", ru: "Приветственный ужин" },
];

test("staff create a General Assembly with a programme in three languages, open it, read it in each language and download its .ics", async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on("console", (m) => m.type() === "error" && !/status of 4\d\d/.test(m.text()) && consoleErrors.push(m.text()));
  await signIn(page, "English");

  await open(page, "/events/new");
  const titles = page.getByRole("group", { name: en.fields.title });
  await titles.getByLabel("English").fill("18th NEAR General Assembly");
  await titles.getByLabel("한국어").fill("제18차 NEAR 총회");
  await titles.getByLabel("Русский").fill("18-я Генеральная ассамблея АРАССВА");
  await page.getByLabel(en.fields.kind, { exact: true }).selectOption("general_assembly");
  await page.getByLabel(en.fields.host).selectOption({ label: "Republic of Buryatia" });
  await page.getByLabel(en.fields.timeZone).fill("Asia/Irkutsk");
  await page.getByLabel(en.fields.start, { exact: true }).fill("2027-10-05T09:00");
  await page.getByLabel(en.fields.end, { exact: true }).fill("2027-10-06T18:00");
  await page.getByLabel(en.fields.rsvpDeadline).fill("2027-09-01T18:00");
  const venues = page.getByRole("group", { name: en.fields.venue });
  await venues.getByLabel("English").fill("Ulan-Ude");
  await venues.getByLabel("한국어").fill("울란우데");
  await venues.getByLabel("Русский").fill("Улан-Удэ");
  await page.getByLabel(en.fields.quota).fill("4");
  await page.getByRole("button", { name: en.form.create }).click();
  await expect(page.getByRole("heading", { name: "18th NEAR General Assembly", level: 1 })).toBeVisible();
  await expect(page.getByText("5\u2009–\u20096 October 2027, Ulan-Ude (UTC+8)")).toBeVisible();
  const eventUrl = page.url();

  for (const item of ITEMS) {
    await page.getByRole("link", { name: en.programme.add }).click();
    await page.getByLabel(en.fields.kind).selectOption(item.kind);
    await page.getByLabel(en.fields.start, { exact: true }).fill(item.start);
    await page.getByLabel(en.fields.end, { exact: true }).fill(item.end);
    const itemTitles = page.getByRole("group", { name: en.fields.title });
    await itemTitles.getByLabel("English").fill(item.en);
    await itemTitles.getByLabel("한국어").fill(item.ko);
    await itemTitles.getByLabel("Русский").fill(item.ru);
    await page.getByRole("button", { name: en.programme.create }).click();
    await expect(page).toHaveURL(eventUrl);
  }
  await expect(page.locator(".programme li strong")).toHaveText(ITEMS.map((i) => i.en));

  // Open it, after a confirmation
  await page.getByText(en.status.to.open).first().click();
  await page.getByRole("button", { name: en.status.to.open }).click();
  await expect(page.locator(".page-header .badge").first()).toHaveText(en.statuses.open);

  // Read it in Korean and Russian
  await switchTo(page, "한국어");
  await expect(page.getByRole("heading", { name: "제18차 NEAR 총회", level: 1 })).toBeVisible();
  await expect(page.getByText("2027년 10월 5일~6일, 울란우데 (UTC+8)")).toBeVisible();
  await expect(page.locator(".programme li strong")).toHaveText(ITEMS.map((i) => i.ko));
  await switchTo(page, "Русский");
  await expect(page.getByRole("heading", { name: "18-я Генеральная ассамблея АРАССВА", level: 1 })).toBeVisible();
  await expect(page.getByText("5–6 октября 2027\u202fг., Улан-Удэ (UTC+8)")).toBeVisible();
  await expect(page.locator(".programme li strong")).toHaveText(ITEMS.map((i) => i.ru));
  await switchTo(page, "English");

  // The calendar file has the right instants in UTC
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: en.detail.downloadIcs }).click()]);
  const ics = fs.readFileSync(await download.path(), "utf8");
  expect(ics).toContain("DTSTART:20271005T010000Z");
  expect(ics).toContain("DTEND:20271006T100000Z");
  expect(ics).toContain("SUMMARY:18th NEAR General Assembly");
  expect(consoleErrors).toEqual([]);
});

test("the demo shows past General Assemblies and the upcoming ones", async ({ page }) => {
  await signIn(page, "English");
  await open(page, "/events");
  await expect(page.getByRole("link", { name: "16th NEAR General Assembly" })).toBeVisible();
  await page.getByRole("link", { name: en.list.past }).click();
  await expect(page.getByRole("link", { name: "15th NEAR General Assembly" })).toBeVisible();
  await expect(page.getByText("11\u2009–\u200912 June 2025, Shenyang")).toBeVisible();
});
