import fs from "node:fs";
import path from "node:path";

import { expect, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";

import { ROOT } from "../helpers/paths";
import { WebhookReceiver } from "../helpers/webhook-receiver";
import { ADMIN } from "./accounts";
import { hydrated, open } from "./hydrated";
import { cli, type Plenary, startPlenary, stopPlenary, watch } from "./plenary";

const wh = JSON.parse(fs.readFileSync(path.join(ROOT, "app/locales/en/webhooks.json"), "utf8"));
const SHOTS = path.join(ROOT, "test-results/webhooks");

let plenary: Plenary | undefined;
let receiver: WebhookReceiver;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  receiver = await new WebhookReceiver().start();
  plenary = await startPlenary("webhooks", (env) => {
    cli(
      "app/cli/user-create.ts",
      ["--email", ADMIN.email, "--name", ADMIN.name, "--role", "admin", "--locale", "en", "--password-stdin"],
      env,
      `${ADMIN.password}\n`,
    );
    return {};
  });
});

test.afterAll(async () => {
  await stopPlenary(plenary);
  await receiver.stop();
});

test("an administrator allows the desk's address on the office network, adds a webhook, copies its secret and sends a test", async ({ browser }) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  const context = await browser.newContext({ baseURL: plenary!.url, locale: "en-GB", viewport: { width: 1280, height: 900 } });
  await watch(context, problems);
  const page = await context.newPage();
  await open(page, "/login");
  await page.locator("input[name=email]").fill(ADMIN.email);
  await page.locator("input[name=password]").fill(ADMIN.password);
  await page.locator("button.primary").click();
  await page.waitForURL("/");

  await open(page, "/settings");
  await hydrated(page);
  await page.getByRole("link", { name: wh.nav }).click();
  await expect(page.getByRole("heading", { name: wh.title, level: 2, exact: true })).toBeVisible();

  // the desk listens on this machine: refused until the administrator allows private addresses
  await page.getByLabel(wh.create.url).fill(receiver.url());
  await page.getByRole("button", { name: wh.create.submit }).click();
  await expect(page.getByRole("alert")).toContainText(wh.refusals.httpsRequired.slice(0, 30));
  await page.getByLabel(wh.private.allow).check();
  await page.getByRole("button", { name: wh.private.save }).click();
  await expect(page.getByRole("status")).toContainText(wh.done.settings);

  await page.getByLabel(wh.create.url).fill(receiver.url());
  await page.getByLabel(wh.create.description).fill("Registration desk, Pohang");
  await page.getByLabel(wh.eventTypes.delegateCheckedIn).uncheck();
  await page.getByRole("button", { name: wh.create.submit }).click();
  const secretField = page.getByLabel(wh.created.secretLabel);
  await expect(secretField).toHaveValue(/^whsec_/);
  const secret = await secretField.inputValue();
  await page.screenshot({ path: path.join(SHOTS, "webhooks-created.png"), fullPage: true });

  await page.getByRole("button", { name: wh.actions.test }).first().click();
  await expect(page.getByRole("heading", { name: wh.log.title })).toBeVisible();
  await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(1);
  expect(new Webhook(secret).verify(receiver.received[0].body, receiver.received[0].headers)).toMatchObject({ type: "webhook.test" });
  await expect
    .poll(
      async () => {
        await page.reload();
        return page.locator("table").textContent();
      },
      { timeout: 30_000 },
    )
    .toContain(wh.status.delivered);
  await page.screenshot({ path: path.join(SHOTS, "webhooks-log.png"), fullPage: true });

  // the secret is not shown again
  await page.getByRole("link", { name: `← ${wh.log.back}` }).click();
  await expect(page.getByRole("cell", { name: /Registration desk, Pohang/ })).toBeVisible();
  expect(await page.content()).not.toContain(secret);
  // the refused address above answers 400 by design; the browser logs that, nothing else may appear
  expect(problems.filter((p) => !/status of 400 .*\/settings\/webhooks\.data/.test(p))).toEqual([]);
  await context.close();
});
