import { expect, type Page, test } from "@playwright/test";

import { ADMIN } from "./accounts";
import { open } from "./hydrated";
import { messages } from "./locales";

const ko = messages("ko", "directory");

async function signInKorean(page: Page) {
  await open(page, "/login");
  await page
    .getByLabel("Email")
    .or(page.getByLabel(messages("ko", "auth").login.email))
    .fill(ADMIN.email);
  await page
    .getByLabel("Password")
    .or(page.getByLabel(messages("ko", "auth").login.password))
    .fill(ADMIN.password);
  await page.getByRole("button", { name: /Sign in|로그인/ }).click();
  await page.locator("summary").first().click();
  await page.getByRole("button", { name: "한국어", exact: true }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "ko");
}

test("a Korean-speaking secretariat loads the demo, finds Liaoning, adds a Russian oblast and its governor, imports contacts", async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on("console", (m) => m.type() === "error" && !/status of 4\d\d/.test(m.text()) && consoleErrors.push(m.text()));
  await signInKorean(page);

  // Empty directory → confirm → demo loaded
  await open(page, "/members");
  await expect(page.getByRole("heading", { name: ko.members.empty.title })).toBeVisible();
  await page.getByText(ko.demo.load).click();
  await page.getByRole("button", { name: ko.demo.confirmButton }).click();
  await expect(page.getByRole("status").filter({ hasText: "82" }).first()).toBeVisible();
  await expect(page.locator("table.data-table tbody tr")).toHaveCount(82);

  // Search in English finds the Korean name
  await page.getByLabel(ko.members.filters.search).fill("Liaoning");
  await page.getByRole("button", { name: ko.members.filters.apply }).click();
  await expect(page.locator("table.data-table tbody tr")).toHaveCount(1);
  await page.getByRole("link", { name: "랴오닝성" }).click();
  await expect(page.getByRole("heading", { name: "랴오닝성", level: 1 })).toBeVisible();
  await expect(page.getByText("辽宁省")).toBeVisible();

  // Add a Russian oblast
  await open(page, "/members/new");
  await page.getByLabel("English *").fill("Novosibirsk Oblast");
  await page.getByRole("group", { name: ko.fields.names }).getByLabel("Русский").fill("Новосибирская область");
  await page.getByRole("group", { name: ko.fields.names }).getByLabel("한국어").fill("노보시비르스크주");
  await page.getByLabel(ko.fields.country).selectOption("RU");
  await page.getByLabel(ko.fields.kind).selectOption("oblast");
  await page.getByLabel(ko.fields.defaultLocale).selectOption("ru");
  await page.getByLabel(ko.fields.timeZone).fill("Asia/Novosibirsk");
  await page.getByRole("group", { name: ko.fields.headTitle }).getByLabel("English").fill("Governor");
  await page.getByRole("group", { name: ko.fields.headTitle }).getByLabel("Русский").fill("Губернатор");
  await page.getByRole("button", { name: ko.members.create }).click();
  await expect(page.getByRole("heading", { name: "노보시비르스크주", level: 1 })).toBeVisible();

  // …and its governor, with patronymic
  await page.getByRole("link", { name: ko.contacts.add }).click();
  await expect(page.getByLabel(ko.fields.nameLocale)).toHaveValue("ru");
  await page.getByLabel(ko.fields.familyName, { exact: true }).fill("Петров");
  await page.getByLabel(ko.fields.givenName, { exact: true }).fill("Иван");
  await page.getByLabel(ko.fields.patronymic, { exact: true }).fill("Сергеевич");
  await page.getByLabel(ko.fields.latinFamilyName, { exact: true }).fill("Petrov");
  await page.getByLabel(ko.fields.latinGivenName, { exact: true }).fill("Ivan");
  await page.getByLabel(ko.fields.gender).selectOption("male");
  await page.getByRole("group", { name: ko.fields.position }).getByLabel("Русский").fill("Губернатор");
  await page.getByRole("group", { name: ko.fields.position }).getByLabel("English").fill("Governor");
  await page.getByLabel(ko.contacts.isHead).check();
  await page.getByLabel(ko.fields.emails).fill("governor@novosibirsk.example.org");
  await page.getByRole("button", { name: ko.contacts.create }).click();
  const governor = page.locator(".contact-list li").first();
  await expect(governor).toContainText("Петров Иван Сергеевич");
  await expect(governor).toContainText("PETROV");
  await expect(governor).toContainText(ko.contacts.head);

  // Import three Korean contacts (file order: 이, 김, 박)
  await open(page, "/members/import");
  await page.getByLabel(ko.import.kinds.contacts).check();
  const csv = [
    "member_country,member_name_en,name_locale,family_name,given_name,latin_family_name,latin_given_name,position_ko,is_focal_point,emails",
    "KR,Busan Metropolitan City,ko,이,서연,Lee,Seo-yeon,국제협력과장,yes,seoyeon.lee@import.example.org",
    "KR,Daegu Metropolitan City,ko,김,민수,Kim,Min-su,국제협력과장,yes,minsu.kim@import.example.org",
    "KR,Incheon Metropolitan City,ko,박,지민,Park,Ji-min,국제협력과장,yes,jimin.park@import.example.org",
  ].join("\r\n");
  await page.getByLabel(ko.import.file).setInputFiles({ name: "contacts.csv", mimeType: "text/csv", buffer: Buffer.from("\uFEFF" + csv) });
  await page.getByRole("button", { name: ko.import.check }).click();
  await expect(page.getByRole("heading", { name: ko.import.confirmTitle.replace("{{file}}", "contacts.csv") })).toBeVisible();
  await page.getByRole("button", { name: ko.import.apply_other.replace("{{count}}", "3") }).click();
  await expect(page.getByRole("status")).toContainText("3");

  // Listed the way Korean expects: 김, 박, 이 (Hangul order), not file order or Latin order (Kim, Lee, Park)
  await open(page, "/members/contacts?q=import.example.org");
  const names = await page.locator("[data-testid=contacts-table] tbody tr td:first-child span[lang]").allTextContents();
  expect(names.map((n) => n.slice(0, 3))).toEqual(["김민수", "박지민", "이서연"]);

  expect(consoleErrors).toEqual([]);
});

test("a bad import is refused whole with the row and column in the user's language", async ({ page }) => {
  await signInKorean(page);
  await open(page, "/members/import");
  const csv = ["country,kind,name_en,time_zone", "RU,oblast,Kaliningrad Oblast,Europe/Kaliningrad", "XX,oblast,Nowhere,Europe/Kaliningrad"].join("\n");
  await page.getByLabel(ko.import.file).setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: ko.import.check }).click();
  const alert = page.getByRole("alert");
  await expect(alert).toContainText(ko.import.nothingWritten);
  await expect(alert).toContainText(ko.validation.country);
  await expect(alert.locator("tr.row-error td").first()).toHaveText("3");
  await open(page, "/members?q=Kaliningrad");
  await expect(page.getByText(ko.members.noResults)).toBeVisible();
});
