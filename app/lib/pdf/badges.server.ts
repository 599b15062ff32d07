import { drawQrCode } from "./qr.server";
import type { RosterPdfInput } from "./roster.server";
import { createDocument, drawImage, drawLayout, drawText, fitSize, layoutText, logoImage, MM, type TextLayout, toBuffer } from "./text.server";
import type { PdfLang, PdfText } from "./types";

export type BadgeInput = {
  /** e.g. { text: "김철수", lang: "ko" } (may equal the Latin name for en) */
  nameNative: PdfText;
  /** "KIM Cheolsu" */
  nameLatin: string;
  /** member name in the badge language */
  member: PdfText;
  /** country name in the badge language */
  country: string;
  /** translated role ("Head of delegation") */
  role: string;
  /** translated category ("Delegate", "Observer", "Press", "Guest", "Staff") */
  category: string;
  /** category colour "#1d4ed8": a band at the bottom with the category text */
  color: string;
  /** e.g. "7K2M9QXD4P": goes into the QR code and is printed in small text under it */
  checkInCode: string;
  /** the delegate's photo (JPEG, 3:4), when their delegation uploaded one */
  photo?: Buffer;
};

export type BadgesPdfInput = {
  lang: PdfLang;
  eventTitle: PdfText;
  badges: BadgeInput[];
  /** sheet: A4 portrait, 8 badges per page (2 × 4, 90 × 60 mm, light cut marks); single: one badge per A6 page */
  layout: "sheet" | "single";
  letterhead?: RosterPdfInput["letterhead"];
};

export const BADGE_WIDTH = 90 * MM;
export const BADGE_HEIGHT = 60 * MM;
export const SHEET_COLUMNS = 2;
export const SHEET_ROWS = 4;
const PER_SHEET = SHEET_COLUMNS * SHEET_ROWS;

/** Where each badge of an A4 sheet sits (points from the top-left corner), in filling order: row by row. */
export function sheetSlots(pageWidth = 595.28, pageHeight = 841.89): { x: number; y: number; width: number; height: number }[] {
  const left = (pageWidth - SHEET_COLUMNS * BADGE_WIDTH) / 2;
  const top = (pageHeight - SHEET_ROWS * BADGE_HEIGHT) / 2;
  const slots = [];
  for (let row = 0; row < SHEET_ROWS; row++) {
    for (let col = 0; col < SHEET_COLUMNS; col++) {
      slots.push({ x: left + col * BADGE_WIDTH, y: top + row * BADGE_HEIGHT, width: BADGE_WIDTH, height: BADGE_HEIGHT });
    }
  }
  return slots;
}

/** Name badges with a QR code that carries the check-in code (never the RSVP token). */
export async function renderBadgesPdf(input: BadgesPdfInput): Promise<Buffer> {
  const single = input.layout === "single";
  const doc = createDocument({ size: single ? "A6" : "A4", lang: input.lang, title: plainText(input.eventTitle), margin: 0 });
  const logo = logoImage(doc, input.letterhead?.logo);
  if (input.badges.length === 0) return toBuffer(doc);

  if (single) {
    input.badges.forEach((badge, i) => {
      if (i > 0) doc.addPage();
      drawPortraitBadge(doc, input, badge, logo, { x: 0, y: 0, width: doc.page.width, height: doc.page.height });
    });
  } else {
    const slots = sheetSlots(doc.page.width, doc.page.height);
    input.badges.forEach((badge, i) => {
      if (i > 0 && i % PER_SHEET === 0) doc.addPage();
      if (i % PER_SHEET === 0) drawCutMarks(doc, slots);
      drawLandscapeBadge(doc, input, badge, logo, slots[i % PER_SHEET]);
    });
  }
  return toBuffer(doc);
}

type Box = { x: number; y: number; width: number; height: number };

/** Short light marks in the page margin along every cutting line (the badges touch, one cut separates two). */
function drawCutMarks(doc: PDFKit.PDFDocument, slots: Box[]) {
  const left = slots[0].x;
  const top = slots[0].y;
  const right = left + SHEET_COLUMNS * BADGE_WIDTH;
  const bottom = top + SHEET_ROWS * BADGE_HEIGHT;
  const gap = 2 * MM;
  const length = 5 * MM;
  for (let col = 0; col <= SHEET_COLUMNS; col++) {
    const x = left + col * BADGE_WIDTH;
    doc.moveTo(x, top - gap - length).lineTo(x, top - gap);
    doc.moveTo(x, bottom + gap).lineTo(x, bottom + gap + length);
  }
  for (let row = 0; row <= SHEET_ROWS; row++) {
    const y = top + row * BADGE_HEIGHT;
    doc.moveTo(left - gap - length, y).lineTo(left - gap, y);
    doc.moveTo(right + gap, y).lineTo(right + gap + length, y);
  }
  doc.lineWidth(0.4).strokeColor("#9ca3af").stroke();
}

/** 90 × 60 mm: event and names on the left, the QR code on the right, the category band at the bottom. */
function drawLandscapeBadge(doc: PDFKit.PDFDocument, input: BadgesPdfInput, badge: BadgeInput, logo: unknown, box: Box) {
  const { lang } = input;
  const pad = 4 * MM;
  const bandHeight = 10 * MM;
  const qr = 24 * MM;
  const inner = box.width - 2 * pad;
  let y = box.y + pad;

  // header: logo and event title
  const logoSize = logo ? 7 * MM : 0;
  drawImage(doc, logo, box.x + pad, y, [logoSize, logoSize]);
  const titleX = box.x + pad + (logo ? logoSize + 2 * MM : 0);
  const titleHeight = drawText(doc, input.eventTitle, titleX, y, {
    width: box.x + box.width - pad - titleX,
    size: 6.5,
    lang,
    wrap: true,
    maxLines: 2,
    color: "#4b5563",
    lineHeight: 1.2,
  });
  y += Math.max(logoSize, titleHeight) + 1.5 * MM;

  // names and affiliation on the left, the QR code and its code on the right; the block centred above the band
  const bandTop = box.y + box.height - bandHeight;
  const photo = logoImage(doc, badge.photo ? { data: badge.photo, type: "image/jpeg" } : undefined);
  const photoWidth = photo ? 15 * MM : 0;
  const textWidth = inner - qr - (photo ? photoWidth + 2 * MM : 0);
  const x = box.x + pad + (photo ? photoWidth + 2 * MM : 0);
  const native = bold(withDefaultLang(badge.nameNative, lang));
  const nativeSize = fitSize(native, { width: textWidth, max: 18, min: 9, lang });
  const lines: { layout: TextLayout; color?: string; gapBefore?: number }[] = [
    { layout: layoutText(native, { doc, width: textWidth, size: nativeSize, lang, lineHeight: 1.2 }) },
  ];
  if (plainText(native).trim() !== badge.nameLatin.trim()) {
    lines.push({ layout: layoutText(badge.nameLatin, { doc, width: textWidth, size: 10, lang: "en", lineHeight: 1.2 }) });
  }
  lines.push({
    layout: layoutText({ text: badge.role, bold: true }, { doc, width: textWidth, size: 8, lang, lineHeight: 1.25 }),
    color: "#111827",
    gapBefore: 1.5 * MM,
  });
  lines.push({ layout: layoutText(withDefaultLang(badge.member, lang), { doc, width: textWidth, size: 8, lang, wrap: true, maxLines: 2, lineHeight: 1.25 }) });
  lines.push({ layout: layoutText(badge.country, { doc, width: textWidth, size: 7.5, lang, lineHeight: 1.25 }), color: "#4b5563" });
  const textHeight = lines.reduce((sum, line) => sum + (line.gapBefore ?? 0) + line.layout.height, 0);
  const qrBlock = qr + 6; // the code under the QR code overlaps the quiet zone
  const blockHeight = Math.max(textHeight, qrBlock - 3 * MM);
  const top = y + Math.max(0, (bandTop - 1 * MM - y - blockHeight) / 2);

  const qrX = box.x + box.width - pad - qr + 1.5 * MM; // the quiet zone may reach into the padding
  const qrY = top - 1.5 * MM;
  drawQrCode(doc, badge.checkInCode, qrX, qrY, qr);
  drawText(doc, badge.checkInCode, qrX, qrY + qr - 1.2 * MM, { width: qr, size: 6, lang: "en", align: "center", color: "#374151" });

  if (photo) drawImage(doc, photo, box.x + pad, top + Math.max(0, (blockHeight - (photoWidth * 4) / 3) / 2), [photoWidth, (photoWidth * 4) / 3]);
  let ty = top + Math.max(0, (blockHeight - textHeight) / 2);
  for (const line of lines) {
    ty += line.gapBefore ?? 0;
    ty += drawLayout(doc, line.layout, x, ty, { width: textWidth, color: line.color });
  }

  drawBand(doc, badge, lang, { x: box.x, y: bandTop, width: box.width, height: bandHeight }, 11);
}

/** A6 portrait, one badge per page (for a badge printer or a lanyard pouch). */
function drawPortraitBadge(doc: PDFKit.PDFDocument, input: BadgesPdfInput, badge: BadgeInput, logo: unknown, box: Box) {
  const { lang } = input;
  const pad = 8 * MM;
  const inner = box.width - 2 * pad;
  const bandHeight = 18 * MM;
  const qr = 34 * MM;
  let y = box.y + pad;
  const logoSize = logo ? 11 * MM : 0;
  drawImage(doc, logo, box.x + pad, y, [logoSize, logoSize]);
  const titleX = box.x + pad + (logo ? logoSize + 3 * MM : 0);
  const titleHeight = drawText(doc, input.eventTitle, titleX, y, {
    width: box.x + box.width - pad - titleX,
    size: 8.5,
    lang,
    wrap: true,
    maxLines: 3,
    color: "#4b5563",
    lineHeight: 1.2,
  });
  y += Math.max(logoSize, titleHeight) + 8 * MM;
  const photo = logoImage(doc, badge.photo ? { data: badge.photo, type: "image/jpeg" } : undefined);
  if (photo) {
    y -= 4 * MM;
    drawImage(doc, photo, box.x + (box.width - 18 * MM) / 2, y, [18 * MM, 24 * MM]);
    y += 24 * MM + 2 * MM;
  }

  const x = box.x + pad;
  const native = withDefaultLang(badge.nameNative, lang);
  const nativeSize = fitSize(bold(native), { width: inner, max: 30, min: 12, lang });
  y += drawText(doc, bold(native), x, y, { width: inner, size: nativeSize, lang, align: "center", lineHeight: 1.2 });
  if (plainText(native).trim() !== badge.nameLatin.trim()) {
    y += drawText(doc, badge.nameLatin, x, y, { width: inner, size: 14, lang: "en", align: "center", lineHeight: 1.25 });
  }
  y += 3 * MM;
  y += drawText(doc, { text: badge.role, bold: true }, x, y, { width: inner, size: 10.5, lang, align: "center", lineHeight: 1.25 });
  y += drawText(doc, withDefaultLang(badge.member, lang), x, y, { width: inner, size: 10.5, lang, align: "center", wrap: true, maxLines: 2, lineHeight: 1.25 });
  drawText(doc, badge.country, x, y, { width: inner, size: 9.5, lang, align: "center", color: "#4b5563", lineHeight: 1.25 });

  const bandTop = box.y + box.height - bandHeight;
  const qrY = bandTop - 4 * MM - 8 - qr;
  drawQrCode(doc, badge.checkInCode, box.x + (box.width - qr) / 2, qrY, qr);
  drawText(doc, badge.checkInCode, x, qrY + qr - 1 * MM, { width: inner, size: 8, lang: "en", align: "center", color: "#374151" });
  drawBand(doc, badge, lang, { x: box.x, y: bandTop, width: box.width, height: bandHeight }, 18);
}

function drawBand(doc: PDFKit.PDFDocument, badge: BadgeInput, lang: PdfLang, band: Box, size: number) {
  const color = validColor(badge.color);
  doc.rect(band.x, band.y, band.width, band.height).fill(color);
  const text = { text: badge.category, bold: true };
  const fitted = fitSize(text, { width: band.width - 6 * MM, max: size, min: size * 0.6, lang });
  drawText(doc, text, band.x + 3 * MM, band.y + (band.height - fitted * 1.3) / 2, {
    width: band.width - 6 * MM,
    size: fitted,
    lang,
    align: "center",
    color: textColorOn(color),
  });
}

function validColor(color: string): string {
  return /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(color) ? color : "#4b5563";
}

/** White on dark colours, near-black on light ones (WCAG relative luminance). */
export function textColorOn(hex: string): string {
  const full = hex.length === 4 ? `#${hex[1]}${hex[1]}${hex[2]}${hex[2]}${hex[3]}${hex[3]}` : hex;
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.179 ? "#111827" : "#ffffff";
}

function bold(t: PdfText): PdfText {
  return typeof t === "string" ? { text: t, bold: true } : { ...t, bold: true };
}

function withDefaultLang(t: PdfText, lang: PdfLang): PdfText {
  return typeof t === "string" ? { text: t, lang } : { ...t, lang: t.lang ?? lang };
}

function plainText(t: PdfText): string {
  return typeof t === "string" ? t : t.text;
}
