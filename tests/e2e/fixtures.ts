import { expect, type Page, test as base } from "@playwright/test";

import { ADMIN } from "./accounts";
import { open } from "./hydrated";
import { cli, type Plenary, startPlenary, stopPlenary } from "./plenary";

/** The administrator and the NEAR demo directory, created with the command-line tools an operator would use. */
export function adminAndDemo(env: Record<string, string>) {
  cli(
    "app/cli/user-create.ts",
    ["--email", ADMIN.email, "--name", ADMIN.name, "--role", "admin", "--locale", "en", "--password-stdin"],
    env,
    `${ADMIN.password}\n`,
  );
  cli("app/cli/seed-demo.ts", [], env);
  return {};
}

/** What tests/e2e/invited-seed.ts prints: the ids and links of one page of each kind around an event with invitations. */
export type Invited = {
  staffId: string;
  eventId: string;
  itemId: string;
  memberId: string;
  contactId: string;
  subcommitteeId: string;
  guestId: string;
  webhookId: string;
  messageId: string;
  invitationId: string;
  replyPath: string;
  badgePath: string;
  /** the members whose invitations have no answer */
  unanswered: string[];
};

/** The administrator, the demo directory and an open event with six invitations (tests/e2e/invited-seed.ts). */
export function adminDemoAndInvitations(env: Record<string, string>) {
  adminAndDemo(env);
  return { seeded: JSON.parse(cli("tests/e2e/invited-seed.ts", [ADMIN.email], env).trim().split("\n").at(-1)!) as Invited };
}

/** Signs in through the form as the administrator and switches the interface to `language` (as the user would). */
export async function signIn(page: Page, language = "English") {
  await open(page, "/login");
  await page.locator("input[name=email]").fill(ADMIN.email);
  await page.locator("input[name=password]").fill(ADMIN.password);
  await page.locator("button.primary").click();
  await page.waitForURL("/");
  await page.locator("summary").first().click();
  await page.getByRole("button", { name: language, exact: true }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", /.+/);
}

/**
 * Journeys that start from the NEAR demo directory run on their own Plenary with the administrator and the demo
 * prepared before it starts (one per Playwright worker), so each passes alone and in any order: nothing depends
 * on what another journey loaded into the shared first-run server.
 */
export const test = base.extend<object, { demo: Plenary }>({
  demo: [
    // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as the first argument
    async ({}, provide) => {
      const plenary = await startPlenary("demo", adminAndDemo);
      await provide(plenary);
      await stopPlenary(plenary);
    },
    { scope: "worker", timeout: 120_000 },
  ],
  baseURL: async ({ demo }, provide) => provide(demo.url),
});

export { expect };
