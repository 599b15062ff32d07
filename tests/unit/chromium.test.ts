import path from "node:path";
import { build } from "esbuild";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { supportedLngs } from "~/i18n";
import { formatDateTime, wallClockPattern } from "~/lib/dates";
import { ROOT } from "../helpers/paths";

/**
 * What only a browser can tell: how wide an email is on a phone, where Korean lines break, and how the reply
 * page writes "your time" with the browser's own (partial) language data. One Debian Chromium for all of it.
 */
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  page = await browser.newPage({ locale: "en-US", viewport: { width: 375, height: 800 } });
});
afterAll(async () => {
  await browser?.close();
});

describe("the reply page's 'your time' in a browser without the page's language data", () => {
  it("is written in the page's language (Chromium has no Mongolian), for all six", async () => {
    // the module the reply page runs, as the browser gets it
    const bundle = await build({ entryPoints: [path.join(ROOT, "app/lib/dates.ts")], bundle: true, format: "iife", globalName: "dates", write: false, platform: "browser" });
    await page.setContent("<!doctype html><html><body></body></html>");
    await page.addScriptTag({ content: bundle.outputFiles[0].text });
    const at = "2027-09-13T14:00:00.000Z";
    for (const locale of supportedLngs) {
      for (const zone of ["Asia/Vladivostok", "Europe/Moscow", "America/New_York"]) {
        const written = await page.evaluate(
          ({ at, zone, pattern }) => (window as unknown as { dates: typeof import("~/lib/dates") }).dates.formatWallClock(new Date(at), zone, pattern),
          { at, zone, pattern: wallClockPattern(locale) },
        );
        expect(written, `${locale} in ${zone}`).toBe(formatDateTime(new Date(at), locale, zone));
      }
    }
    // what the page did before: format in the page's language with the browser's own data
    const own = await page.evaluate((at) => (window as unknown as { dates: typeof import("~/lib/dates") }).dates.formatDateTime(new Date(at), "mn", "Asia/Vladivostok"), at);
    expect(own).not.toBe(formatDateTime(new Date(at), "mn", "Asia/Vladivostok"));
  });
});
