import PDFDocument from "pdfkit";

import { type FontKey, fontName, getFont, registerFonts } from "./fonts.server";
import type { PdfLang, PdfText } from "./types";

/*
 * Text in six scripts with pdfkit, which does no font fallback: every string is split into runs, each drawn with a
 * font that has real glyphs for it, and laid out here (measure, wrap, ellipsis) so that pdfkit only ever draws
 * single-line fragments. Run splitting and widths are cached per process, keyed by the string.
 */

/** Line height and baseline as a multiple of the font size, shared by all fonts so that runs line up. */
export const LINE_HEIGHT = 1.3;
/** Where the baseline sits in the em box (CJK fonts' ideographic em box: 880 of 1000 units above the baseline). */
const EM_ASCENT = 0.88;

type Script = "hangul" | "kana" | "han" | "other" | "attach";

function scriptOf(cp: number): Script {
  if (
    cp === 0x20 ||
    cp === 0x09 ||
    cp === 0x0a ||
    cp === 0x0d ||
    cp === 0xa0 ||
    (cp >= 0x0300 && cp <= 0x036f) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    cp === 0x200d
  ) {
    return "attach"; // spaces, combining marks, variation selectors, ZWJ: stay with the preceding run
  }
  if (cp < 0x1100) return "other";
  if (
    (cp >= 0x1100 && cp <= 0x11ff) ||
    (cp >= 0x3130 && cp <= 0x318f) ||
    (cp >= 0xa960 && cp <= 0xa97f) ||
    (cp >= 0xac00 && cp <= 0xd7ff) ||
    (cp >= 0xffa0 && cp <= 0xffdc)
  ) {
    return "hangul";
  }
  if (
    (cp >= 0x3040 && cp <= 0x30ff) ||
    (cp >= 0x31f0 && cp <= 0x31ff) ||
    (cp >= 0xff66 && cp <= 0xff9f) ||
    (cp >= 0x32d0 && cp <= 0x32fe) ||
    (cp >= 0x1b000 && cp <= 0x1b16f)
  ) {
    return "kana";
  }
  if (
    (cp >= 0x2e80 && cp <= 0x2fdf) || // radicals
    (cp >= 0x3000 && cp <= 0x303f) || // CJK punctuation (、。「」), 々 〇
    (cp >= 0x3190 && cp <= 0x31ef) ||
    (cp >= 0x3200 && cp <= 0x33ff) || // enclosed and compatibility forms
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff65) || // fullwidth forms (，：（）)
    (cp >= 0xffe0 && cp <= 0xffef) ||
    (cp >= 0x20000 && cp <= 0x3ffff)
  ) {
    return "han";
  }
  return "other";
}

/** The CJK font whose Han glyph forms suit a language: Korean → KR, Japanese → JP, everything else → SC. */
function hanFont(lang: PdfLang): FontKey {
  return lang === "ko" ? "kr" : lang === "ja" ? "jp" : "sc";
}

const CJK_ORDER: Record<FontKey, FontKey[]> = {
  sc: ["sc", "jp", "kr"],
  jp: ["jp", "sc", "kr"],
  kr: ["kr", "sc", "jp"],
  sans: ["sc", "jp", "kr"],
};

/** The fonts to try for a script, best first; the first one with a glyph wins. */
function chainFor(script: Exclude<Script, "attach">, lang: PdfLang): FontKey[] {
  const cjk = CJK_ORDER[hanFont(lang)];
  switch (script) {
    case "hangul":
      return ["kr", ...cjk.filter((k) => k !== "kr"), "sans"];
    case "kana":
      return ["jp", ...cjk.filter((k) => k !== "jp"), "sans"];
    case "han":
      return [...cjk, "sans"];
    case "other":
      return ["sans", ...cjk];
  }
}

const fontForCache = new Map<string, FontKey>();

function fontFor(cp: number, script: Exclude<Script, "attach">, lang: PdfLang, bold: boolean): FontKey {
  const cacheKey = `${lang}${bold ? "b" : "r"}${cp}`;
  let key = fontForCache.get(cacheKey);
  if (!key) {
    const chain = chainFor(script, lang);
    key = chain.find((k) => getFont(k, bold).hasGlyphForCodePoint(cp)) ?? chain[0];
    fontForCache.set(cacheKey, key);
  }
  return key;
}

export type TextRun = { text: string; font: string };

const runCache = new Map<string, TextRun[]>();
const MAX_CACHE = 100_000;

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= MAX_CACHE) cache.clear(); // a long-running server must not grow without bound
  cache.set(key, value);
  return value;
}

/**
 * Split text into runs, each with a font that has real glyphs for it: Hangul → KR; kana → JP; Han → by lang
 * (zh/mn/ru/en → SC, ja → JP, ko → KR; then any CJK font that has the glyph); Latin/Cyrillic/other → Noto Sans;
 * anything a font lacks falls through the chain to one that has it (fontkit hasGlyphForCodePoint).
 * Spaces, combining marks and ASCII punctuation stay in the run they follow. `font` is the name registered by
 * createDocument().
 */
export function textRuns(text: string, lang: PdfLang, bold = false): TextRun[] {
  const cacheKey = `${lang}${bold ? "b" : "r"}\u0000${text}`;
  const cached = runCache.get(cacheKey);
  if (cached) return cached;
  const runs: TextRun[] = [];
  let current: FontKey | null = null;
  let start = 0;
  let pending = 0; // leading "attach" characters before the first real one
  let index = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const script = scriptOf(cp);
    if (script !== "attach") {
      // ASCII punctuation ("(", "-", ".", …) stays in the current run when its font has it: "김철수 (金哲洙)"
      const key: FontKey =
        current !== null && isAsciiPunctuation(cp) && getFont(current, bold).hasGlyphForCodePoint(cp) ? current : fontFor(cp, script, lang, bold);
      if (current === null) {
        current = key;
        start = 0;
      } else if (key !== current) {
        runs.push({ text: text.slice(start, index), font: fontName(current, bold) });
        current = key;
        start = index;
      }
    } else if (current === null) {
      pending += ch.length;
    }
    index += ch.length;
  }
  if (current === null) {
    if (pending > 0) runs.push({ text, font: fontName("sans", bold) });
  } else {
    runs.push({ text: text.slice(start), font: fontName(current, bold) });
  }
  return remember(runCache, cacheKey, runs);
}

function isAsciiPunctuation(cp: number): boolean {
  return (cp >= 0x21 && cp <= 0x2f) || (cp >= 0x3a && cp <= 0x40) || (cp >= 0x5b && cp <= 0x60) || (cp >= 0x7b && cp <= 0x7e);
}

const fontByName = new Map<string, { key: FontKey; bold: boolean }>();
for (const key of ["sans", "kr", "sc", "jp"] as const) {
  for (const bold of [false, true]) fontByName.set(fontName(key, bold), { key, bold });
}

const widthCache = new Map<string, number>();
/** Set (synchronously) while layoutText measures for a given document. */
let measuringDoc: PDFKit.PDFDocument | null = null;
const wordWidthCache = new Map<string, number>();

/**
 * Advance width of a single-font string at size 1. Measured the way pdfkit measures when it draws: fontkit layout
 * word by word (each word with the space after it), so results match and words shared by many strings (titles,
 * roles, family names) are shaped once per process.
 */
function unitWidth(font: string, text: string): number {
  const cacheKey = `${font}\u0000${text}`;
  const cached = widthCache.get(cacheKey);
  if (cached !== undefined) return cached;
  if (measuringDoc) {
    // measure with the document's own font: pdfkit keeps the shaped words and reuses them when drawing
    measuringDoc.font(font).fontSize(1);
    return remember(widthCache, cacheKey, measuringDoc.widthOfString(text));
  }
  let width = 0;
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09) {
      width += wordWidth(font, text.slice(last, i + 1));
      last = i + 1;
    }
  }
  if (last < text.length) width += wordWidth(font, text.slice(last));
  return remember(widthCache, cacheKey, width);
}

function wordWidth(font: string, word: string): number {
  const cacheKey = `${font}\u0000${word}`;
  const cached = wordWidthCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const { key, bold } = fontByName.get(font)!;
  const f = getFont(key, bold);
  return remember(wordWidthCache, cacheKey, f.layout(word).advanceWidth / f.unitsPerEm);
}

/** Width in points of text drawn at `size`, with the same font switching as drawText (one line). */
export function widthOfText(t: PdfText, size: number, lang: PdfLang): number {
  const { text, lang: l, bold } = normalise(t, lang);
  let width = 0;
  for (const line of text.split("\n")) {
    let w = 0;
    for (const run of textRuns(line, l, bold)) w += unitWidth(run.font, run.text);
    width = Math.max(width, w * size);
  }
  return width;
}

/** For the benchmark: forget cached runs and widths (fonts stay loaded). */
export function clearTextCaches(): void {
  runCache.clear();
  widthCache.clear();
  wordWidthCache.clear();
  fontForCache.clear();
}

function normalise(t: PdfText, lang: PdfLang): { text: string; lang: PdfLang; bold: boolean } {
  if (typeof t === "string") return { text: t, lang, bold: false };
  return { text: t.text ?? "", lang: t.lang ?? lang, bold: t.bold ?? false };
}

/** A piece of a laid-out line: one font, its width at size 1. */
type Piece = { text: string; font: string; width: number };
type Line = { pieces: Piece[]; width: number };

export type TextLayout = { lines: Line[]; size: number; lineHeight: number; height: number };

export type TextOptions = {
  width: number;
  size: number;
  lang: PdfLang;
  /** Wrap at spaces and between CJK characters; otherwise one line per "\n" with an ellipsis when too long. */
  wrap?: boolean;
  /** With wrap: at most this many lines, the last one ellipsised. */
  maxLines?: number;
  align?: "left" | "center" | "right";
  color?: string;
  /** Line height as a multiple of size (default 1.3). */
  lineHeight?: number;
};

const ELLIPSIS = "…";

/** Measure and break text without drawing it (for row heights and keep-together decisions). */
export function layoutText(t: PdfText, opts: TextOptions & { doc?: PDFKit.PDFDocument }): TextLayout {
  measuringDoc = opts.doc ?? null;
  try {
    return layoutLines(t, opts);
  } finally {
    measuringDoc = null;
  }
}

function layoutLines(t: PdfText, opts: TextOptions): TextLayout {
  const { text, lang, bold } = normalise(t, opts.lang);
  const maxWidth = Math.max(opts.width / opts.size, 0); // in units of the font size
  const lines: Line[] = [];
  const maxLines = opts.wrap ? (opts.maxLines ?? Infinity) : Infinity;
  const paragraphs = text.split("\n");
  for (let p = 0; p < paragraphs.length && lines.length < maxLines; p++) {
    const runs = textRuns(paragraphs[p], lang, bold);
    const pieces = runs.map((run) => ({ text: run.text, font: run.font, width: unitWidth(run.font, run.text) }));
    const total = pieces.reduce((sum, piece) => sum + piece.width, 0);
    if (total <= maxWidth + 1e-6) {
      lines.push({ pieces, width: total });
    } else if (!opts.wrap) {
      lines.push(ellipsise(pieces, maxWidth, lang, bold));
    } else {
      const wrapped = wrapPieces(pieces, maxWidth);
      const room = maxLines - lines.length;
      if (wrapped.length > room) {
        const kept = wrapped.slice(0, room);
        // the last line that fits, then the rest (spaces between the lines put back), cut with "…"
        const rest = wrapped
          .slice(room - 1)
          .flatMap((line, i) =>
            i === 0 || !line.pieces.length
              ? line.pieces
              : [{ text: " ", font: line.pieces[0].font, width: unitWidth(line.pieces[0].font, " ") }, ...line.pieces],
          );
        kept[room - 1] = ellipsise(rest, maxWidth, lang, bold, true);
        lines.push(...kept);
      } else {
        lines.push(...wrapped);
      }
    }
  }
  if (lines.length > maxLines) lines.length = maxLines;
  const lineHeight = opts.size * (opts.lineHeight ?? LINE_HEIGHT);
  return { lines, size: opts.size, lineHeight, height: lines.length * lineHeight };
}

/** Cut pieces to fit maxWidth with "…" at the end. */
function ellipsise(pieces: Piece[], maxWidth: number, lang: PdfLang, bold: boolean, force = false): Line {
  const total = pieces.reduce((sum, piece) => sum + piece.width, 0);
  if (!force && total <= maxWidth) return { pieces, width: total };
  const [dots] = textRuns(ELLIPSIS, lang, bold);
  const dotsWidth = unitWidth(dots.font, ELLIPSIS);
  const room = maxWidth - dotsWidth;
  const out: Piece[] = [];
  let used = 0;
  for (const piece of pieces) {
    if (used + piece.width <= room) {
      out.push(piece);
      used += piece.width;
      continue;
    }
    // binary search the longest prefix (by code point) of this piece that fits
    const chars = Array.from(piece.text);
    let lo = 0;
    let hi = chars.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (used + unitWidth(piece.font, chars.slice(0, mid).join("")) <= room) lo = mid;
      else hi = mid - 1;
    }
    if (lo > 0) {
      const part = chars.slice(0, lo).join("").trimEnd();
      const w = unitWidth(piece.font, part);
      out.push({ text: part, font: piece.font, width: w });
      used += w;
    }
    break;
  }
  const last = out[out.length - 1];
  if (last && /\s$/.test(last.text)) {
    const trimmed = last.text.trimEnd();
    out[out.length - 1] = { text: trimmed, font: last.font, width: unitWidth(last.font, trimmed) };
    used = out.reduce((sum, piece) => sum + piece.width, 0);
  }
  out.push({ text: ELLIPSIS, font: dots.font, width: dotsWidth });
  return { pieces: out, width: used + dotsWidth };
}

// A break is allowed after spaces and around CJK ideographs and kana (closing punctuation stays with the character
// before it). Hangul words break at spaces, as Korean does.
const CJK_CHAR = "[\\u2e80-\\u2fdf\\u3005-\\u3007\\u3040-\\u30ff\\u3190-\\u33ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3ffff}]";
const CLOSING = "[、。，．・：；！？）」』】〕〉》ーぁぃぅぇぉっゃゅょァィゥェォッャュョ\\uff09\\uff0c\\uff0e\\uff1a\\uff1b\\uff01\\uff1f\\s]*";
const TOKEN = new RegExp(
  `${CJK_CHAR}${CLOSING}|[^\\s\\u2e80-\\u2fdf\\u3005-\\u3007\\u3040-\\u30ff\\u3190-\\u33ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3ffff}]+\\s*|\\s+`,
  "gu",
);

const STARTS_CJK = new RegExp(`^${CJK_CHAR}`, "u");

type Token = { pieces: Piece[]; width: number; trailing: number };

function tokenize(pieces: Piece[]): Token[] {
  const tokens: Token[] = [];
  let glue = false; // the previous token had no trailing space: a token from the next piece continues it
  for (const piece of pieces) {
    for (const match of piece.text.matchAll(TOKEN)) {
      const text = match[0];
      const core = text.trimEnd();
      const width = unitWidth(piece.font, text);
      const trailing = core.length === text.length ? 0 : width - unitWidth(piece.font, core);
      const isCjk = STARTS_CJK.test(text);
      const previous = tokens[tokens.length - 1];
      if (glue && previous && !isCjk && match.index === 0 && core.length > 0) {
        // a word that changes font mid-way (e.g. "Ts.Өлзий") is still one word
        previous.pieces.push({ text, font: piece.font, width });
        previous.width += width;
        previous.trailing = trailing;
      } else {
        tokens.push({ pieces: [{ text, font: piece.font, width }], width, trailing });
      }
      glue = trailing === 0 && !isCjk;
    }
  }
  return tokens;
}

function wrapPieces(pieces: Piece[], maxWidth: number): Line[] {
  const lines: Line[] = [];
  let line: Piece[] = [];
  let width = 0;
  let trailing = 0;
  const flush = () => {
    if (line.length) lines.push(trimLine(line, width - trailing));
    line = [];
    width = 0;
    trailing = 0;
  };
  for (const token of tokenize(pieces)) {
    if (line.length && width - trailing + (token.width - token.trailing) > maxWidth) flush();
    if (token.width - token.trailing > maxWidth) {
      // a single word longer than the line: break it by character
      for (const piece of token.pieces) {
        for (const ch of piece.text) {
          const w = unitWidth(piece.font, ch);
          if (line.length && width + w > maxWidth && ch.trim()) flush();
          if (!line.length && !ch.trim()) continue;
          appendPiece(line, { text: ch, font: piece.font, width: w });
          width += w;
          trailing = ch.trim() ? 0 : trailing + w;
        }
      }
      continue;
    }
    for (const piece of token.pieces) appendPiece(line, piece);
    width += token.width;
    trailing = token.trailing;
  }
  flush();
  return lines;
}

function appendPiece(line: Piece[], piece: Piece) {
  const last = line[line.length - 1];
  if (last && last.font === piece.font) line[line.length - 1] = { text: last.text + piece.text, font: last.font, width: last.width + piece.width };
  else line.push(piece);
}

function trimLine(pieces: Piece[], width: number): Line {
  const last = pieces[pieces.length - 1];
  const trimmed = last.text.trimEnd();
  if (trimmed !== last.text) pieces[pieces.length - 1] = { text: trimmed, font: last.font, width: unitWidth(last.font, trimmed) };
  return { pieces, width };
}

/** Draw a laid-out text with its top-left corner at x,y. Returns the height used. */
export function drawLayout(
  doc: PDFKit.PDFDocument,
  layout: TextLayout,
  x: number,
  y: number,
  opts: { width: number; align?: "left" | "center" | "right"; color?: string | null },
): number {
  const { size, lineHeight } = layout;
  if (opts.color !== null) doc.fillColor(opts.color ?? "#000000"); // null: keep the current fill colour
  let top = y;
  for (const line of layout.lines) {
    const lineWidth = line.width * size;
    let cx = opts.align === "center" ? x + (opts.width - lineWidth) / 2 : opts.align === "right" ? x + opts.width - lineWidth : x;
    const baseline = top + (lineHeight - size) / 2 + size * EM_ASCENT;
    for (const piece of line.pieces) {
      if (piece.text.trim()) {
        doc.font(piece.font).fontSize(size);
        doc.text(piece.text, cx, baseline, TEXT_OPTIONS);
      }
      cx += piece.width * size;
    }
    top += lineHeight;
  }
  return layout.height;
}

// No width: pdfkit draws the fragment as is, without its line wrapper (we have already laid the line out).
const TEXT_OPTIONS = { lineBreak: false, baseline: "alphabetic" } as const;

/**
 * Draw PdfText at x,y (top-left) within width: one line per "\n" with an ellipsis when too long, or wrapped when
 * `wrap`; fonts switch per run. Returns the height used. Never adds pages: callers measure first (layoutText).
 */
export function drawText(
  doc: PDFKit.PDFDocument,
  t: PdfText,
  x: number,
  y: number,
  opts: {
    width: number;
    size: number;
    lang: PdfLang;
    wrap?: boolean;
    maxLines?: number;
    align?: "left" | "center" | "right";
    color?: string;
    lineHeight?: number;
  },
): number {
  return drawLayout(doc, layoutText(t, { ...opts, doc }), x, y, opts);
}

/** The largest size from max down to min (step 0.5) at which the text fits in width on one line (or maxLines). */
export function fitSize(t: PdfText, opts: { width: number; max: number; min: number; lang: PdfLang; maxLines?: number }): number {
  for (let size = opts.max; size > opts.min; size -= 0.5) {
    if (!opts.maxLines || opts.maxLines <= 1) {
      if (widthOfText(t, size, opts.lang) <= opts.width) return size;
    } else {
      const layout = layoutText(t, { width: opts.width, size, lang: opts.lang, wrap: true });
      const lines = typeof t === "string" ? t.split("\n").length : t.text.split("\n").length;
      if (layout.lines.length <= Math.max(opts.maxLines, lines)) return size;
    }
  }
  return opts.min;
}

export const MM = 72 / 25.4;

export function createDocument(opts: {
  size?: "A4" | "A6";
  layout?: "portrait" | "landscape";
  lang: PdfLang;
  title: string;
  author?: string;
  margin?: number;
  bufferPages?: boolean;
  /** the document's creation date (default now); a fixed one makes the same input give the same bytes */
  createdAt?: Date;
}): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    size: opts.size ?? "A4",
    layout: opts.layout ?? "portrait",
    margin: opts.margin ?? 15 * MM,
    bufferPages: opts.bufferPages ?? false,
    lang: opts.lang,
    displayTitle: true,
    info: {
      Title: opts.title,
      Author: opts.author ?? "Plenary",
      Creator: "Plenary",
      Producer: "Plenary (pdfkit)",
      ...(opts.createdAt ? { CreationDate: opts.createdAt } : {}),
    },
    // no default Helvetica: every glyph comes from an embedded Noto font
    font: null as unknown as string,
  });
  registerFonts(doc);
  doc.font(fontName("sans")).fontSize(10);
  return doc;
}

export function toBuffer(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.end();
  });
}

/** A logo drawn once per document and reused on every page (pdfkit embeds a Buffer again on each image() call). */
export function logoImage(doc: PDFKit.PDFDocument, logo: { data: Buffer; type: string } | undefined): unknown {
  if (!logo || logo.type === "image/svg+xml") return undefined; // pdfkit has no SVG support: skipped
  try {
    return (doc as unknown as { openImage(src: Buffer): unknown }).openImage(logo.data);
  } catch {
    return undefined; // a broken upload must not break the whole document
  }
}

export function drawImage(doc: PDFKit.PDFDocument, image: unknown, x: number, y: number, fit: [number, number]) {
  if (image) doc.image(image as Buffer, x, y, { fit });
}
