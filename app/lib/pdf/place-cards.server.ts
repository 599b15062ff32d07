import { createDocument, drawLayout, fitSize, layoutText, MM, toBuffer } from "./text.server";
import type { PdfLang, PdfText } from "./types";

export type PlaceCardInput = {
  /** member name in the roster language */
  primary: PdfText;
  /** the member's own-language name */
  secondary: PdfText;
  country?: string;
};

/**
 * Table tent cards: A4 landscape, one card per page, folded along the middle. The lower half reads upright; the
 * upper half carries the same text turned 180°, so that once folded both faces read upright across the table.
 */
export async function renderPlaceCardsPdf(input: { lang: PdfLang; cards: PlaceCardInput[] }): Promise<Buffer> {
  const { lang } = input;
  const doc = createDocument({ size: "A4", layout: "landscape", lang, title: "Place cards", margin: 0 });
  const width = doc.page.width;
  const height = doc.page.height;
  const half = height / 2;
  input.cards.forEach((card, i) => {
    if (i > 0) doc.addPage();
    // fold line
    doc
      .moveTo(10 * MM, half)
      .lineTo(width - 10 * MM, half)
      .dash(3, { space: 3 })
      .lineWidth(0.5)
      .strokeColor("#9ca3af")
      .stroke()
      .undash();
    drawFace(doc, card, lang, { x: 0, y: half, width, height: half });
    doc.save();
    doc.rotate(180, { origin: [width / 2, half / 2] });
    drawFace(doc, card, lang, { x: 0, y: 0, width, height: half });
    doc.restore();
  });
  return toBuffer(doc);
}

function drawFace(doc: PDFKit.PDFDocument, card: PlaceCardInput, lang: PdfLang, box: { x: number; y: number; width: number; height: number }) {
  const pad = 18 * MM;
  const width = box.width - 2 * pad;
  const primary = typeof card.primary === "string" ? { text: card.primary, bold: true } : { ...card.primary, bold: true };
  const primarySize = fitSize(primary, { width, max: 54, min: 22, lang, maxLines: 2 });
  const blocks = [{ layout: layoutText(primary, { doc, width, size: primarySize, lang, wrap: true, maxLines: 2, lineHeight: 1.15 }), color: "#111827" }];
  const samePrimary = plain(card.secondary).trim() === plain(card.primary).trim();
  if (!samePrimary && plain(card.secondary).trim()) {
    const secondarySize = fitSize(card.secondary, { width, max: Math.min(32, primarySize * 0.6), min: 14, lang, maxLines: 2 });
    blocks.push({ layout: layoutText(card.secondary, { doc, width, size: secondarySize, lang, wrap: true, maxLines: 2, lineHeight: 1.2 }), color: "#374151" });
  }
  if (card.country) blocks.push({ layout: layoutText(card.country, { doc, width, size: 14, lang }), color: "#6b7280" });
  const gap = 4 * MM;
  const total = blocks.reduce((sum, b) => sum + b.layout.height, 0) + gap * (blocks.length - 1);
  let y = box.y + (box.height - total) / 2;
  for (const block of blocks) {
    y += drawLayout(doc, block.layout, box.x + pad, y, { width, align: "center", color: block.color }) + gap;
  }
}

function plain(t: PdfText): string {
  return typeof t === "string" ? t : t.text;
}
