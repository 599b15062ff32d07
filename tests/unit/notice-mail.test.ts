import fs from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { type Lng, supportedLngs } from "~/i18n";
import { composeNoticeMail, eventFactsIn } from "~/mail/compose.server";
import type { EventRow } from "~/models/event.server";
import { ROOT } from "../helpers/paths";

const emails = (lng: Lng) => JSON.parse(fs.readFileSync(path.join(ROOT, "app/locales", lng, "emails.json"), "utf8"));

const TITLE: Record<Lng, string> = {
  en: "16th NEAR General Assembly",
  ko: "제16차 NEAR 총회",
  zh: "东北亚地区地方政府联合会第16次全体会议",
  ja: "北東アジア地域自治体連合第16回総会",
  ru: "16-я Генеральная ассамблея АРАССВА",
  mn: "ЗХАНЗХ-ны 16 дахь Ерөнхий ассамблей",
};
const VENUE: Record<Lng, string> = { en: "Ulan-Ude", ko: "울란우데", zh: "乌兰乌德", ja: "ウランウデ", ru: "Улан-Удэ", mn: "Улаан-Үд" };

const EVENT = {
  id: "5b0c7a52-4f51-4c1e-8f3a-0a9c2d7e6b11",
  version: 3,
  title: TITLE,
  venue: VENUE,
  startsAt: new Date("2027-06-16T00:00:00Z"),
  endsAt: new Date("2027-06-17T09:00:00Z"),
  timeZone: "Asia/Irkutsk",
  meetingUrl: null,
  rsvpDeadline: new Date("2027-05-14T09:00:00Z"),
} as unknown as EventRow;

/** What a reader sees of the HTML: tags and React's text separators removed, entities decoded. */
const visible = (html: string) =>
  html
    .replace(/<!-- -->/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");

const URL = "https://plenary.example.org/r/kE9yQ2bX7mZt4Lw0aP3sN8vR6cJ1dF5hG2uY9oI4eTq";

describe("a notice about a delegation (composeNoticeMail)", () => {
  it.each(supportedLngs)("%s: the HTML and the text carry the same facts, link and footer, in the recipient's language", async (locale) => {
    const t = emails(locale);
    const message = await composeNoticeMail({
      locale,
      identity: { name: { en: "NEAR Secretariat", ru: "Секретариат АРАССВА" }, shortName: "NEAR", address: {}, signature: {}, logoUrl: null },
      event: EVENT,
      subject: `${TITLE[locale]}\r\n: notice`,
      paragraphs: ["First paragraph.", "Second\nparagraph."],
      link: { url: URL },
      member: "Primorsky Krai",
    });
    // the subject is one header line
    expect(message.subject).toBe(`${TITLE[locale]} : notice`);
    const { dates } = eventFactsIn(EVENT, locale);
    const organisation = locale === "ru" ? "Секретариат АРАССВА" : "NEAR Secretariat";
    const footer = t.footer.replace("{{member}}", "Primorsky Krai").replace("{{organisation}}", organisation);
    const html = visible(message.html);
    for (const part of [
      organisation,
      "First paragraph.",
      `${t.facts.heading}`,
      `${t.facts.event}: ${TITLE[locale]}`,
      `${t.facts.dates}: ${dates}`,
      `${t.facts.venue}: ${VENUE[locale]}`,
      t.buttonUpdate,
      URL,
      footer,
    ]) {
      expect(html, part).toContain(part.replace(/\s+/g, " "));
      expect(message.text, part).toContain(part);
    }
    expect(message.html).toContain(`lang="${locale === "zh" ? "zh-Hans" : locale}"`);
    // the text keeps the order of the HTML: organisation, paragraphs, link, facts, footer
    expect(message.text).toBe(
      [
        organisation,
        "First paragraph.\n\nSecond\nparagraph.",
        `${t.buttonUpdate}:\n${URL}`,
        [t.facts.heading, `${t.facts.event}: ${TITLE[locale]}`, `${t.facts.dates}: ${dates}`, `${t.facts.venue}: ${VENUE[locale]}`].join("\n"),
        footer,
      ].join("\n\n"),
    );
    // nothing of another language's facts
    if (locale !== "en") expect(html).not.toContain(TITLE.en);
  });

  it("an online event has no venue row, and the link's label can be given", async () => {
    const message = await composeNoticeMail({
      locale: "en",
      identity: null,
      // facts are cached per event id and version: another event
      event: { ...EVENT, id: "0d6b1f8e-2c4a-4b7e-9a51-3e8f7c2d1a90", venue: {} } as EventRow,
      subject: "Notice",
      paragraphs: ["Hello."],
      link: { url: URL, label: "Open it" },
      member: "Primorsky Krai",
    });
    expect(message.text).not.toContain("Venue:");
    expect(visible(message.html)).not.toContain("Venue:");
    expect(message.text).toContain(`Open it:\n${URL}`);
    expect(visible(message.html)).toContain("Open it");
  });
});
