import { createDocument, drawImage, drawLayout, layoutText, logoImage, MM, type TextLayout, type TextOptions, toBuffer } from "./text.server";
import type { PdfLang, PdfLogo, PdfText } from "./types";

export type VisaLetterPage = {
  lang: PdfLang;
  /** SVG logos are skipped (pdfkit cannot draw SVG). */
  letterhead: { name: PdfText; address?: PdfText; contact?: string; logo?: PdfLogo };
  date: string;
  reference?: string;
  /** lines */
  addressee: PdfText[];
  subject: PdfText;
  paragraphs: PdfText[];
  /** name as in passport, nationality, date of birth, passport no., position, period of stay, … */
  facts: { label: string; value: PdfText }[];
  closing: PdfText;
  /** lines */
  signature: PdfText[];
};

const MARGIN_X = 22 * MM;
const MARGIN_TOP = 18 * MM;
const MARGIN_BOTTOM = 20 * MM;
const BODY = 10.5;

/** Visa support letters: one A4 letter (more pages when long) per VisaLetterPage, each in its own language. */
export async function renderVisaLetterPdf(input: { pages: VisaLetterPage[] }): Promise<Buffer> {
  const first = input.pages[0];
  const doc = createDocument({
    lang: first?.lang ?? "en",
    title: first ? plain(first.subject) : "Letter",
    author: first ? plain(first.letterhead.name) : undefined,
  });
  input.pages.forEach((page, i) => {
    if (i > 0) doc.addPage();
    drawLetter(doc, page);
  });
  return toBuffer(doc);
}

function drawLetter(doc: PDFKit.PDFDocument, letter: VisaLetterPage) {
  const { lang } = letter;
  const left = MARGIN_X;
  const width = doc.page.width - 2 * MARGIN_X;
  const bottom = doc.page.height - MARGIN_BOTTOM;
  let y = MARGIN_TOP;
  const layout = (t: PdfText, opts: Omit<TextOptions, "lang"> & { lang?: PdfLang }) => layoutText(t, { doc, lang, wrap: true, ...opts });
  const ensure = (height: number) => {
    if (y + height > bottom) {
      doc.addPage();
      y = MARGIN_TOP;
    }
  };
  /** Draw line by line, so a long paragraph continues on the next page. */
  const flow = (l: TextLayout, x = left, w = width, color?: string) => {
    for (const line of l.lines) {
      ensure(l.lineHeight);
      drawLayout(doc, { ...l, lines: [line], height: l.lineHeight }, x, y, { width: w, color });
      y += l.lineHeight;
    }
  };

  // letterhead
  const logo = logoImage(doc, letter.letterhead.logo);
  const logoSize = logo ? 18 * MM : 0;
  const textX = left + (logo ? logoSize + 4 * MM : 0);
  const textWidth = width - (textX - left);
  drawImage(doc, logo, left, y, [logoSize, logoSize]);
  let ly = y;
  ly += drawLayout(doc, layout(bold(letter.letterhead.name), { width: textWidth, size: 13, maxLines: 2 }), textX, ly, { width: textWidth, color: "#1e3a8a" });
  if (letter.letterhead.address)
    ly += drawLayout(doc, layout(letter.letterhead.address, { width: textWidth, size: 8.5, maxLines: 4 }), textX, ly, { width: textWidth, color: "#4b5563" });
  if (letter.letterhead.contact)
    ly += drawLayout(doc, layout(letter.letterhead.contact, { width: textWidth, size: 8.5, maxLines: 2 }), textX, ly, { width: textWidth, color: "#4b5563" });
  y = Math.max(y + logoSize, ly) + 3 * MM;
  doc
    .moveTo(left, y)
    .lineTo(left + width, y)
    .lineWidth(0.8)
    .strokeColor("#1e3a8a")
    .stroke();
  y += 6 * MM;

  // reference on the left, date on the right
  const dateLayout = layout(letter.date, { width: width / 2, size: BODY, wrap: false });
  drawLayout(doc, dateLayout, left + width / 2, y, { width: width / 2, align: "right" });
  if (letter.reference) drawLayout(doc, layout(letter.reference, { width: width / 2, size: BODY, wrap: false }), left, y, { width: width / 2 });
  y += dateLayout.height + 6 * MM;

  for (const line of letter.addressee) flow(layout(line, { width, size: BODY }));
  y += 6 * MM;

  flow(layout(bold(letter.subject), { width, size: 11.5 }));
  y += 4 * MM;

  for (const paragraph of letter.paragraphs) {
    flow(layout(paragraph, { width, size: BODY, lineHeight: 1.45 }));
    y += 3 * MM;
  }

  // facts: label | value, each row kept together
  if (letter.facts.length) {
    y += 1 * MM;
    const labelWidth = width * 0.36;
    const valueWidth = width - labelWidth - 4 * MM;
    for (const fact of letter.facts) {
      const label = layout(bold(fact.label), { width: labelWidth, size: 9.5 });
      const value = layout(fact.value, { width: valueWidth, size: BODY });
      const rowHeight = Math.max(label.height, value.height) + 2.4 * MM;
      ensure(rowHeight);
      drawLayout(doc, label, left, y + 1.2 * MM, { width: labelWidth, color: "#374151" });
      drawLayout(doc, value, left + labelWidth + 4 * MM, y + 1.2 * MM, { width: valueWidth });
      y += rowHeight;
      doc
        .moveTo(left, y)
        .lineTo(left + width, y)
        .lineWidth(0.3)
        .strokeColor("#d1d5db")
        .stroke();
    }
    y += 6 * MM;
  }

  flow(layout(letter.closing, { width, size: BODY }));
  // room for the signature and seal, kept with the signatory's lines
  const signature = letter.signature.map((line) => layout(line, { width, size: BODY }));
  const signatureHeight = 18 * MM + signature.reduce((sum, l) => sum + l.height, 0);
  ensure(signatureHeight);
  y += 18 * MM;
  for (const l of signature) y += drawLayout(doc, l, left, y, { width });
}

function bold(t: PdfText): PdfText {
  return typeof t === "string" ? { text: t, bold: true } : { ...t, bold: true };
}

function plain(t: PdfText): string {
  return typeof t === "string" ? t : t.text;
}
