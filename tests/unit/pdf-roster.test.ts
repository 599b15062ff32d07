import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";

import { renderRosterPdf, type RosterPdfInput } from "~/lib/pdf/roster.server";
import type { PdfText } from "~/lib/pdf/types";
import { drawnGlyphs, extractPages, fontDescriptors, notdefGlyphs, pageSizes, textItems, unembeddedBaseFonts } from "../helpers/pdf";

const columns = [
  { key: "name", label: "Name", width: 30 },
  { key: "title", label: "Title", width: 30 },
  { key: "member", label: "Member", width: 20 },
  { key: "role", label: "Role", width: 20 },
];

function roster(sections: RosterPdfInput["sections"], extra: Partial<RosterPdfInput> = {}): RosterPdfInput {
  return {
    lang: "en",
    title: "List of Participants",
    subtitle: "16th General Assembly of NEAR · 16 – 17 June 2027 · Ulan-Ude",
    stamp: "Final list — 24 November 2026, 14:05",
    columns,
    sections,
    pageLabel: "Page {page} of {pages}",
    emptyLabel: "No participants yet",
    ...extra,
  };
}

const person = (name: PdfText, member: PdfText, role = "Delegate"): Record<string, PdfText> => ({ name, title: "Governor", member, role });

const sixScripts = roster([
  {
    heading: "China",
    groups: [
      {
        heading: { text: "Liaoning Province 辽宁省", lang: "zh" },
        rows: [
          person({ text: "李乐成\nLI Lecheng", lang: "zh" }, { text: "辽宁省", lang: "zh" }, "Head of delegation"),
          person({ text: "王汉文\nWANG Hanwen", lang: "zh" }, { text: "辽宁省", lang: "zh" }),
        ],
      },
    ],
  },
  {
    heading: "Japan",
    groups: [
      {
        heading: "Tottori Prefecture",
        rows: [
          person({ text: "鈴木一郎\nSUZUKI Ichiro", lang: "ja" }, { text: "鳥取県", lang: "ja" }),
          person({ text: "山田かな\nYAMADA Kana", lang: "ja" }, { text: "鳥取県", lang: "ja" }),
        ],
      },
    ],
  },
  {
    heading: "Mongolia",
    groups: [{ heading: "Töv Province", rows: [person({ text: "Өлзийбат Үүрийнтуяа\nULZIIBAT Uuriintuya", lang: "mn" }, { text: "Төв аймаг", lang: "mn" })] }],
  },
  {
    heading: "Republic of Korea",
    groups: [
      {
        heading: "Gyeonggi Province",
        rows: [
          person({ text: "김철수\nKIM Cheolsu", lang: "ko" }, { text: "경기도", lang: "ko" }),
          person({ text: "한지민\nHAN Jimin", lang: "ko" }, { text: "경기도", lang: "ko" }),
          person("John SMITH", "Secretariat"),
        ],
      },
    ],
  },
  {
    heading: "Russian Federation",
    groups: [
      { heading: "Primorsky Krai", rows: [person({ text: "Кожемяко Олег Николаевич\nKOZHEMYAKO Oleg", lang: "ru" }, { text: "Приморский край", lang: "ru" })] },
    ],
  },
]);

describe("renderRosterPdf", () => {
  it("writes names in all six scripts, with embedded fonts and real glyphs for Ө Ү 한 汉 か", async () => {
    const pdf = await renderRosterPdf(sixScripts);
    const [page] = await extractPages(pdf);
    for (const name of [
      "李乐成",
      "LI Lecheng",
      "王汉文",
      "鈴木一郎",
      "山田かな",
      "Өлзийбат Үүрийнтуяа",
      "김철수",
      "KIM Cheolsu",
      "한지민",
      "Кожемяко Олег Николаевич",
      "John SMITH",
      "辽宁省",
      "Төв аймаг",
    ]) {
      expect(page).toContain(name);
    }
    // every font is embedded (a subset font program per face), and nothing falls back to a non-embedded base font
    const fonts = fontDescriptors(pdf);
    expect(new Set(fonts.map((f) => f.name))).toEqual(
      new Set(["NotoSans-Regular", "NotoSans-Bold", "NotoSansKR-Regular", "NotoSansSC-Regular", "NotoSansSC-Bold", "NotoSansJP-Regular"]),
    );
    expect(fonts.filter((f) => !f.embedded)).toEqual([]);
    expect(unembeddedBaseFonts(pdf)).toEqual([]);
    // no .notdef anywhere, and the critical characters come from the font that has them
    expect(await notdefGlyphs(pdf)).toEqual([]);
    const glyphs = await drawnGlyphs(pdf);
    const expected: Record<string, string> = {
      Ө: "NotoSans-Regular",
      Ү: "NotoSans-Regular",
      한: "NotoSansKR-Regular",
      汉: "NotoSansSC-Regular",
      か: "NotoSansJP-Regular",
    };
    for (const [ch, font] of Object.entries(expected)) {
      const drawn = glyphs.filter((g) => g.unicode === ch);
      expect(drawn.length, ch).toBeGreaterThan(0);
      for (const g of drawn) expect(g, ch).toMatchObject({ font, isInFont: true });
      for (const g of drawn) expect(g.code, ch).not.toBe(0);
    }
    expect((await pageSizes(pdf))[0]).toEqual({ width: 595, height: 842 }); // A4 portrait
  });

  it("repeats the header on every page, numbers pages, never splits a row or strands a heading", async () => {
    const sections: RosterPdfInput["sections"] = ["China", "Japan", "Mongolia"].map((country, c) => ({
      heading: country,
      groups: Array.from({ length: 14 }, (_, g) => ({
        heading: `Member ${c}${String(g).padStart(2, "0")}`,
        // uneven delegations, so that headings fall at every height of the page
        rows: Array.from({ length: 1 + ((c * 7 + g * 3) % 6) }, (_, r) => ({
          name: { text: `NATIVE${c}.${g}.${r}\nLATIN${c}.${g}.${r}`, lang: "zh" as const },
          title: r % 2 ? "Governor" : "Director-General of the Department of International Cooperation and Foreign Affairs",
          member: `Province ${c}.${g}`,
          role: "Delegate",
        })),
      })),
    }));
    const pdf = await renderRosterPdf(roster(sections, { continuedLabel: "(continued)" }));
    const pages = await extractPages(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    pages.forEach((text, i) => {
      expect(text).toContain("List of Participants");
      expect(text).toContain("16th General Assembly of NEAR");
      expect(text).toContain("Final list — 24 November 2026, 14:05");
      for (const c of columns) expect(text).toContain(c.label);
      expect(text).toContain(`Page ${i + 1} of ${pages.length}`);
    });
    const all = pages.join("\n");
    for (const section of sections) {
      for (const group of section.groups) {
        // a member heading is followed by its first row on the same page (the first mention is the heading itself)
        const headingPage = pages.findIndex((p) => p.includes(group.heading as string));
        expect(headingPage, group.heading as string).toBeGreaterThanOrEqual(0);
        const firstRow = (group.rows[0].name as { text: string }).text.split("\n")[0];
        expect(pages[headingPage], `${group.heading}`).toContain(firstRow);
        // both lines of every name cell are on the same page: rows are never split
        for (const row of group.rows) {
          const [native, latin] = (row.name as { text: string }).text.split("\n");
          const page = pages.findIndex((p) => p.includes(native));
          expect(page).toBeGreaterThanOrEqual(0);
          expect(pages[page]).toContain(latin);
        }
      }
      // the country heading sits on the page of its first member's heading
      const countryPage = pages.findIndex((p) => p.includes(section.heading as string));
      expect(pages[countryPage]).toContain(section.groups[0].heading as string);
    }
    // nothing but the footer below the body: rows move to the next page instead of running into the footer
    const footerTop = 842 - 15 * (72 / 25.4) - 10;
    const low = (await textItems(pdf)).filter((item) => item.y > footerTop - 6);
    expect(low.length).toBe(2 * pages.length);
    for (const item of low) expect(item.text).toMatch(/^(Page \d+ of \d+|Final list — 24 November 2026, 14:05)$/);
    // a group running onto the next page is introduced again there
    expect(all).toMatch(/(China|Japan|Mongolia) · Member \d\d\d \(continued\)/);
  });

  it("never leaves a country or member heading alone at the foot of a page", async () => {
    const row = (label: string) => ({ name: label, title: "Governor", member: "Somewhere", role: "Delegate" });
    // however many rows come first, some of these lengths put the next heading at the very bottom of page 1
    for (let n = 25; n <= 55; n++) {
      const pdf = await renderRosterPdf(
        roster([
          {
            heading: "China",
            groups: [
              { heading: "First member", rows: Array.from({ length: n }, (_, i) => row(`First ${i}`)) },
              { heading: "Second member", rows: [row("Second 0"), row("Second 1")] },
            ],
          },
          { heading: "Japan", groups: [{ heading: "Third member", rows: [row("Third 0")] }] },
        ]),
      );
      const pages = await extractPages(pdf);
      for (const [heading, firstRow] of [
        ["Second member", "Second 0"],
        ["Japan", "Third member"],
        ["Third member", "Third 0"],
      ]) {
        const page = pages.find((p) => p.includes(heading));
        expect(page, `${n} rows: ${heading}`).toContain(firstRow);
      }
    }
  });

  it("prints the empty label when there is nobody on the list", async () => {
    const pages = await extractPages(await renderRosterPdf(roster([])));
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain("No participants yet");
    expect(pages[0]).toContain("Page 1 of 1");
  });

  it("draws a PNG letterhead logo once and reuses it on every page; an SVG logo is skipped", async () => {
    const png = new PNG({ width: 8, height: 8 });
    png.data.fill(200);
    const letterhead = { name: "NEAR Secretariat", logo: { data: PNG.sync.write(png), type: "image/png" as const } };
    const many = [{ heading: "China", groups: [{ heading: "Liaoning", rows: Array.from({ length: 120 }, (_, i) => person(`Person ${i}`, "Liaoning")) }] }];
    const images = (pdf: Buffer) => pdf.toString("latin1").match(/\/Subtype \/Image/g)?.length ?? 0;
    const onePage = await renderRosterPdf(
      roster(
        many.map((s) => ({ ...s, groups: [{ ...s.groups[0], rows: s.groups[0].rows.slice(0, 2) }] })),
        { letterhead },
      ),
    );
    const withPng = await renderRosterPdf(roster(many, { letterhead }));
    const pages = await extractPages(withPng);
    expect(pages.length).toBeGreaterThan(2);
    for (const page of pages) expect(page).toContain("NEAR Secretariat");
    expect(images(onePage)).toBeGreaterThan(0);
    expect(images(withPng)).toBe(images(onePage)); // the same image object on every page, not one copy per page
    expect(withPng.toString("latin1").match(/\/XObject <<\n\/I1 \d+ 0 R/g)?.length).toBe(pages.length);

    const withSvg = await renderRosterPdf(
      roster(many, {
        letterhead: { name: "NEAR Secretariat", logo: { data: Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>"), type: "image/svg+xml" } },
      }),
    );
    expect(withSvg.toString("latin1")).not.toContain("/Subtype /Image");
    expect((await extractPages(withSvg))[0]).toContain("NEAR Secretariat");
  });
});
