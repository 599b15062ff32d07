import { createDocument, drawImage, drawLayout, drawText, layoutText, logoImage, MM, type TextLayout, toBuffer } from "./text.server";
import type { PdfLang, PdfLogo, PdfText } from "./types";

export type RosterPdfInput = {
  /** Language of headings and labels (all labels arrive translated). */
  lang: PdfLang;
  /** e.g. "List of Participants" */
  title: string;
  /** event title · dates · venue */
  subtitle: PdfText;
  /** e.g. "Final list — 24 November 2026, 14:05" or "Provisional …" */
  stamp: string;
  /** Drawn at the top of every page. SVG logos are skipped (pdfkit cannot draw SVG). */
  letterhead?: { name: PdfText; logo?: PdfLogo };
  /** Relative widths. */
  columns: { key: string; label: string; width: number }[];
  /** country → member → rows. A cell may hold "\n" (e.g. native name over Latin name). */
  sections: { heading: PdfText; groups: { heading: PdfText; rows: Record<string, PdfText>[] }[] }[];
  /** "Page {page} of {pages}": the footer of every page, "{page}" and "{pages}" filled in (plain data, so a worker thread can take it) */
  pageLabel: string;
  emptyLabel: string;
  /** Optional, e.g. "(continued)": when a group runs over a page, its country and member are repeated with it. */
  continuedLabel?: string;
};

const PAGE_MARGIN = 15 * MM;
const BODY = 8; // pt
const CELL_PAD_X = 3;
const CELL_PAD_Y = 2.5;
const MAX_CELL_LINES = 6;
const GREY = "#4b5563";
const RULE = "#d1d5db";

/**
 * The List of Participants as an A4 PDF: a header on every page (letterhead, title, subtitle, stamp, column labels),
 * "Page n of N" in every footer, countries and members never left alone at the foot of a page, rows never split.
 */
export async function renderRosterPdf(input: RosterPdfInput): Promise<Buffer> {
  const { lang } = input;
  // No bufferPages: holding every page until the end (to write "of N") costs more in garbage collection than
  // walking the list twice, once to count the pages and once to draw them (the measurements are cached).
  const doc = createDocument({ lang, title: `${input.title}` });
  const page = { width: doc.page.width, height: doc.page.height };
  const left = PAGE_MARGIN;
  const contentWidth = page.width - 2 * PAGE_MARGIN;
  const footerTop = page.height - PAGE_MARGIN - 10;
  const bottom = footerTop - 6; // body content ends here

  // columns: relative widths → points
  const totalWeight = input.columns.reduce((sum, c) => sum + Math.max(c.width, 0), 0) || 1;
  let cx = left;
  const columns = input.columns.map((c) => {
    const width = (Math.max(c.width, 0) / totalWeight) * contentWidth;
    const column = { key: c.key, label: c.label, x: cx, width };
    cx += width;
    return column;
  });

  // the header is the same on every page: lay it out once
  const logo = logoImage(doc, input.letterhead?.logo);
  const letterheadLayout = input.letterhead
    ? layoutText(input.letterhead.name, { doc, width: contentWidth - (logo ? 30 : 0), size: 9, lang, wrap: true, maxLines: 2 })
    : null;
  const letterheadHeight = letterheadLayout ? Math.max(letterheadLayout.height, logo ? 24 : 0) + 4 : 0;
  const titleLayout = layoutText({ text: input.title, bold: true }, { doc, width: contentWidth, size: 15, lang, wrap: true, maxLines: 2 });
  const subtitleLayout = layoutText(input.subtitle, { doc, width: contentWidth, size: 9.5, lang, wrap: true, maxLines: 3 });
  const stampLayout = layoutText({ text: input.stamp, bold: true }, { doc, width: contentWidth, size: 8.5, lang });
  const labelLayouts = columns.map((c) =>
    layoutText({ text: c.label, bold: true }, { doc, width: c.width - 2 * CELL_PAD_X, size: 7.5, lang, wrap: true, maxLines: 3 }),
  );
  const labelRowHeight = Math.max(...labelLayouts.map((l) => l.height), 0) + 2 * CELL_PAD_Y;
  const labelsTop = PAGE_MARGIN + letterheadHeight + titleLayout.height + subtitleLayout.height + stampLayout.height + 6;
  const bodyTop = labelsTop + labelRowHeight + 4;

  const drawHeader = () => {
    let y = PAGE_MARGIN;
    if (letterheadLayout) {
      drawImage(doc, logo, left, y, [24, 24]);
      drawLayout(doc, letterheadLayout, left + (logo ? 30 : 0), y + (logo ? Math.max(0, (24 - letterheadLayout.height) / 2) : 0), {
        width: contentWidth,
        color: GREY,
      });
      y += letterheadHeight;
    }
    y += drawLayout(doc, titleLayout, left, y, { width: contentWidth });
    y += drawLayout(doc, subtitleLayout, left, y, { width: contentWidth, color: "#111827" });
    drawLayout(doc, stampLayout, left, y, { width: contentWidth, color: "#9a3412" });
    doc.rect(left, labelsTop, contentWidth, labelRowHeight).fill("#e5e7eb");
    columns.forEach((c, i) =>
      drawLayout(doc, labelLayouts[i], c.x + CELL_PAD_X, labelsTop + CELL_PAD_Y, { width: c.width - 2 * CELL_PAD_X, color: "#111827" }),
    );
    doc
      .moveTo(left, labelsTop + labelRowHeight)
      .lineTo(left + contentWidth, labelsTop + labelRowHeight)
      .lineWidth(0.6)
      .strokeColor("#6b7280")
      .stroke();
  };
  const drawFooter = (n: number, total: number) => {
    doc
      .moveTo(left, footerTop - 3)
      .lineTo(left + contentWidth, footerTop - 3)
      .lineWidth(0.4)
      .strokeColor(RULE)
      .stroke();
    drawText(doc, input.stamp, left, footerTop, { width: contentWidth / 2, size: 7.5, lang, color: GREY });
    drawText(doc, input.pageLabel.replaceAll("{page}", String(n)).replaceAll("{pages}", String(total)), left + contentWidth / 2, footerTop, {
      width: contentWidth / 2,
      size: 7.5,
      lang,
      color: GREY,
      align: "right",
    });
  };

  const sectionLayout = (t: PdfText) => layoutText(boldText(t), { doc, width: contentWidth, size: 11, lang, wrap: true, maxLines: 2 });
  const groupLayout = (t: PdfText) => layoutText(boldText(t), { doc, width: contentWidth - 4, size: 9, lang, wrap: true, maxLines: 2 });
  const SECTION_GAP = 8;
  const GROUP_GAP = 4;
  const layoutRow = (row: Record<string, PdfText>) => {
    const cells = columns.map((c) => {
      const value = row[c.key];
      return value === undefined || value === ""
        ? null
        : layoutText(value, { doc, width: c.width - 2 * CELL_PAD_X, size: BODY, lang, wrap: true, maxLines: MAX_CELL_LINES });
    });
    const height = Math.max(BODY * 1.3, ...cells.map((l) => l?.height ?? 0)) + 2 * CELL_PAD_Y;
    return { cells, height };
  };

  /** Lays the list out page by page; draws only when `draw`. Returns the number of pages. */
  const walk = (draw: boolean, total: number): number => {
    let pageNumber = 1;
    let y = bodyTop;
    // the thin rules under rows are collected and stroked as one path per page
    let rules: number[] = [];
    const flushRules = () => {
      if (!rules.length) return;
      for (const ry of rules) doc.moveTo(left, ry).lineTo(left + contentWidth, ry);
      doc.lineWidth(0.3).strokeColor(RULE).stroke();
      rules = [];
    };
    const startPage = () => {
      if (!draw) return;
      drawHeader();
      drawFooter(pageNumber, total);
    };
    const newPage = () => {
      pageNumber++;
      y = bodyTop;
      if (!draw) return;
      flushRules();
      doc.addPage();
      startPage();
    };
    const drawSection = (layout: TextLayout) => {
      y += SECTION_GAP;
      if (draw) drawLayout(doc, layout, left, y, { width: contentWidth, color: "#1e3a8a" });
      y += layout.height;
      if (draw)
        doc
          .moveTo(left, y)
          .lineTo(left + contentWidth, y)
          .lineWidth(0.8)
          .strokeColor("#1e3a8a")
          .stroke();
      y += 2;
    };
    const drawGroup = (layout: TextLayout) => {
      y += GROUP_GAP;
      if (draw) {
        doc.rect(left, y, contentWidth, layout.height + 2).fill("#f3f4f6");
        drawLayout(doc, layout, left + 2, y + 1, { width: contentWidth - 4, color: "#111827" });
      }
      y += layout.height + 2;
    };
    const drawRow = (row: { cells: (TextLayout | null)[]; height: number }) => {
      if (draw) {
        doc.fillColor("#000000");
        row.cells.forEach((cell, i) => {
          if (cell) drawLayout(doc, cell, columns[i].x + CELL_PAD_X, y + CELL_PAD_Y, { width: columns[i].width - 2 * CELL_PAD_X, color: null });
        });
      }
      y += row.height;
      if (draw) rules.push(y);
    };

    startPage();
    let rowsDrawn = 0;
    for (const section of input.sections) {
      const sectionHead = sectionLayout(section.heading);
      const sectionHeight = SECTION_GAP + sectionHead.height + 2;
      let first = true;
      if (section.groups.length === 0) {
        if (y + sectionHeight > bottom) newPage();
        drawSection(sectionHead);
        continue;
      }
      for (const group of section.groups) {
        const groupHead = groupLayout(group.heading);
        const groupHeight = GROUP_GAP + groupHead.height + 2;
        let rowIndex = 0;
        for (const data of group.rows) {
          const row = layoutRow(data);
          if (rowIndex === 0) {
            // keep the country and member headings with the first row
            if (y + (first ? sectionHeight : 0) + groupHeight + row.height > bottom) newPage();
            if (first) drawSection(sectionHead);
            first = false;
            drawGroup(groupHead);
          } else if (y + row.height > bottom) {
            newPage();
            if (input.continuedLabel) {
              const context = layoutText(
                { text: `${plain(section.heading)} · ${plain(group.heading)} ${input.continuedLabel}`, lang: langOf(group.heading) ?? lang },
                { doc, width: contentWidth, size: 8, lang },
              );
              if (draw) drawLayout(doc, context, left, y, { width: contentWidth, color: GREY });
              y += context.height + 1;
            }
          }
          drawRow(row);
          rowIndex++;
          rowsDrawn++;
        }
        if (rowIndex === 0) {
          // a member without rows: its heading alone
          if (y + (first ? sectionHeight : 0) + groupHeight > bottom) newPage();
          if (first) drawSection(sectionHead);
          first = false;
          drawGroup(groupHead);
        }
      }
    }
    if (draw) flushRules();
    if (rowsDrawn === 0 && draw) {
      drawText(doc, input.emptyLabel, left, y + 12, { width: contentWidth, size: 10, lang, color: GREY, align: "center" });
    }
    return pageNumber;
  };

  walk(true, walk(false, 0));
  return toBuffer(doc);
}

function boldText(t: PdfText): PdfText {
  return typeof t === "string" ? { text: t, bold: true } : { ...t, bold: true };
}

function plain(t: PdfText): string {
  return typeof t === "string" ? t : t.text;
}

function langOf(t: PdfText): PdfLang | undefined {
  return typeof t === "string" ? undefined : t.lang;
}
