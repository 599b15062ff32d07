import sharp from "sharp";
import { describe, expect, it } from "vitest";

import { type BadgeInput, renderBadgesPdf, sheetSlots } from "~/lib/pdf/badges.server";
import { decodeQrFromPng, extractPages, readPng, renderPageToPng } from "../helpers/pdf";

const SCALE = 2;
const base: BadgeInput = {
  nameNative: { text: "Кожемяко Олег", lang: "ru" },
  nameLatin: "KOZHEMYAKO Oleg",
  member: { text: "Приморский край", lang: "ru" },
  country: "Russian Federation",
  role: "Head of delegation",
  category: "Delegate",
  color: "#1d4ed8",
  checkInCode: "RU5T7Y1U3I",
};

/** Pure red pixels (the test photo) inside a box of a rendered page. */
function redPixels(image: { width: number; data: ArrayLike<number> }, box: { x: number; y: number; width: number; height: number }) {
  let n = 0;
  for (let y = Math.round(box.y); y < box.y + box.height; y++) {
    for (let x = Math.round(box.x); x < box.x + box.width; x++) {
      const i = (y * image.width + x) * 4;
      if (image.data[i] > 220 && image.data[i + 1] < 40 && image.data[i + 2] < 40) n++;
    }
  }
  return n;
}

describe("badge photos (issue 18 §1)", () => {
  it("prints a delegate's photo when there is one, beside the names; the QR code still reads and the names stay", async () => {
    const photo = await sharp({ create: { width: 450, height: 600, channels: 3, background: { r: 255, g: 0, b: 0 } } })
      .jpeg()
      .toBuffer();
    const badges = [
      { ...base, photo },
      { ...base, checkInCode: "NOPHOTO123" },
    ];
    const slots = sheetSlots();
    const crop = (i: number) => ({ x: slots[i].x * SCALE, y: slots[i].y * SCALE, width: slots[i].width * SCALE, height: slots[i].height * SCALE });
    const sheet = await renderBadgesPdf({ lang: "en", eventTitle: "Assembly", badges, layout: "sheet" });
    const page = readPng(await renderPageToPng(sheet, 1, SCALE));
    expect(redPixels(page, crop(0))).toBeGreaterThan(1000);
    expect(redPixels(page, crop(1))).toBe(0);
    expect(decodeQrFromPng(page, crop(0))).toBe("RU5T7Y1U3I");
    expect(decodeQrFromPng(page, crop(1))).toBe("NOPHOTO123");
    expect((await extractPages(sheet))[0]).toContain("KOZHEMYAKO Oleg");

    const single = await renderBadgesPdf({ lang: "en", eventTitle: "Assembly", badges, layout: "single" });
    const a6 = readPng(await renderPageToPng(single, 1, SCALE));
    expect(redPixels(a6, { x: 0, y: 0, width: a6.width, height: a6.height / 2 })).toBeGreaterThan(1000);
    expect(decodeQrFromPng(await renderPageToPng(single, 1, SCALE))).toBe("RU5T7Y1U3I");
  });
});
