import { expect, test } from "@playwright/test";
import jsQR from "jsqr";
import { PNG } from "pngjs";

import { SmtpSink } from "../helpers/smtp-sink";
import { open } from "./hydrated";
import { cli, type Plenary, startPlenary, stopPlenary, watch } from "./plenary";

/**
 * Issue 18 §5: each delegate gets their own confirmation by real SMTP, and its link opens their e-badge on a
 * phone, in their language, with the QR code a scanner reads as their badge code. The delegation's reply is
 * saved by tests/e2e/ebadge-seed.ts through the reply service before the server starts; the server's worker
 * then sends the outbox to the SMTP server inside this test.
 */
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

let sink: SmtpSink;
let plenary: (Plenary & { codes: Record<string, string> }) | undefined;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  sink = await new SmtpSink().start();
  plenary = await startPlenary(
    "ebadge",
    (env) => ({ codes: JSON.parse(cli("tests/e2e/ebadge-seed.ts", [], env).trim().split("\n").at(-1)!) as Record<string, string> }),
    { SMTP_URL: sink.url(), MAIL_FROM: "NEAR Secretariat <secretariat@near.example.org>", MAIL_RATE_PER_MINUTE: "0" },
  );
});

test.afterAll(async () => {
  await stopPlenary(plenary);
  await sink?.stop();
});

test("a delegate opens their e-badge from their own email on a phone, in their language, and the QR code scans as their badge code", async ({ browser }) => {
  const badgeMail = (address: string) =>
    sink.messages.find((m) => m.attachments.some((a) => a.contentType === "image/png") && JSON.stringify(m.to).includes(address));
  await expect.poll(() => Boolean(badgeMail("cheolsu@example.org") && badgeMail("ulziibat@example.org")), { timeout: 30_000 }).toBe(true);
  const problems: string[] = [];
  for (const [address, lang, heading, name] of [
    ["cheolsu@example.org", "ko", "전자 명찰", "김철수"],
    ["ulziibat@example.org", "mn", "Таны цахим тэмдэг", "Цэрэнгийн Өлзийбат"],
  ] as const) {
    const mail = badgeMail(address)!;
    const link = mail.text!.match(/https?:\/\/\S+\/b\/([A-Za-z0-9_-]{43})/)!;
    const context = await browser.newContext({ ...PHONE, baseURL: plenary!.url, locale: "en-GB" });
    await watch(context, problems);
    const page = await context.newPage();
    await open(page, `/b/${link[1]}`);
    await expect(page.locator("html")).toHaveAttribute("lang", lang);
    await expect(page.getByRole("region", { name: heading })).toBeVisible();
    await expect(page.locator(".ebadge-name")).toHaveText(name);
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(391);
    const qr = page.locator(".ebadge-qr");
    expect((await qr.boundingBox())!.width).toBeGreaterThanOrEqual(300);
    const image = PNG.sync.read(await qr.screenshot());
    expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe(plenary!.codes[address]);
    await page.screenshot({ path: `test-results/ebadge-${lang}.png`, fullPage: true });
    await context.close();
  }
  expect(problems).toEqual([]);
});
