import { describe, expect, it } from "vitest";

import { FONT_KEYS, fontPath } from "~/lib/pdf/fonts.server";
import { createDocument, drawText, layoutText, textRuns, toBuffer, widthOfText } from "~/lib/pdf/text.server";
import type { PdfLang } from "~/lib/pdf/types";
import { drawnGlyphs, extractText, fontDescriptors, notdefGlyphs } from "../helpers/pdf";

const SANS = "NotoSans-Regular";
const KR = "NotoSansKR-Regular";
const SC = "NotoSansSC-Regular";
const JP = "NotoSansJP-Regular";

describe("textRuns: every character goes to a font that has a real glyph for it", () => {
  const cases: [string, PdfLang, [string, string][]][] = [
    // Mongolian Ө Ү: no CJK font has them, whatever the language
    ["Өлзийбат Үүрийнтуяа", "mn", [["Өлзийбат Үүрийнтуяа", SANS]]],
    ["Өө Үү", "zh", [["Өө Үү", SANS]]],
    ["Кожемяко Олег", "ru", [["Кожемяко Олег", SANS]]],
    // Hangul always in the Korean font, even inside Japanese or Chinese text
    ["한", "ko", [["한", KR]]],
    ["한국", "ja", [["한국", KR]]],
    ["김철수", "zh", [["김철수", KR]]],
    // Han by language: simplified forms for Chinese, Japanese forms for Japanese, Korean forms for Korean
    ["汉", "zh", [["汉", SC]]],
    ["漢", "ja", [["漢", JP]]],
    ["漢", "zh", [["漢", SC]]],
    ["漢", "ko", [["漢", KR]]],
    // 汉 is not in the Japanese or Korean font: it falls through to the one that has it
    ["汉", "ja", [["汉", SC]]],
    ["汉", "ko", [["汉", SC]]],
    ["李乐成", "en", [["李乐成", SC]]],
    // kana in the Japanese font
    ["か", "ja", [["か", JP]]],
    ["か", "zh", [["か", JP]]],
    ["鈴木一郎（すずき）", "ja", [["鈴木一郎（すずき）", JP]]],
    // mixed scripts
    ["Ц. Батболд / Ts. BATBOLD", "mn", [["Ц. Батболд / Ts. BATBOLD", SANS]]],
    [
      "李乐成 LI Lecheng",
      "zh",
      [
        ["李乐成 ", SC],
        ["LI Lecheng", SANS],
      ],
    ],
    [
      "김철수 (金哲洙) KIM Cheolsu",
      "ko",
      [
        ["김철수 (金哲洙) ", KR],
        ["KIM Cheolsu", SANS],
      ],
    ],
    [
      "제16차 총회",
      "ko",
      [
        ["제", KR],
        ["16", SANS],
        ["차 총회", KR],
      ],
    ],
    [
      "鈴木 Өлзий 한",
      "ja",
      [
        ["鈴木 ", JP],
        ["Өлзий ", SANS],
        ["한", KR],
      ],
    ],
    ["", "en", []],
  ];
  it.each(cases)("%s (%s)", (text, lang, expected) => {
    expect(textRuns(text, lang).map((r) => [r.text, r.font])).toEqual(expected);
  });

  it("uses the bold faces when asked", () => {
    expect(textRuns("김 Ө 汉", "zh", true).map((r) => r.font)).toEqual(["NotoSansKR-Bold", "NotoSans-Bold", "NotoSansSC-Bold"]);
  });
});

describe("fonts", () => {
  it("come from npm packages (node_modules), not from system font folders", () => {
    for (const key of FONT_KEYS) {
      for (const bold of [false, true])
        expect(fontPath(key, bold)).toMatch(/node_modules\/@expo-google-fonts\/noto-sans(-kr|-sc|-jp)?\/(400Regular|700Bold)\/NotoSans\w*\.ttf$/);
    }
  });
});

describe("drawText", () => {
  it("wraps long text inside its width, at spaces and between CJK characters", () => {
    const text = "Director-General of the Department of International Cooperation, 以及中文的长句子需要换行处理。";
    const layout = layoutText({ text, lang: "zh" }, { width: 120, size: 10, lang: "en", wrap: true });
    expect(layout.lines.length).toBeGreaterThan(3);
    for (const line of layout.lines) expect(line.width * 10).toBeLessThanOrEqual(120.01);
    expect(
      layout.lines
        .map((l) => l.pieces.map((p) => p.text).join(""))
        .join("")
        .replace(/\s/g, ""),
    ).toBe(text.replace(/\s/g, ""));
    expect(layout.height).toBeCloseTo(layout.lines.length * 13);
  });

  it("keeps one line per \\n and ends a line that is too long with an ellipsis", () => {
    const layout = layoutText({ text: "李乐成\nLI Lecheng, Governor of Liaoning Province", lang: "zh" }, { width: 80, size: 10, lang: "en" });
    const lines = layout.lines.map((l) => l.pieces.map((p) => p.text).join(""));
    expect(lines[0]).toBe("李乐成");
    expect(lines[1]).toMatch(/^LI Lecheng.*…$/);
    expect(layout.lines[1].width * 10).toBeLessThanOrEqual(80.01);
  });

  it("limits wrapped text to maxLines with an ellipsis", () => {
    const layout = layoutText("one two three four five six seven eight nine ten eleven twelve", { width: 60, size: 10, lang: "en", wrap: true, maxLines: 2 });
    expect(layout.lines).toHaveLength(2);
    expect(layout.lines[1].pieces.at(-1)!.text).toBe("…");
  });

  it("measures mixed-font text as the sum of its runs", () => {
    expect(widthOfText({ text: "김철수 KIM", lang: "ko" }, 10, "en")).toBeCloseTo(widthOfText("김철수 ", 10, "ko") + widthOfText("KIM", 10, "en"), 5);
  });

  it("draws every script with a real glyph from an embedded font", async () => {
    const doc = createDocument({ lang: "en", title: "Scripts" });
    let y = 50;
    for (const [text, lang] of [
      ["Өлзийбат Үүрийнтуяа", "mn"],
      ["한국 김철수", "ko"],
      ["汉字 李乐成", "zh"],
      ["かな 鈴木一郎", "ja"],
    ] as const) {
      y += drawText(doc, { text, lang }, 50, y, { width: 400, size: 12, lang: "en" });
    }
    const pdf = await toBuffer(doc);
    const text = await extractText(pdf);
    for (const s of ["Өлзийбат Үүрийнтуяа", "한국 김철수", "汉字 李乐成", "かな 鈴木一郎"]) expect(text).toContain(s);
    const glyphs = await drawnGlyphs(pdf);
    const fontOf = (ch: string) => glyphs.find((g) => g.unicode === ch);
    expect(fontOf("Ө")).toMatchObject({ font: SANS, isInFont: true });
    expect(fontOf("Ү")).toMatchObject({ font: SANS, isInFont: true });
    expect(fontOf("한")).toMatchObject({ font: KR, isInFont: true });
    expect(fontOf("汉")).toMatchObject({ font: SC, isInFont: true });
    expect(fontOf("か")).toMatchObject({ font: JP, isInFont: true });
    for (const ch of "ӨҮ한汉か") expect(fontOf(ch)!.code).not.toBe(0);
    expect(await notdefGlyphs(pdf)).toEqual([]);
    expect(
      fontDescriptors(pdf)
        .map((f) => f.name)
        .sort(),
    ).toEqual([SANS, JP, KR, SC].sort());
    expect(fontDescriptors(pdf).every((f) => f.embedded)).toBe(true);
  });

  it("the .notdef check fails when a font without the glyph is used (what pdfkit alone does)", async () => {
    const doc = createDocument({ lang: "mn", title: "Wrong font" });
    // Noto Sans KR has Cyrillic but not Mongolian Ө/Ү: the naive single-font approach
    doc.font(KR).fontSize(12).text("Өлзийбат Үүрийнтуяа", 50, 50, { lineBreak: false });
    const pdf = await toBuffer(doc);
    const missing = [..."Өлзийбат Үүрийнтуяа"].filter((c) => "ӨөҮү".includes(c));
    expect(missing).toEqual(["Ө", "Ү", "ү"]);
    expect(await notdefGlyphs(pdf)).toHaveLength(missing.length);
    expect(await extractText(pdf)).not.toContain("Ө");
  });
});
