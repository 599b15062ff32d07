import { describe, expect, it } from "vitest";

import { renderPlaceCardsPdf } from "~/lib/pdf/place-cards.server";
import { renderVisaLetterPdf, type VisaLetterPage } from "~/lib/pdf/visa-letter.server";
import { extractPages, fontDescriptors, notdefGlyphs, pageSizes, textItems } from "../helpers/pdf";

describe("renderPlaceCardsPdf", () => {
  it("prints one folded tent card per A4 landscape page, the name in the roster language and the member's own", async () => {
    const pdf = await renderPlaceCardsPdf({
      lang: "en",
      cards: [
        { primary: "Gyeonggi Province", secondary: { text: "경기도", lang: "ko" }, country: "Republic of Korea" },
        { primary: "Töv Province", secondary: { text: "Төв аймаг", lang: "mn" }, country: "Mongolia" },
        { primary: { text: "鳥取県", lang: "ja" }, secondary: { text: "鳥取県", lang: "ja" } },
      ],
    });
    expect(await pageSizes(pdf)).toEqual(Array(3).fill({ width: 842, height: 595 }));
    const pages = await extractPages(pdf);
    // both halves carry the text
    expect(pages[0].match(/Gyeonggi Province/g)).toHaveLength(2);
    expect(pages[0].match(/경기도/g)).toHaveLength(2);
    expect(pages[0]).toContain("Republic of Korea");
    expect(pages[1].match(/Төв аймаг/g)).toHaveLength(2);
    // the same name in both forms is printed once per face
    expect(pages[2].match(/鳥取県/g)).toHaveLength(2);
    // the lower face reads upright, the upper face is turned 180° (pdfjs reports its baseline above the fold)
    const items = (await textItems(pdf)).filter((i) => i.page === 1 && i.text === "Gyeonggi Province");
    expect(items.map((i) => i.y > 595 / 2).sort()).toEqual([false, true]);
    expect(await notdefGlyphs(pdf)).toEqual([]);
  });
});

const english: VisaLetterPage = {
  lang: "en",
  letterhead: {
    name: "Government of the Republic of Buryatia",
    address: "Sukhe-Bator St. 9, Ulan-Ude 670001, Russian Federation",
    contact: "near2027@example.org",
  },
  date: "24 November 2026",
  reference: "No. 01-12/345",
  addressee: ["To the Consular Section", "Embassy of the Russian Federation in the Republic of Korea"],
  subject: "Visa support: 16th General Assembly of NEAR",
  paragraphs: [
    "The Government of the Republic of Buryatia, host of the 16th General Assembly of the Association of North East Asia Regional Governments (NEAR), requests that an entry visa be issued to the member of the delegation named below.",
    "The host covers accommodation and local transport during the meeting.",
  ],
  facts: [
    { label: "Name as in passport", value: "KIM Cheolsu" },
    { label: "Name in native script", value: { text: "김철수", lang: "ko" } },
    { label: "Passport no.", value: "M12345678" },
    { label: "Period of stay", value: "14 – 19 June 2027" },
  ],
  closing: "Yours faithfully,",
  signature: ["Ivan IVANOV", "Minister of Foreign Economic Relations"],
};

const korean: VisaLetterPage = {
  ...english,
  lang: "ko",
  date: "2026년 11월 24일",
  subject: "비자 발급 협조 요청: 제16차 동북아지역자치단체연합 총회",
  paragraphs: ["부랴티아 공화국 정부는 제16차 총회의 주최 기관으로서 아래 대표단원에게 입국 비자를 발급하여 주실 것을 요청드립니다."],
  facts: [
    { label: "여권상 성명", value: "KIM Cheolsu" },
    { label: "성명", value: "김철수" },
  ],
  closing: "감사합니다.",
  signature: ["이반 이바노프", "대외경제관계부 장관"],
};

describe("renderVisaLetterPdf", () => {
  it("writes one A4 letter per page given, in English and in the host's other language", async () => {
    const pdf = await renderVisaLetterPdf({ pages: [english, korean] });
    const pages = await extractPages(pdf);
    expect(await pageSizes(pdf)).toEqual(Array(2).fill({ width: 595, height: 842 }));
    for (const s of [
      "Government of the Republic of Buryatia",
      "24 November 2026",
      "No. 01-12/345",
      "Visa support: 16th General Assembly of NEAR",
      "Name as in passport",
      "KIM Cheolsu",
      "김철수",
      "M12345678",
      "Yours faithfully,",
      "Ivan IVANOV",
    ]) {
      expect(pages[0]).toContain(s);
    }
    for (const s of ["2026년 11월 24일", "비자 발급 협조 요청", "여권상 성명", "김철수", "감사합니다.", "이반 이바노프", "대외경제관계부 장관"])
      expect(pages[1]).toContain(s);
    expect(fontDescriptors(pdf).every((f) => f.embedded)).toBe(true);
    expect(await notdefGlyphs(pdf)).toEqual([]);
  });

  it("continues a long letter on a second page instead of running off the first", async () => {
    const long = { ...english, paragraphs: Array.from({ length: 14 }, (_, i) => `Paragraph ${i + 1}. ${english.paragraphs[0]}`) };
    const pdf = await renderVisaLetterPdf({ pages: [long, korean] });
    const pages = await extractPages(pdf);
    expect(pages).toHaveLength(3);
    expect(pages[1]).toContain("Ivan IVANOV");
    expect(pages[2]).toContain("비자 발급 협조 요청");
    const low = (await textItems(pdf)).filter((i) => i.y > 842 - 20 * (72 / 25.4) + 2);
    expect(low).toEqual([]);
  });
});
