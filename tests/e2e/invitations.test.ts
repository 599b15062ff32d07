import { expect, signIn, test } from "./fixtures";
import { open } from "./hydrated";
import { messages } from "./locales";

const inv = messages("en", "invitations");

test("staff pick an audience from the demo, preview the letter in Russian and Mongolian, send, follow the progress and open a message", async ({ page }) => {
  const consoleErrors: string[] = [];
  // Playwright probes the sandboxed message frames with scripts; Chromium logs that the sandbox blocks them
  // (the frames carry no scripts of their own). Those lines are the test tool's, not the app's.
  page.on("console", (m) => m.type() === "error" && !/status of 4\d\d|Blocked script execution in .* sandboxed/.test(m.text()) && consoleErrors.push(m.text()));
  await signIn(page, "English");

  await open(page, "/events");
  await page.getByRole("link", { name: "16th NEAR General Assembly" }).click();
  await page.waitForURL(/\/events\/[0-9a-f-]{36}$/);
  const eventUrl = page.url();

  // The letter, previewed for a Russian and a Mongolian member in their languages
  await page.getByRole("link", { name: inv.editLetters }).click();
  await page.getByRole("link", { name: "Русский" }).click();
  // the form is rebuilt for the new language: choose the member only once it is there
  await page.waitForURL(/locale=ru/);
  await page.getByLabel(inv.letters.previewFor).selectOption({ label: "Primorsky Krai" });
  await page.getByRole("button", { name: inv.letters.preview }).click();
  const preview = page.frameLocator("iframe[name=letter-preview]");
  await expect(preview.locator("body")).toContainText(/Уважаем(ый|ая) \S+ \S+(вич|вна)!/);
  await expect(preview.locator("body")).toContainText("16-я Генеральная ассамблея");
  await page.getByRole("link", { name: "Монгол" }).click();
  await page.getByLabel(inv.letters.previewFor).selectOption({ label: "Arkhangai Province" });
  await page.getByRole("button", { name: inv.letters.preview }).click();
  await expect(preview.locator("body")).toContainText("Эрхэм хүндэт");

  // Audience: Mongolia's 22 members, each in Mongolian
  await open(page, `${eventUrl}/invitations`);
  await page.getByLabel(inv.audience.mode, { exact: true }).selectOption("country");
  await page.getByLabel("Country", { exact: true }).selectOption({ label: "Mongolia" });
  await page.getByRole("button", { name: inv.audience.preview }).click();
  await expect(page.locator("table.data-table tbody tr")).toHaveCount(22);
  await page.getByText(inv.send).click();
  await expect(page.getByText("Монгол: 22")).toBeVisible();
  await page.getByRole("button", { name: inv.confirmButton }).click();

  // Progress on the event page, then the message in the Mail log
  // the send returns at once; the wave's progress bar moves until it is prepared, then the page says so
  await expect(page).toHaveURL(/wave=[0-9a-f-]{36}/);
  await expect(page.getByText("22 invitations were queued for sending.")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText(/^22 of \d+ messages handed over$/)).toBeVisible({ timeout: 20_000 });

  // A member's link forwarded to the wrong person: revoke it from the row's Actions menu, after a confirmation
  // that then closes
  const firstRow = page.locator("table.data-table tbody tr").first();
  await firstRow.getByRole("button", { name: /^Actions for / }).click();
  await page.getByRole("menuitem", { name: inv.links.revoke }).click();
  await firstRow.getByRole("button", { name: inv.links.revoke.replace("…", ""), exact: true }).click();
  await expect(page).toHaveURL(/link=revoke/);
  await expect(page.getByText(inv.links.revoked)).toBeVisible();
  await expect(firstRow.getByRole("button", { name: inv.links.revoke.replace("…", ""), exact: true })).toBeHidden();

  await page.getByRole("link", { name: "Mail", exact: true }).click();
  await page.locator("table.data-table tbody tr a").first().click();
  await expect(page.getByText(inv.status.local).first()).toBeVisible();
  await expect(page.frameLocator("iframe.mail-frame").locator("body")).toContainText("Эрхэм хүндэт");
  expect(consoleErrors).toEqual([]);
});
