import { expect, test } from "@playwright/test";

import { PDF } from "../helpers/documents";
import { open } from "./hydrated";
import { cli, type Plenary, startPlenary, stopPlenary, watch } from "./plenary";

/** Issue 18 §1: a delegation uploads its note verbale from the reply link on a phone; a wrong file is refused in Russian. */
let plenary: (Plenary & { path: string }) | undefined;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  plenary = await startPlenary("documents", (env) => JSON.parse(cli("tests/e2e/documents-seed.ts", [], env).trim().split("\n").at(-1)!) as { path: string });
});
test.afterAll(() => stopPlenary(plenary));

test("a delegation uploads its note verbale on a phone (390 px) from its reply link, and is told in Russian when a file is not accepted", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  const phone = await browser.newContext({
    baseURL: plenary!.url,
    locale: "ru-RU",
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  await watch(phone, problems);
  const page = await phone.newPage();
  await open(page, plenary!.path);
  const panel = page.locator("#documents");
  await expect(panel.getByRole("heading", { name: "Документы" })).toBeVisible();

  // an executable renamed .pdf
  await panel
    .getByLabel("Вербальная нота", { exact: true })
    .setInputFiles({ name: "nota.pdf", mimeType: "application/pdf", buffer: Buffer.from("MZ\x90\x00 not a pdf at all", "latin1") });
  await panel.getByRole("button", { name: "Загрузить" }).first().click();
  await expect(page.getByRole("alert")).toContainText("Файлы этого типа не принимаются");

  await panel.getByLabel("Вербальная нота", { exact: true }).setInputFiles({ name: "Нота МИД.pdf", mimeType: "application/pdf", buffer: PDF });
  await panel.getByRole("button", { name: "Загрузить" }).first().click();
  await expect(page.getByRole("status").filter({ hasText: "Файл загружен." })).toBeVisible();
  await expect(panel).toContainText("Нота МИД.pdf");
  // nothing wider than the phone
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await panel.screenshot({ path: "test-results/documents-phone-ru.png" });
  // the refused upload's own 415 is the one expected console line
  expect(problems.filter((p) => !p.includes("status of 415"))).toEqual([]);
  await phone.close();
});
