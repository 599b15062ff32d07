import fs from "node:fs";
import path from "node:path";

import { ROOT } from "../helpers/paths";
import { expect, signIn, test } from "./fixtures";
import { hydrated, open } from "./hydrated";

const bulk = JSON.parse(fs.readFileSync(path.join(ROOT, "app/locales/en/bulk.json"), "utf8"));

test("staff tick two members still to answer, send them a reminder, and the confirmation counts the two selected, not the list", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, "English");
  await open(page, "/events");
  await page.getByRole("link", { name: "16th NEAR General Assembly" }).click();
  await page.waitForURL(/\/events\/[0-9a-f-]{36}$/);
  await open(page, `${new URL(page.url()).pathname}?answer=awaiting`);
  const boxes = page.locator("#invitations tbody input[name=invitationId]");
  expect(await boxes.count()).toBeGreaterThan(2);
  const names = [];
  for (const box of (await boxes.all()).slice(0, 2)) {
    await box.check();
    names.push((await box.getAttribute("aria-label"))!.replace(bulk.select.replace("{{member}}", ""), ""));
  }
  await expect(page.getByText(bulk.selectedCount_other.replace("{{count}}", "2"))).toBeVisible();
  // "select all on this page" ticks every row; unticking it clears them again
  await page.getByLabel(bulk.selectPage).check();
  await expect(boxes.and(page.locator(":checked"))).toHaveCount(await boxes.count());
  await page.getByLabel(bulk.selectPage).uncheck();
  await expect(boxes.and(page.locator(":checked"))).toHaveCount(0);
  for (const box of (await boxes.all()).slice(0, 2)) await box.check();

  await page.getByRole("button", { name: bulk.actions.remind }).click();
  await page.waitForURL(/\/bulk$/);
  await hydrated(page);
  await expect(page.getByText(bulk.confirm.count_other.replace("{{count}}", "2"))).toBeVisible();
  for (const name of names) await expect(page.locator(".bulk-selected")).toContainText(name);
  await page.getByRole("button", { name: bulk.confirm.submit_other.replace("{{count}}", "2") }).click();
  await expect(page.getByText(bulk.done.remind_other.replace("{{count}}", "2"))).toBeVisible();
});
