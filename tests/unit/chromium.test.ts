import fs from "node:fs";
import path from "node:path";

import { render } from "@react-email/render";
import { build } from "esbuild";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { supportedLngs } from "~/i18n";
import type * as Dates from "~/lib/dates";
import { formatDateTime, wallClockPattern } from "~/lib/dates";
import { composeLetter } from "~/mail/compose.server";
import { defaultLetter } from "~/models/letter.server";
import StaffLink from "../../emails/staff-link";
import { EVENT_ROW } from "../fixtures/event-row";
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

describe("invitation emails on a 375 px phone", () => {
  it.each(supportedLngs)("%s: nothing is wider than the screen, and the link shows once as a button plus one fallback", async (locale) => {
    const rsvpUrl = "https://plenary.near.example.org/r/kE9yQ2bX7mZt4Lw0aP3sN8vR6cJ1dF5hG2uY9oI4eTq";
    const { html } = await composeLetter({
      kind: "invitation",
      locale,
      letter: defaultLetter("invitation", locale),
      english: locale === "en" ? null : defaultLetter("invitation", "en"),
      event: EVENT_ROW,
      member: { names: { en: "Primorsky Krai", ru: "Приморский край" }, headTitle: { en: "Governor", ru: "Губернатор Приморского края" } },
      head: null,
      rsvpUrl,
      identity: null,
    });
    await page.setContent(html);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${locale} email is ${width} px wide`).toBeLessThanOrEqual(375);
    // in the letter's own language: one button and one written-out fallback; the bilingual English part has a button only
    const links = await page.locator(`a[href="${rsvpUrl}"]`).allTextContents();
    expect(links.filter((text) => text === rsvpUrl)).toHaveLength(1);
    expect(links.filter((text) => text !== rsvpUrl)).toHaveLength(locale === "en" ? 1 : 2);
  });

  it("a colleague's set-password email fits too", async () => {
    const url = "https://plenary.near.example.org/account/password/kE9yQ2bX7mZt4Lw0aP3sN8vR6cJ1dF5hG2uY9oI4eTq";
    const html = await render(
      StaffLink({
        lang: "ru",
        organisation: "Ассоциация региональных администраций стран Северо-Восточной Азии (АРАССВА)",
        preview: "Приглашение в Plenary",
        paragraphs: ["Уважаемая Анна Викторовна!", "Вас пригласили в Plenary — портал Секретариата для его мероприятий."],
        link: { url, label: "Выбрать пароль", intro: "Если кнопка не работает, скопируйте этот адрес в браузер:" },
        footer: "Ссылка действует один раз в течение 7 дней.",
      }),
    );
    await page.setContent(html);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  });
});

describe("Korean in the app's stylesheet", () => {
  it("breaks lines between words, never inside one (대표단/장)", async () => {
    const css = fs.readFileSync(path.join(ROOT, "app/styles/app.css"), "utf8");
    const words = ["대한민국", "경상북도", "포항시", "대표단장", "대표단원", "부대표단장", "통역관"];
    await page.setContent(
      `<!doctype html><html lang="ko"><head><style>${css}</style></head><body>` +
        `<table><tr><td id="cell" style="width: 5.5em; max-width: 5.5em">${words.join(" ")}</td></tr></table></body></html>`,
    );
    const split = await page.evaluate(() => {
      const text = document.getElementById("cell")!.firstChild as Text;
      const broken: string[] = [];
      let offset = 0;
      for (const word of text.data.split(" ")) {
        const range = document.createRange();
        range.setStart(text, offset);
        range.setEnd(text, offset + word.length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(word);
        offset += word.length + 1;
      }
      return { broken, height: document.getElementById("cell")!.getBoundingClientRect().height };
    });
    expect(split.broken).toEqual([]);
    // (the cell is narrow enough that the text does wrap)
    expect(split.height).toBeGreaterThan(40);
  });
});

describe("the reply page's 'your time' in a browser without the page's language data", () => {
  it("is written in the page's language (Chromium has no Mongolian), for all six", async () => {
    // the module the reply page runs, as the browser gets it
    const bundle = await build({
      entryPoints: [path.join(ROOT, "app/lib/dates.ts")],
      bundle: true,
      format: "iife",
      globalName: "dates",
      write: false,
      platform: "browser",
    });
    await page.setContent("<!doctype html><html><body></body></html>");
    await page.addScriptTag({ content: bundle.outputFiles[0].text });
    const at = "2027-09-13T14:00:00.000Z";
    for (const locale of supportedLngs) {
      for (const zone of ["Asia/Vladivostok", "Europe/Moscow", "America/New_York"]) {
        const written = await page.evaluate(
          ({ at, zone, pattern }) => (window as unknown as { dates: typeof Dates }).dates.formatWallClock(new Date(at), zone, pattern),
          { at, zone, pattern: wallClockPattern(locale) },
        );
        expect(written, `${locale} in ${zone}`).toBe(formatDateTime(new Date(at), locale, zone));
      }
    }
    // what the page did before: format in the page's language with the browser's own data
    const own = await page.evaluate((at) => (window as unknown as { dates: typeof Dates }).dates.formatDateTime(new Date(at), "mn", "Asia/Vladivostok"), at);
    expect(own).not.toBe(formatDateTime(new Date(at), "mn", "Asia/Vladivostok"));
  });
});
