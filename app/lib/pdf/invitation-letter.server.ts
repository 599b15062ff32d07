import { createDocument, drawImage, drawLayout, layoutText, logoImage, MM, type TextLayout, toBuffer } from "./text.server";
import type { PdfLang, PdfLogo } from "./types";

/** One language's letter on the secretariat's letterhead: plain data, stored with the message and rendered when sent. */
export type InvitationLetterPage = {
  lang: PdfLang;
  letterhead: { name: string; address?: string; contact?: string };
  date: string;
  /** lines: the member, its office */
  addressee: string[];
  subject: string;
  paragraphs: string[];
};

export type InvitationLetterPdfInput = {
  pages: InvitationLetterPage[];
  /** when the letter was written (the message queued): the PDF's creation date, so a retry makes the same file */
  createdAt: string;
  logo?: PdfLogo;
};

const MARGIN_X = 22 * MM;
const MARGIN_TOP = 18 * MM;
const MARGIN_BOTTOM = 20 * MM;
const BODY = 10.5;

/** The invitation letter (issue 18 §8): one letter per language, each starting on a new page. */
export async function renderInvitationLetterPdf(input: InvitationLetterPdfInput): Promise<Buffer> {
  const first = input.pages[0];
  const doc = createDocument({
    lang: first?.lang ?? "en",
    title: first?.subject ?? "Letter",
    author: first?.letterhead.name,
    createdAt: new Date(input.createdAt),
  });
  input.pages.forEach((page, i) => {
    if (i > 0) doc.addPage();
    drawPage(doc, page, input.logo);
  });
  return toBuffer(doc);
}

function drawPage(doc: PDFKit.PDFDocument, page: InvitationLetterPage, logoData: PdfLogo | undefined) {
  const { lang } = page;
  const left = MARGIN_X;
  const width = doc.page.width - 2 * MARGIN_X;
  const bottom = doc.page.height - MARGIN_BOTTOM;
  let y = MARGIN_TOP;
  const layout = (text: string, opts: { width: number; size: number; bold?: boolean; maxLines?: number; lineHeight?: number; wrap?: boolean }) =>
    layoutText(
      { text, lang, bold: opts.bold },
      { doc, lang, wrap: opts.wrap ?? true, width: opts.width, size: opts.size, maxLines: opts.maxLines, lineHeight: opts.lineHeight },
    );
  const flow = (l: TextLayout) => {
    for (const line of l.lines) {
      if (y + l.lineHeight > bottom) {
        doc.addPage();
        y = MARGIN_TOP;
      }
      drawLayout(doc, { ...l, lines: [line], height: l.lineHeight }, left, y, { width });
      y += l.lineHeight;
    }
  };

  const logo = logoImage(doc, logoData);
  const logoSize = logo ? 18 * MM : 0;
  const textX = left + (logo ? logoSize + 4 * MM : 0);
  const textWidth = width - (textX - left);
  drawImage(doc, logo, left, y, [logoSize, logoSize]);
  let ly = y;
  ly += drawLayout(doc, layout(page.letterhead.name, { width: textWidth, size: 13, bold: true, maxLines: 2 }), textX, ly, {
    width: textWidth,
    color: "#1e3a8a",
  });
  for (const line of [page.letterhead.address, page.letterhead.contact]) {
    if (line) ly += drawLayout(doc, layout(line, { width: textWidth, size: 8.5, maxLines: 4 }), textX, ly, { width: textWidth, color: "#4b5563" });
  }
  y = Math.max(y + logoSize, ly) + 3 * MM;
  doc
    .moveTo(left, y)
    .lineTo(left + width, y)
    .lineWidth(0.8)
    .strokeColor("#1e3a8a")
    .stroke();
  y += 6 * MM;

  const date = layout(page.date, { width, size: BODY, wrap: false });
  drawLayout(doc, date, left, y, { width, align: "right" });
  y += date.height + 4 * MM;
  for (const line of page.addressee) flow(layout(line, { width, size: BODY }));
  y += 6 * MM;
  flow(layout(page.subject, { width, size: 11.5, bold: true }));
  y += 4 * MM;
  for (const paragraph of page.paragraphs) {
    // the letter's own line breaks inside a paragraph ("Dates: …" / "Venue: …") are kept
    for (const line of paragraph.split("\n")) flow(layout(line, { width, size: BODY, lineHeight: 1.45 }));
    y += 3 * MM;
  }
}
