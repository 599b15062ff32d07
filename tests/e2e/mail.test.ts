import fs from "node:fs";
import path from "node:path";

import { expect, test } from "@playwright/test";
import nodemailer from "nodemailer";

import { ROOT } from "../helpers/paths";
import { freePort } from "../helpers/ports";
import { SmtpSink } from "../helpers/smtp-sink";
import { ADMIN } from "./accounts";
import { adminAndDemo } from "./fixtures";
import { hydrated, open } from "./hydrated";
import { messages } from "./locales";
import { type Plenary, startPlenary, stopPlenary, watch } from "./plenary";

const inv = messages("en", "invitations");
const invRu = messages("ru", "invitations");
const settings = messages("en", "settings");

/**
 * Issue 16 in a browser: a governor's address is refused by the relay while the focal point's is accepted, a
 * governor's office answers the invitation by email, and staff see both on the event page, read the reply,
 * find the address on the suppression list, lift it, and read the DNS records to publish. Screenshots of each
 * page (desktop, Russian, phone) go to test-results/mail/ for review.
 */
const SHOTS = path.join(ROOT, "test-results/mail");
const REFUSED = "governor.altai@example.org";

let plenary: Plenary | undefined;
let sink: SmtpSink;
let inboundPort = 0;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  sink = await new SmtpSink().start();
  sink.recipientReplies.set(REFUSED, { code: 550, text: "5.1.1 <governor.altai@example.org>: Recipient address rejected: User unknown" });
  inboundPort = await freePort();
  plenary = await startPlenary("mail", adminAndDemo, {
    SMTP_URL: sink.url(),
    MAIL_FROM: "NEAR Secretariat <secretariat@near.example.org>",
    MAIL_RATE_PER_MINUTE: "0",
    MAIL_RETURN_PATH: "bounces@near.example.org",
    MAIL_INBOUND_PORT: String(inboundPort),
    MAIL_DKIM: "on",
  });
  fs.mkdirSync(SHOTS, { recursive: true });
});

test.afterAll(async () => {
  await stopPlenary(plenary);
  await sink?.stop();
});

test("staff see a refused governor's address and a reply by email, lift the suppression, and read the DNS records", async ({ browser }) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  const context = await browser.newContext({ baseURL: plenary!.url, locale: "en-GB", viewport: { width: 1280, height: 900 } });
  await watch(context, problems);
  const page = await context.newPage();
  await open(page, "/login");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();

  // an open event with invitations to the first two Russian members, sent through the real forms
  const origin = { Origin: plenary!.url };
  const created = await page.request.post("/events/new", {
    headers: origin,
    form: {
      kind: "general_assembly",
      timeZone: "Asia/Seoul",
      start: "2027-06-16T09:00",
      end: "2027-06-17T18:00",
      rsvpDeadline: "2027-05-14T18:00",
      format: "in_person",
      quota: "5",
      categories: "delegate",
      "title.en": "16th NEAR General Assembly",
      "title.ru": "16-я Генеральная ассамблея АРАССВА",
      "venue.en": "Pohang",
      contactEmail: "secretariat@near.example.org",
    },
    maxRedirects: 0,
  });
  const eventPath = new URL(created.headers().location, plenary!.url).pathname;
  expect((await page.request.post(eventPath, { headers: origin, form: { to: "open", version: "1" }, maxRedirects: 0 })).status()).toBe(302);
  const invitePage = await (await page.request.get(`${eventPath}/invitations?mode=country&country=RU`)).text();
  const picked = [...invitePage.matchAll(/name="memberIds"[^>]*value="([0-9a-f-]{36})"/g)].map((m) => m[1]).slice(0, 2);
  const form = new URLSearchParams({ intent: "send", mode: "picked" });
  for (const id of picked) form.append("memberIds", id);
  expect(
    (
      await page.request.post(`${eventPath}/invitations`, {
        headers: { ...origin, "Content-Type": "application/x-www-form-urlencoded" },
        data: form.toString(),
        maxRedirects: 0,
      })
    ).status(),
  ).toBe(302);
  await expect.poll(() => sink.messages.length, { timeout: 20_000 }).toBe(2);

  // the Altai Republic's office answers by email, quoting the invitation
  const original = sink.messages.find((m) => !JSON.stringify(m.to).includes(REFUSED)) ?? sink.messages[1];
  const relay = nodemailer.createTransport({ host: "127.0.0.1", port: inboundPort, ignoreTLS: true });
  await relay.sendMail({
    envelope: { from: "intl@altai-republic.example.ru", to: ["secretariat@near.example.org"] },
    from: "Отдел внешних связей <intl@altai-republic.example.ru>",
    to: "secretariat@near.example.org",
    subject: "Re: Приглашение",
    inReplyTo: original.messageId,
    references: original.messageId,
    text: "Глава Республики Алтай примет участие. Состав делегации сообщим до 1 мая.\n\nПт, 5 дек. 2026 г. NEAR Secretariat пишет:\n> Уважаемый господин Глава",
  });
  relay.close();

  // the event page flags the refused address on Altai Krai's row and the reply on Altai Republic's
  await open(page, eventPath);
  const table = page.getByRole("table").filter({ hasText: "Altai Krai" });
  await expect(table.getByText(inv.undeliveredTo.replace("{{addresses}}", REFUSED))).toBeVisible();
  const replied = table.getByRole("link", { name: /Replied by email on/ });
  await expect(replied).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, "event-en.png"), fullPage: true });
  await replied.click();
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Replies by email" })).toBeVisible();
  await expect(page.getByText("Глава Республики Алтай примет участие.")).toBeVisible();
  await expect(page.getByText("Уважаемый господин Глава")).toHaveCount(0);

  // Mail → bounced filter → the message's recipients → the suppression list
  await page.getByRole("banner").getByRole("link", { name: "Mail" }).click();
  await hydrated(page);
  await page.getByLabel(inv.mail.statusFilter).selectOption("bounced");
  await page.getByRole("button", { name: inv.mail.apply }).click();
  await expect(page).toHaveURL(/status=bounced/);
  const rows = page.getByRole("table").getByRole("row");
  await expect(rows).toHaveCount(2); // header + one
  await page.screenshot({ path: path.join(SHOTS, "mail-log-en.png"), fullPage: true });
  await rows.nth(1).getByRole("link").first().click();
  await hydrated(page);
  const recipients = page.getByRole("region", { name: inv.mail.recipients });
  await expect(recipients.getByRole("row").filter({ hasText: REFUSED })).toContainText(inv.mail.recipientStates.refused);
  await expect(recipients.getByRole("row").filter({ hasText: REFUSED })).toContainText("User unknown");
  await expect(recipients).toContainText(inv.mail.recipientStates.accepted);

  await open(page, "/mail/suppressions");
  const entry = page.getByRole("row").filter({ hasText: REFUSED });
  await expect(entry).toContainText(inv.suppressions.reasons.refused);
  await page.screenshot({ path: path.join(SHOTS, "suppressions-en.png"), fullPage: true });
  await entry.locator("summary", { hasText: inv.suppressions.lift }).click();
  await expect(entry.getByText(inv.suppressions.liftConfirm.replace("{{address}}", REFUSED))).toBeVisible();
  await entry.getByRole("button", { name: inv.suppressions.lift }).click();
  await expect(page.getByRole("status")).toHaveText(inv.suppressions.lifted.replace("{{address}}", REFUSED));
  await expect(page.getByRole("heading", { name: inv.suppressions.empty.title })).toBeVisible();

  // Settings → System: the pace, the return path, the intake, and the DKIM record to publish
  await open(page, "/settings/system");
  const dns = page.getByRole("region", { name: settings.system.dnsTitle.replace("{{domain}}", "near.example.org") });
  await expect(dns).toContainText("plenary._domainkey.near.example.org");
  await expect(dns).toContainText(/v=DKIM1; k=rsa; p=[A-Za-z0-9+/]{300,}/);
  await expect(dns).toContainText("_dmarc.near.example.org");
  await expect(page.getByText(settings.system.intakeOn.replace("{{address}}", `127.0.0.1:${inboundPort}`))).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, "system-en.png"), fullPage: true });

  // the same pages in Russian, and the Mail log on a phone
  const ru = await browser.newContext({
    baseURL: plenary!.url,
    locale: "ru-RU",
    viewport: { width: 1280, height: 900 },
    storageState: await context.storageState(),
  });
  await watch(ru, problems);
  const ruPage = await ru.newPage();
  await open(ruPage, eventPath);
  await ruPage.getByRole("banner").locator(".language-switcher summary").click();
  await ruPage.getByRole("button", { name: "Русский" }).click();
  await hydrated(ruPage);
  await expect(ruPage.locator("html")).toHaveAttribute("lang", "ru");
  await expect(ruPage.getByText(invRu.emailedReply.split("{{at}}")[0].trim()).first()).toBeVisible();
  await ruPage.screenshot({ path: path.join(SHOTS, "event-ru.png"), fullPage: true });
  await open(ruPage, "/mail/received");
  await expect(ruPage.getByRole("heading", { name: invRu.received.title })).toBeVisible();
  await ruPage.screenshot({ path: path.join(SHOTS, "received-ru.png"), fullPage: true });
  await ruPage.setViewportSize({ width: 375, height: 800 });
  await open(ruPage, "/mail");
  await ruPage.screenshot({ path: path.join(SHOTS, "mail-log-ru-phone.png"), fullPage: true });
  const overflow = await ruPage.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(1);

  // Chromium logs that the sandboxed message frame blocks Playwright's own probing scripts; those lines are the tool's
  expect(problems.filter((p) => !/Blocked script execution in .* sandboxed/.test(p))).toEqual([]);
  await ru.close();
  await context.close();
});
