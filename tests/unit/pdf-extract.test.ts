import { describe, expect, it } from "vitest";

import { renderBadgesPdf } from "~/lib/pdf/badges.server";
import { renderPlaceCardsPdf } from "~/lib/pdf/place-cards.server";
import { renderRosterPdf } from "~/lib/pdf/roster.server";
import type { PdfLang, PdfText } from "~/lib/pdf/types";
import { renderVisaLetterPdf, type VisaLetterPage } from "~/lib/pdf/visa-letter.server";
import { extractPages } from "../helpers/pdf";

/**
 * Text copied or searched in a PDF (pdftotext, a viewer's search, a screen reader) comes from each font's
 * ToUnicode map. The server renders many PDFs with the same parsed fonts; a document whose accented letters are
 * built from base glyphs (É = E + ´) once left those base letters without their Unicode in every later document:
 * the visa letter's bold "The Association of North East Asia" read "The ssociation of North East sia".
 */
const ACCENTED = "ÀÁÂÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÖÙÚÛÜÝàáâäåçèéêëìíîïñòóôöùúûüýÿĀāĂăĄąĆćČčĎďĒēĖėĘęĚěĞğĪīĮįİıŁłŃńŇňŌōŐőŒœŘřŚśŞşŠšŢţŤťŪūŮůŰűŹźŻżŽžЁёЙйЇїЎў";
const LANGS: PdfLang[] = ["en", "ko", "zh", "ja", "ru", "mn"];

/** A document that has every face (regular and bold, each language's fonts) draw accented letters first. */
async function accentedLettersFirst() {
  const sections = LANGS.map((lang) => ({
    heading: { text: ACCENTED, lang },
    groups: [{ heading: { text: ACCENTED, lang }, rows: [{ name: { text: ACCENTED, lang } as PdfText }] }],
  }));
  return renderRosterPdf({
    lang: "en",
    title: ACCENTED,
    subtitle: ACCENTED,
    stamp: ACCENTED,
    columns: [{ key: "name", label: ACCENTED, width: 100 }],
    sections,
    pageLabel: ACCENTED,
    emptyLabel: "",
  });
}

const NEAR = "The Association of North East Asia Regional Governments (NEAR)";
const SUBJECT = "Visa support letter for KOZHEMYAKO OLEG — 16th NEAR General Assembly";

const letter: VisaLetterPage = {
  lang: "en",
  letterhead: { name: NEAR, address: "Pohang, Gyeongsangbuk-do, Republic of Korea" },
  date: "2 May 2027",
  reference: "Ref. K7Q2M9",
  addressee: ["To the consular section concerned"],
  subject: SUBJECT,
  paragraphs: ["The Association of North East Asia Regional Governments has the honour to invite KOZHEMYAKO OLEG."],
  facts: [
    { label: "Name (as in passport)", value: "KOZHEMYAKO OLEG" },
    { label: "Position and organisation", value: "Governor, Primorsky Krai" },
  ],
  closing: "Yours faithfully,",
  signature: ["LIM Byung-jin", "Secretary-General"],
};

const kinds: Record<string, { render: () => Promise<Buffer>; bold: string[] }> = {
  "visa letter": {
    render: () => renderVisaLetterPdf({ pages: [letter, { ...letter, lang: "ru", subject: "Письмо визовой поддержки — АРАССВА" }] }),
    bold: [NEAR, SUBJECT, "Position and organisation", "Письмо визовой поддержки — АРАССВА"],
  },
  roster: {
    render: () =>
      renderRosterPdf({
        lang: "en",
        title: "List of Participants",
        subtitle: "16th NEAR General Assembly · Pohang",
        stamp: "Final list no. 2, 14 May 2027 at 10:05 (UTC+9)",
        columns: [
          { key: "name", label: "Name", width: 50 },
          { key: "member", label: "Member", width: 50 },
        ],
        sections: [
          {
            heading: "Russian Federation",
            groups: [{ heading: "Primorsky Krai — Administration", rows: [{ name: "KOZHEMYAKO Oleg", member: "Primorsky Krai" }] }],
          },
        ],
        pageLabel: "Page {page} of {pages}",
        emptyLabel: "No participants yet",
      }),
    bold: ["List of Participants", "Final list no. 2, 14 May 2027 at 10:05 (UTC+9)", "Russian Federation", "Primorsky Krai — Administration", "Name", "Member"],
  },
  badges: {
    render: () =>
      renderBadgesPdf({
        lang: "en",
        layout: "single",
        eventTitle: "16th NEAR General Assembly",
        badges: [
          {
            nameNative: "Aleksandr ABRAMOV",
            nameLatin: "Aleksandr ABRAMOV",
            member: "Amur Oblast",
            country: "Russian Federation",
            role: "Head of Delegation",
            category: "Delegate",
            color: "#1d4ed8",
            checkInCode: "7K2M9QXD4P",
          },
        ],
      }),
    bold: ["Aleksandr ABRAMOV", "Head of Delegation"],
  },
  "place cards": {
    render: () => renderPlaceCardsPdf({ lang: "en", cards: [{ primary: "Amur Oblast", secondary: { text: "Амурская область", lang: "ru" } }] }),
    bold: ["Amur Oblast"],
  },
};

describe("text extraction from every kind of PDF", () => {
  it.each(Object.entries(kinds))("%s: bold text extracts whole, even after other documents drew accented letters", async (_kind, { render, bold }) => {
    await accentedLettersFirst();
    const text = (await extractPages(await render())).join("\n");
    for (const words of bold) expect(text).toContain(words);
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\ufffd]/);
  });
});
