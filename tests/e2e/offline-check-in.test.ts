import fs from "node:fs";
import path from "node:path";

import { type Browser, type BrowserContext, expect, type Page, test } from "@playwright/test";

import type { DeviceList } from "~/lib/check-in";
import { ROOT } from "../helpers/paths";
import { hydrated, open } from "./hydrated";
import { cli, startPlenary, stopPlenary, watch } from "./plenary";

const en = JSON.parse(fs.readFileSync(path.join(ROOT, "app/locales/en/checkin.json"), "utf8"));
const rosters = JSON.parse(fs.readFileSync(path.join(ROOT, "app/locales/en/rosters.json"), "utf8"));
const fill = (text: string, values: Record<string, string | number>) => text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => String(values[key]));
const arrived = (count: number, total: number) => fill(count === 1 ? rosters.checkIn.arrived_one : rosters.checkIn.arrived_other, { count, total });

const ORGANISER = { name: "Dorj Bat", email: "dorj@near.example.org", password: "Registration desk, Ulan-Ude 2027" };
const COLLEAGUE = { name: "Sara Lee", email: "sara@near.example.org", password: "The other door, Ulan-Ude 2027" };
const PHONE_CONTEXT = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 };

const lastLine = (output: string) => JSON.parse(output.trim().split("\n").at(-1)!);

/** Two organisers (`npm run user:create`), the rosters seed (six people, names in six scripts) and a welcome dinner. */
function organisersAndSeed(env: Record<string, string>) {
  for (const user of [ORGANISER, COLLEAGUE])
    cli(
      "app/cli/user-create.ts",
      ["--email", user.email, "--name", user.name, "--role", "staff", "--locale", "en", "--password-stdin"],
      env,
      `${user.password}\n`,
    );
  const seeded = lastLine(cli("tests/e2e/rosters-seed.ts", [ORGANISER.email], env)) as { eventId: string; codes: Record<string, string> };
  return { ...seeded, ...(lastLine(cli("tests/e2e/offline-check-in-seed.ts", [seeded.eventId], env)) as { dinnerId: string }) };
}

let plenary: Awaited<ReturnType<typeof startDoor>> | undefined;
const startDoor = () => startPlenary("offline-check-in", organisersAndSeed);

test.beforeAll(async () => {
  test.setTimeout(120_000);
  plenary = await startDoor();
});

test.afterEach(async () => {
  const testInfo = test.info();
  if (plenary && testInfo.status !== testInfo.expectedStatus) await testInfo.attach("server.log", { body: plenary.log(), contentType: "text/plain" });
});

test.afterAll(async () => {
  await stopPlenary(plenary);
});

/** What the server holds for the event, asked outside the browser (whose network is cut) with the organiser's session. */
async function serverList(context: BrowserContext, url: string, eventId: string) {
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const response = await fetch(`${url}/events/${eventId}/check-in.json`, { headers: { cookie }, redirect: "manual" });
  expect(response.status).toBe(200);
  return (await response.json()) as DeviceList;
}

const checkedInOnServer = async (context: BrowserContext, url: string, eventId: string) =>
  (await serverList(context, url, eventId)).people
    .filter((p) => p.checkedIn.includes("event"))
    .map((p) => p.latin || p.name)
    .sort();

/** The page is kept by its service worker (the page itself and what it loaded), so it opens without the network. */
async function keptForOffline(page: Page) {
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          const registration = await navigator.serviceWorker.getRegistration(location.pathname);
          if (!registration?.active) return false;
          const cache = await caches.open("plenary-check-in-v1");
          const keys = (await cache.keys()).map((request) => new URL(request.url).pathname);
          const scripts = [...document.querySelectorAll("script[src], link[rel=modulepreload]")].map(
            (element) => new URL(element.getAttribute("src") ?? element.getAttribute("href")!, location.href).pathname,
          );
          return keys.includes(location.pathname) && scripts.every((script) => keys.includes(script));
        }),
      { timeout: 20_000 },
    )
    .toBe(true);
}

/** A phone of its own for an organiser, signed in through the login page. */
async function phone(browser: Browser, url: string, user: typeof ORGANISER, problems: string[]) {
  const context = await browser.newContext({ baseURL: url, locale: "en-GB", ...PHONE_CONTEXT });
  await watch(context, problems);
  const page = await context.newPage();
  await open(page, "/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  return { context, page };
}

test("with the network cut, the organiser checks in three people on a phone and they reach the server once it is back", async ({ browser }) => {
  const server = plenary!;
  const problems: string[] = [];
  const { context, page } = await phone(browser, server.url, ORGANISER, problems);

  // Online: the page saves the list on the device and can be installed
  const checkInPath = `/events/${server.eventId}/check-in`;
  await open(page, checkInPath);
  await expect(page.locator("link[rel=manifest]")).toHaveAttribute("href", `${checkInPath}.webmanifest`);
  const manifest = await page.request.get(`${checkInPath}.webmanifest`);
  expect(await manifest.json()).toMatchObject({ start_url: checkInPath, display: "standalone" });
  const device = page.locator("section", { has: page.getByRole("heading", { name: en.device.title, level: 2 }) });
  await expect(device.getByText(/^The list \(6 people\) is saved on this device, as of \d{1,2}:\d{2}/)).toBeVisible();
  await expect(device.getByText(en.device.nothingPending)).toBeVisible();
  await keptForOffline(page);
  // online, the desk works as ever: John Smith is checked in on the server at once, and the device's list learns it
  await page.getByRole("searchbox", { name: rosters.checkIn.search }).fill("smith");
  await page.getByRole("button", { name: rosters.checkIn.find }).tap();
  await page.locator("ul.check-in-list > li").getByRole("button", { name: rosters.checkIn.checkIn, exact: true }).tap();
  await expect(page.locator(".check-in-result")).toContainText(/✓ John SMITH .* checked in at/);
  await expect
    .poll(() =>
      page.evaluate(
        (key) => JSON.parse(localStorage.getItem(key) ?? "null")?.people.find((p: { latin: string; name: string }) => p.name === "John SMITH")?.checkedIn,
        `plenary.check-in.list.${server.eventId}`,
      ),
    )
    .toEqual(["event"]);
  // the service worker sees this page only, not the rest of Plenary
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration(location.pathname))?.scope)).toBe(`${server.url}${checkInPath}`);
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration("/events"))?.scope ?? null)).toBeNull();

  // The network goes: the page says so, and even a reload opens it from the device
  await context.setOffline(true);
  await expect(device.getByText(en.device.offline)).toBeVisible();
  const pageRequests = () =>
    server
      .log()
      .split("\n")
      .filter((line) => line.includes(`"path":"${checkInPath}"`)).length;
  const requestsBefore = pageRequests();
  expect(requestsBefore).toBeGreaterThan(0);
  const reloaded = await page.reload();
  expect(reloaded?.fromServiceWorker()).toBe(true);
  await hydrated(page);
  expect(pageRequests(), "the reload did not reach the server").toBe(requestsBefore);
  await expect(page.getByRole("heading", { name: rosters.checkIn.title, level: 1 })).toBeVisible();
  await expect(device.getByText(en.device.offline)).toBeVisible();
  const count = page.locator(".check-in-count");
  await expect(count).toHaveText(arrived(1, 6));
  const status = page.locator(".check-in-result[role=status]");
  const pending = device.locator(".device-pending");

  // 1. By name, in Latin letters (John Smith, checked in before the network went, is known as such)
  const search = page.getByRole("searchbox", { name: en.local.search });
  const results = page.locator("ul.local-check-in-list > li");
  await search.fill("smith");
  await expect(results.first().getByText(en.local.checkedIn, { exact: true })).toBeVisible();
  await expect(results.first().getByRole("button", { name: en.local.checkIn, exact: true })).toHaveCount(0);
  await search.fill("kozhemiako");
  await expect(results).toHaveCount(1);
  await expect(results.first()).toContainText("Кожемяко Олег Николаевич");
  await results.first().getByRole("button", { name: en.local.checkIn, exact: true }).tap();
  await expect(status).toHaveText(fill(en.result.queued, { name: "KOZHEMIAKO Oleg", member: "Primorsky Krai" }));
  await expect(results.first().getByText(en.local.waiting)).toBeVisible();
  await expect(pending).toHaveText(fill(en.device.pending_one, { count: 1 }));

  // 2. By the code on the badge
  const byCode = page.locator("section", { has: page.getByRole("heading", { name: en.local.byCode }) });
  await byCode.getByLabel(en.local.code).fill(server.codes.Kim.toLowerCase().replace(/(.{5})/, "$1-"));
  await byCode.getByRole("button", { name: en.local.checkIn, exact: true }).tap();
  await expect(status).toHaveText(fill(en.result.queued, { name: "KIM Cheolsu", member: "Gyeongsangbuk-do (North Gyeongsang Province)" }));

  // 3. By name in its own script (Mongolian Cyrillic)
  await search.fill("Өлзий");
  await expect(results).toHaveCount(1);
  await results.first().getByRole("button", { name: en.local.checkIn, exact: true }).tap();
  await expect(pending).toHaveText(fill(en.device.pending_other, { count: 3 }));
  await expect(device.locator(".device-pending-list > li")).toHaveText([
    "KOZHEMIAKO Oleg (Primorsky Krai)",
    "KIM Cheolsu (Gyeongsangbuk-do (North Gyeongsang Province))",
    "Ts. ULZIIBAT (Töv Province)",
  ]);
  await expect(count).toHaveText(arrived(4, 6));
  // checking the same person in again on this device is refused here, not queued twice
  await search.fill("kozhemiako");
  await expect(results.first().getByRole("button", { name: en.local.checkIn, exact: true })).toHaveCount(0);
  await byCode.getByLabel(en.local.code).fill(server.codes.Kim);
  await byCode.getByRole("button", { name: en.local.checkIn, exact: true }).tap();
  await expect(status).toHaveText(fill(en.result.already, { name: "KIM Cheolsu", member: "Gyeongsangbuk-do (North Gyeongsang Province)" }));
  await expect(pending).toHaveText(fill(en.device.pending_other, { count: 3 }));

  // Nothing has reached the server yet
  expect(await checkedInOnServer(context, server.url, server.eventId)).toEqual(["John SMITH"]);

  // The network is back: the queue goes by itself, once
  await context.setOffline(false);
  await expect(pending).toHaveText(en.device.nothingPending, { timeout: 15_000 });
  await expect(device.getByText(en.device.online)).toBeVisible();
  expect(await checkedInOnServer(context, server.url, server.eventId)).toEqual(["John SMITH", "KIM Cheolsu", "KOZHEMIAKO Oleg", "Ts. ULZIIBAT"]);

  // …and the page, reloaded from the server, counts them
  await open(page, checkInPath);
  await expect(count).toHaveText(arrived(4, 6));
  const delegations = page.locator("section", { has: page.getByRole("heading", { name: rosters.checkIn.delegations }) });
  await expect(delegations.locator("tbody tr").filter({ hasText: "Primorsky Krai" }).locator("td").nth(1)).toHaveText("1 / 1");
  expect(await checkedInOnServer(context, server.url, server.eventId)).toHaveLength(4);

  await context.close();
  expect(problems).toEqual([]);
});

test("two phones check the same delegate in for the welcome dinner: one check-in counts, the second is a note saying who was first", async ({ browser }) => {
  const server = plenary!;
  const problems: string[] = [];
  const checkInPath = `/events/${server.eventId}/check-in`;
  const first = await phone(browser, server.url, ORGANISER, problems);
  const second = await phone(browser, server.url, COLLEAGUE, problems);
  for (const { page } of [first, second]) {
    await open(page, checkInPath);
    await expect(page.getByText(/^The list \(6 people\) is saved on this device/)).toBeVisible();
    await keptForOffline(page);
    // both check in for the dinner, not for the event
    await page.getByLabel(en.device.scope).selectOption({ label: "Welcome dinner" });
    await expect(page.locator(".check-in-count")).toHaveText(arrived(0, 6));
  }

  // The second phone has lost the network; the first checks the delegate in and it reaches the server at once
  await second.context.setOffline(true);
  const checkIn = async (page: Page) => {
    await page.getByRole("searchbox", { name: en.local.search }).fill("Hirai");
    const result = page.locator("ul.local-check-in-list > li");
    await expect(result).toHaveCount(1);
    await result.getByRole("button", { name: en.local.checkIn, exact: true }).tap();
  };
  await checkIn(first.page);
  await expect(first.page.locator(".check-in-result")).toHaveText(new RegExp(`^✓ HIRAI Kana \\(Tottori Prefecture\\) checked in at \\d{1,2}:\\d{2}`));
  await expect(first.page.locator(".device-pending")).toHaveText(en.device.nothingPending);

  // The second phone, not knowing, checks her in as well: queued on the phone
  await checkIn(second.page);
  await expect(second.page.locator(".device-pending")).toHaveText(fill(en.device.pending_one, { count: 1 }));

  // Back online, the server keeps the first check-in and notes the second, and the phone says so
  await second.context.setOffline(false);
  await expect(second.page.locator(".device-pending")).toHaveText(en.device.nothingPending, { timeout: 15_000 });
  const note = new RegExp(
    `^HIRAI Kana \\(Tottori Prefecture\\) was already checked in at \\d{1,2}:\\d{2}.* by ${ORGANISER.name}; this check-in is kept as a note\\.$`,
  );
  await expect(second.page.locator(".check-in-result")).toHaveText(note);
  const list = await serverList(second.context, server.url, server.eventId);
  const hirai = list.people.find((p) => p.latin === "HIRAI Kana")!;
  expect(hirai.checkedIn).toEqual([server.dinnerId]); // the dinner only, not the event

  // Every organiser sees the note on the page, with who checked in again and when
  await open(first.page, checkInPath);
  const notes = first.page.locator("section", { has: first.page.getByRole("heading", { name: en.notes.title }) });
  await expect(notes.locator("li")).toHaveText([
    new RegExp(
      `^HIRAI Kana \\(Tottori Prefecture\\), Welcome dinner: checked in again at \\d{1,2}:\\d{2}.* by ${COLLEAGUE.name}; the first check-in counts\\.$`,
    ),
  ]);

  await first.context.close();
  await second.context.close();
  expect(problems).toEqual([]);
});
