import AxeBuilder from "@axe-core/playwright";
import { type Browser, expect, type Locator, type Page, test } from "@playwright/test";

import { adminDemoAndInvitations, type Invited, signIn } from "./fixtures";
import { hydrated, open } from "./hydrated";
import { type Plenary, startPlenary, stopPlenary, watch } from "./plenary";

/**
 * Bulk actions on ticked invitations (issue 17), in Chromium: the journey runs its own Plenary with the demo directory
 * and an open event whose six invitations were written by tests/e2e/invited-seed.ts (two answered, four not).
 */
let plenary: (Plenary & { seeded: Invited }) | undefined;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  plenary = await startPlenary("bulk", adminDemoAndInvitations);
});

test.afterAll(async () => {
  await stopPlenary(plenary);
});

/** A browser of its own, signed in through the form as the administrator. */
async function signedIn(browser: Browser, problems: string[]) {
  const context = await browser.newContext({ baseURL: plenary!.url, locale: "en-GB", viewport: { width: 1440, height: 900 } });
  await watch(context, problems);
  const page = await context.newPage();
  await signIn(page);
  return { context, page };
}

/** The row of the invitation list that names `member`. */
const row = (page: Page, member: string) => page.locator("#invitations tbody tr").filter({ has: page.getByRole("link", { name: member, exact: true }) });

/** Presses Tab until `target` has the focus, as someone without a mouse moves through the page. */
async function tabTo(page: Page, target: Locator) {
  for (let presses = 0; presses < 300; presses++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`${target} never got the focus`);
}

async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes[0]?.target.join(" ")}`);
}

test("staff tick two invitations, send them a reminder, and the confirmation and the result both say exactly two", async ({ browser }) => {
  const { eventId, unanswered } = plenary!.seeded;
  const [first, second, untouched] = unanswered;
  const problems: string[] = [];
  const { context, page } = await signedIn(browser, problems);
  await open(page, `/events/${eventId}`);
  const bar = page.getByRole("form", { name: "With the selected invitations" });
  await expect(bar.getByText("0 selected")).toBeVisible();
  await page.getByRole("checkbox", { name: `Select ${first}` }).check();
  await page.getByRole("checkbox", { name: `Select ${second}` }).check();
  await expect(bar.getByText("2 selected")).toBeVisible();
  await bar.getByRole("button", { name: "Send reminder to selected" }).click();

  await expect(page.getByRole("heading", { name: "Send reminder to selected", level: 1 })).toBeVisible();
  // the confirmation page is a new document: clicking before React hydrated it can make React throw (#345)
  await hydrated(page);
  await expect(page.getByText("This applies to exactly 2 selected invitations:")).toBeVisible();
  const selected = page.locator("ul.bulk-selected > li");
  await expect(selected).toHaveCount(2);
  await expect(selected.filter({ hasText: first })).toHaveCount(1);
  await expect(selected.filter({ hasText: second })).toHaveCount(1);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole("button", { name: "Confirm for 2 invitations" }).click();

  await page.waitForURL(new RegExp(`/events/${eventId}\\?bulk=remind&bulkCount=2#invitations$`));
  await expect(page.getByRole("status").filter({ hasText: "2 reminders queued." })).toBeVisible();
  // the two ticked rows now show their reminder; the other unanswered invitations none
  await expect(row(page, first)).toContainText("(Reminder)");
  await expect(row(page, second)).toContainText("(Reminder)");
  await expect(row(page, untouched)).not.toContainText("Reminder");
  await context.close();
  expect(problems).toEqual([]);
});

test("with the keyboard only: Tab to two rows, Space ticks them, Enter sends and confirms the reminder", async ({ browser }) => {
  const { eventId, unanswered } = plenary!.seeded;
  const [, , third, fourth] = unanswered;
  const problems: string[] = [];
  const { context, page } = await signedIn(browser, problems);
  await open(page, `/events/${eventId}`);
  const bar = page.getByRole("form", { name: "With the selected invitations" });
  for (const member of [third, fourth]) {
    await tabTo(page, page.getByRole("checkbox", { name: `Select ${member}` }));
    await page.keyboard.press("Space");
  }
  await expect(bar.getByText("2 selected")).toBeVisible();
  await tabTo(page, bar.getByRole("button", { name: "Send reminder to selected" }));
  await page.keyboard.press("Enter");

  await expect(page.getByText("This applies to exactly 2 selected invitations:")).toBeVisible();
  await hydrated(page);
  const selected = page.locator("ul.bulk-selected > li");
  await expect(selected).toHaveCount(2);
  for (const member of [third, fourth]) await expect(selected.filter({ hasText: member })).toHaveCount(1);
  await tabTo(page, page.getByRole("button", { name: "Confirm for 2 invitations" }));
  await page.keyboard.press("Enter");

  await expect(page.getByRole("status").filter({ hasText: "2 reminders queued." })).toBeVisible();
  await expect(row(page, third)).toContainText("(Reminder)");
  await expect(row(page, fourth)).toContainText("(Reminder)");
  await context.close();
  expect(problems).toEqual([]);
});
