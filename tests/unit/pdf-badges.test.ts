import { describe, expect, it } from "vitest";

import { type BadgeInput, renderBadgesPdf, sheetSlots, textColorOn } from "~/lib/pdf/badges.server";
import { decodeQrFromPng, extractPages, notdefGlyphs, pageSizes, readPng, renderPageToPng } from "../helpers/pdf";

const people: BadgeInput[] = [
  {
    nameNative: { text: "김철수", lang: "ko" },
    nameLatin: "KIM Cheolsu",
    member: { text: "경기도", lang: "ko" },
    country: "Republic of Korea",
    role: "Head of delegation",
    category: "Delegate",
    color: "#1d4ed8",
    checkInCode: "7K2M9QXD4P",
  },
  {
    nameNative: { text: "李乐成", lang: "zh" },
    nameLatin: "LI Lecheng",
    member: { text: "辽宁省", lang: "zh" },
    country: "China",
    role: "Delegate",
    category: "Delegate",
    color: "#1d4ed8",
    checkInCode: "A1B2C3D4E5",
  },
  {
    nameNative: { text: "Өлзийбат Үүрийнтуяа", lang: "mn" },
    nameLatin: "ULZIIBAT Uuriintuya",
    member: { text: "Өвөрхангай аймаг", lang: "mn" },
    country: "Mongolia",
    role: "Adviser",
    category: "Observer",
    color: "#fde047",
    checkInCode: "MN3K8Q2W7Z",
  },
  {
    nameNative: "John SMITH",
    nameLatin: "John SMITH",
    member: "NEAR Secretariat",
    country: "Republic of Korea",
    role: "Staff",
    category: "Staff",
    color: "#047857",
    checkInCode: "ST4F9R2K1M",
  },
  {
    nameNative: { text: "鈴木かおる", lang: "ja" },
    nameLatin: "SUZUKI Kaoru",
    member: { text: "鳥取県", lang: "ja" },
    country: "Japan",
    role: "Interpreter",
    category: "Press",
    color: "#b91c1c",
    checkInCode: "JP8D2L5N6C",
  },
  {
    nameNative: { text: "Кожемяко Олег", lang: "ru" },
    nameLatin: "KOZHEMYAKO Oleg",
    member: { text: "Приморский край", lang: "ru" },
    country: "Russian Federation",
    role: "Head of delegation",
    category: "Guest",
    color: "#7c3aed",
    checkInCode: "RU5T7Y1U3I",
  },
];
// nine badges: a full sheet of eight and one more
const nine = [...people, ...people.slice(0, 3).map((p, i) => ({ ...p, checkInCode: `NINE${i}XXXXX`.slice(0, 10) }))];
const SCALE = 2; // 144 dpi, well under what a printer or a phone camera sees

describe("renderBadgesPdf", () => {
  it("puts 8 badges on an A4 sheet, each QR code decoding to that badge's check-in code", async () => {
    const pdf = await renderBadgesPdf({ lang: "en", eventTitle: "16th General Assembly of NEAR", badges: nine, layout: "sheet" });
    expect(await pageSizes(pdf)).toEqual([
      { width: 595, height: 842 },
      { width: 595, height: 842 },
    ]);
    const slots = sheetSlots();
    const crop = (i: number) => ({ x: slots[i].x * SCALE, y: slots[i].y * SCALE, width: slots[i].width * SCALE, height: slots[i].height * SCALE });
    const page1 = readPng(await renderPageToPng(pdf, 1, SCALE));
    expect(slots.map((_, i) => decodeQrFromPng(page1, crop(i)))).toEqual(nine.slice(0, 8).map((b) => b.checkInCode));
    const page2 = readPng(await renderPageToPng(pdf, 2, SCALE));
    expect(decodeQrFromPng(page2, crop(0))).toBe(nine[8].checkInCode);
    expect(decodeQrFromPng(page2, crop(1))).toBeNull(); // nothing printed in the empty slots

    const [text1, text2] = await extractPages(pdf);
    for (const s of [
      "김철수",
      "KIM Cheolsu",
      "李乐成",
      "Өлзийбат Үүрийнтуяа",
      "鈴木かおる",
      "Кожемяко Олег",
      "Head of delegation",
      "경기도",
      "Observer",
      "7K2M9QXD4P",
    ])
      expect(text1).toContain(s);
    expect(text2).toContain(nine[8].checkInCode);
    // an English name equal to its Latin form is printed once
    expect(text1.match(/John SMITH/g)).toHaveLength(1);
    expect(await notdefGlyphs(pdf)).toEqual([]);
  });

  it("prints one badge per A6 page in the single layout", async () => {
    const pdf = await renderBadgesPdf({
      lang: "ko",
      eventTitle: { text: "제16차 동북아지역자치단체연합 총회", lang: "ko" },
      badges: people.slice(0, 2),
      layout: "single",
    });
    expect(await pageSizes(pdf)).toEqual([
      { width: 298, height: 420 },
      { width: 298, height: 420 },
    ]);
    expect(decodeQrFromPng(await renderPageToPng(pdf, 1, SCALE))).toBe("7K2M9QXD4P");
    expect(decodeQrFromPng(await renderPageToPng(pdf, 2, SCALE))).toBe("A1B2C3D4E5");
    const pages = await extractPages(pdf);
    expect(pages[0]).toContain("제16차 동북아지역자치단체연합 총회");
    expect(pages[1]).toContain("李乐成");
  });

  it("chooses readable text on the category colour", () => {
    expect(textColorOn("#1d4ed8")).toBe("#ffffff");
    expect(textColorOn("#fde047")).toBe("#111827");
    expect(textColorOn("#fff")).toBe("#111827");
  });
});
