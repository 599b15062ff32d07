// Reading PDFs back in tests: text per page, the glyphs drawn and their fonts, embedded font files, a page rendered
// to PNG (pdfjs-dist + @napi-rs/canvas, no browser) and QR codes decoded from it (jsqr).
import jsQR from "jsqr";
import { getDocument, OPS, type PDFDocumentProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import { PNG } from "pngjs";

export async function openPdf(pdf: Uint8Array): Promise<PDFDocumentProxy> {
  // pdfjs transfers (detaches) the buffer it is given: always hand it a copy
  return getDocument({ data: new Uint8Array(pdf), disableFontFace: true, useSystemFonts: false, verbosity: 0 }).promise;
}

async function withPdf<T>(pdf: Uint8Array, fn: (doc: PDFDocumentProxy) => Promise<T>): Promise<T> {
  const doc = await openPdf(pdf);
  try {
    return await fn(doc);
  } finally {
    await doc.destroy();
  }
}

/** The text of each page, in drawing order; a new line wherever pdfjs sees one. */
export async function extractPages(pdf: Uint8Array): Promise<string[]> {
  return withPdf(pdf, async (doc) => {
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      let text = "";
      for (const item of content.items) {
        if (!("str" in item)) continue;
        text += item.str + (item.hasEOL ? "\n" : "");
      }
      pages.push(text);
    }
    return pages;
  });
}

/** Text pieces with their position: x and y (the baseline) in points from the page's top-left corner. */
export async function textItems(pdf: Uint8Array): Promise<{ page: number; text: string; x: number; y: number; size: number }[]> {
  return withPdf(pdf, async (doc) => {
    const items = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const height = page.view[3] - page.view[1];
      for (const item of (await page.getTextContent()).items) {
        if (!("str" in item) || !item.str.trim()) continue;
        const [a, b, , , e, f] = item.transform as number[];
        items.push({ page: n, text: item.str, x: e, y: height - f, size: Math.hypot(a, b) });
      }
    }
    return items;
  });
}

/** All text of the document (pages separated by a form feed). */
export async function extractText(pdf: Uint8Array): Promise<string> {
  return (await extractPages(pdf)).join("\f");
}

export async function pageCount(pdf: Uint8Array): Promise<number> {
  return withPdf(pdf, async (doc) => doc.numPages);
}

export async function pageSizes(pdf: Uint8Array): Promise<{ width: number; height: number }[]> {
  return withPdf(pdf, async (doc) => {
    const sizes = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const [x0, y0, x1, y1] = (await doc.getPage(n)).view;
      sizes.push({ width: Math.round(x1 - x0), height: Math.round(y1 - y0) });
    }
    return sizes;
  });
}

/** One glyph as drawn: its text, the font's PostScript name (subset tag removed), and the code in the content stream. */
export type DrawnGlyph = { page: number; unicode: string; font: string; code: number; isInFont: boolean };

/**
 * Every glyph drawn with a text-showing operator. pdfkit writes subset fonts with Identity-H encoding, so `code` is
 * the glyph's index in the subset, and 0 is .notdef: a character the font lacks comes out as code 0.
 */
export async function drawnGlyphs(pdf: Uint8Array): Promise<DrawnGlyph[]> {
  return withPdf(pdf, async (doc) => {
    const glyphs: DrawnGlyph[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const ops = await page.getOperatorList();
      let font = "";
      for (let i = 0; i < ops.fnArray.length; i++) {
        const fn = ops.fnArray[i];
        const args = ops.argsArray[i];
        if (fn === OPS.setFont) {
          const loaded = page.commonObjs.get(args[0]) as { name?: string };
          font = (loaded?.name ?? String(args[0])).replace(/^[A-Z]{6}\+/, "");
        } else if (fn === OPS.showText) {
          for (const glyph of args[0] as ({ unicode: string; originalCharCode: number; isInFont: boolean } | number)[]) {
            if (typeof glyph === "number") continue; // a position adjustment
            glyphs.push({ page: n, unicode: glyph.unicode, font, code: glyph.originalCharCode, isInFont: glyph.isInFont });
          }
        }
      }
    }
    return glyphs;
  });
}

/**
 * Glyphs drawn as .notdef, tofu boxes on paper: code 0, or a visible character that pdfjs finds no glyph for in the
 * font (spaces have no outline, so pdfjs reports them as not in the font; they do not count).
 */
export async function notdefGlyphs(pdf: Uint8Array): Promise<DrawnGlyph[]> {
  return (await drawnGlyphs(pdf)).filter((g) => g.code === 0 || (!g.isInFont && g.unicode.trim() !== ""));
}

/**
 * The fonts in the file, from the raw bytes (pdfkit leaves object dictionaries uncompressed): each font descriptor's
 * name and whether it points at an embedded font program (FontFile2 = TrueType, FontFile3 = CFF).
 */
export function fontDescriptors(pdf: Uint8Array): { name: string; embedded: boolean }[] {
  const raw = Buffer.from(pdf).toString("latin1");
  const result = [];
  for (const match of raw.matchAll(/<<((?:(?!>>)[\s\S])*?\/Type \/FontDescriptor[\s\S]*?)>>/g)) {
    const dict = match[1];
    const name = /\/FontName \/([^\s/]+)/.exec(dict)?.[1] ?? "?";
    result.push({ name: name.replace(/^[A-Z]{6}\+/, ""), embedded: /\/FontFile[23]? \d+ 0 R/.test(dict) });
  }
  return result;
}

/** Base fonts used without an embedded program (e.g. Helvetica): a PDF that should have none. */
export function unembeddedBaseFonts(pdf: Uint8Array): string[] {
  const raw = Buffer.from(pdf).toString("latin1");
  const names = new Set<string>();
  for (const match of raw.matchAll(/\/Subtype \/Type1[\s\S]*?\/BaseFont \/([^\s/>]+)/g)) names.add(match[1]);
  return [...names];
}

/** Render a page (1-based) to PNG at `scale` × 72 dpi. */
export async function renderPageToPng(pdf: Uint8Array, pageNumber: number, scale = 2): Promise<Buffer> {
  const { width, height, data } = await renderPage(pdf, pageNumber, scale);
  const png = new PNG({ width, height });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return PNG.sync.write(png);
}

/** Render a page to RGBA pixels. */
export async function renderPage(pdf: Uint8Array, pageNumber: number, scale = 2): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  return withPdf(pdf, async (doc) => {
    const page = await doc.getPage(pageNumber);
    const viewport = page.getViewport({ scale });
    const width = Math.ceil(viewport.width);
    const height = Math.ceil(viewport.height);
    // pdfjs brings its own canvas factory (backed by @napi-rs/canvas in Node)
    const factory = (doc as unknown as { canvasFactory: { create(w: number, h: number): { canvas: unknown; context: CanvasRenderingContext2D } } })
      .canvasFactory;
    const { canvas, context } = factory.create(width, height);
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, width, height);
    await page.render({ canvas: canvas as HTMLCanvasElement, canvasContext: context, viewport }).promise;
    return { width, height, data: context.getImageData(0, 0, width, height).data };
  });
}

export type RgbaImage = { width: number; height: number; data: Uint8Array | Uint8ClampedArray };

/** Decode a PNG once, e.g. to look for several QR codes on one sheet. */
export function readPng(png: Buffer): RgbaImage {
  const { width, height, data } = PNG.sync.read(png);
  return { width, height, data };
}

/**
 * Decode a QR code from a PNG (or an already decoded image). `crop` (in pixels) limits the search to one area, e.g.
 * one badge of a sheet. Returns the decoded text, or null when no code is found.
 */
export function decodeQrFromPng(png: Buffer | RgbaImage, crop?: { x: number; y: number; width: number; height: number }): string | null {
  const image = Buffer.isBuffer(png) ? readPng(png) : png;
  const area = crop ?? { x: 0, y: 0, width: image.width, height: image.height };
  const x0 = Math.max(0, Math.floor(area.x));
  const y0 = Math.max(0, Math.floor(area.y));
  const w = Math.min(image.width - x0, Math.ceil(area.width));
  const h = Math.min(image.height - y0, Math.ceil(area.height));
  const pixels = new Uint8ClampedArray(w * h * 4);
  for (let row = 0; row < h; row++) {
    const from = ((y0 + row) * image.width + x0) * 4;
    pixels.set(image.data.subarray(from, from + w * 4), row * w * 4);
  }
  return jsQR(pixels, w, h, { inversionAttempts: "dontInvert" })?.data ?? null;
}
