import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/**
 * The fonts come from npm (@expo-google-fonts/*), so a fresh `npm install` is enough: Noto Sans for Latin and
 * Cyrillic (including Mongolian Ө ө Ү ү, which no Noto CJK font has), and Noto Sans KR / SC / JP for Hangul, Han
 * and kana. Each file is read and parsed once per process; every document registers the same parsed fonts.
 */
export const FONT_KEYS = ["sans", "kr", "sc", "jp"] as const;
export type FontKey = (typeof FONT_KEYS)[number];

const PACKAGES: Record<FontKey, { pkg: string; file: (bold: boolean) => string }> = {
  sans: { pkg: "@expo-google-fonts/noto-sans", file: (b) => (b ? "700Bold/NotoSans_700Bold.ttf" : "400Regular/NotoSans_400Regular.ttf") },
  kr: { pkg: "@expo-google-fonts/noto-sans-kr", file: (b) => (b ? "700Bold/NotoSansKR_700Bold.ttf" : "400Regular/NotoSansKR_400Regular.ttf") },
  sc: { pkg: "@expo-google-fonts/noto-sans-sc", file: (b) => (b ? "700Bold/NotoSansSC_700Bold.ttf" : "400Regular/NotoSansSC_400Regular.ttf") },
  jp: { pkg: "@expo-google-fonts/noto-sans-jp", file: (b) => (b ? "700Bold/NotoSansJP_700Bold.ttf" : "400Regular/NotoSansJP_400Regular.ttf") },
};

const FAMILY: Record<FontKey, string> = { sans: "NotoSans", kr: "NotoSansKR", sc: "NotoSansSC", jp: "NotoSansJP" };

/** The name a font is registered under in every document, e.g. "NotoSansKR-Bold". */
export function fontName(key: FontKey, bold = false): string {
  return `${FAMILY[key]}-${bold ? "Bold" : "Regular"}`;
}

/** The part of a fontkit font we use (pdfkit accepts the font object itself as a font source). */
export type FontkitFont = {
  unitsPerEm: number;
  ascent: number;
  descent: number;
  postscriptName: string;
  hasGlyphForCodePoint(codePoint: number): boolean;
  layout(text: string): { advanceWidth: number };
  getGlyph(id: number, codePoints?: number[]): { codePoints: number[] } | null;
};

/**
 * fontkit caches each glyph with the characters of its first lookup, and writing a subset looks glyphs up by id
 * alone: a base letter first reached as part of an accented one (É = E + ´) was cached with no character, and
 * every later document sharing the parsed font wrote it without a ToUnicode entry, so copied or searched text
 * lost it ("The ssociation of North East sia"). A later lookup that knows the characters restores them.
 */
function keepCharacters(font: FontkitFont): FontkitFont {
  const getGlyph = font.getGlyph.bind(font);
  font.getGlyph = (id, codePoints = []) => {
    const glyph = getGlyph(id, codePoints);
    if (glyph && codePoints.length && !glyph.codePoints?.length) glyph.codePoints = codePoints;
    return glyph;
  };
  return font;
}

const require = createRequire(import.meta.url);
let fontkit: { create(buffer: Uint8Array): FontkitFont } | undefined;

/** fontkit is pdfkit's own dependency: load the copy pdfkit uses instead of declaring a second one. */
function getFontkit() {
  fontkit ??= createRequire(require.resolve("pdfkit"))("fontkit") as { create(buffer: Uint8Array): FontkitFont };
  return fontkit;
}

function packageDir(pkg: string): string {
  try {
    return path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    // e.g. a bundle whose import.meta.url lies outside the project: fall back to the working directory
    const dir = path.join(process.cwd(), "node_modules", pkg);
    if (fs.existsSync(dir)) return dir;
    throw new Error(`Font package ${pkg} is missing: run npm install`);
  }
}

/** The file a font is read from (resolved through node_modules, never from system font folders). */
export function fontPath(key: FontKey, bold = false): string {
  const { pkg, file } = PACKAGES[key];
  return path.join(packageDir(pkg), file(bold));
}

const buffers = new Map<string, Buffer>();
const fonts = new Map<string, FontkitFont>();

/** The font file's bytes, read once per process. */
export function fontBuffer(key: FontKey, bold = false): Buffer {
  const name = fontName(key, bold);
  let buffer = buffers.get(name);
  if (!buffer) {
    buffer = fs.readFileSync(fontPath(key, bold));
    buffers.set(name, buffer);
  }
  return buffer;
}

/** The parsed font, once per process (fontkit parses tables lazily and caches glyphs, so sharing it pays off). */
export function getFont(key: FontKey, bold = false): FontkitFont {
  const name = fontName(key, bold);
  let font = fonts.get(name);
  if (!font) {
    font = keepCharacters(getFontkit().create(fontBuffer(key, bold)));
    fonts.set(name, font);
  }
  return font;
}

/** Registers all eight faces (four families × regular/bold) under their fontName() in a document. */
export function registerFonts(doc: PDFKit.PDFDocument): void {
  for (const key of FONT_KEYS) {
    for (const bold of [false, true]) {
      // pdfkit 0.20 takes a parsed fontkit font as well as a path or Buffer; the types only know the latter
      doc.registerFont(fontName(key, bold), getFont(key, bold) as unknown as Buffer);
    }
  }
}
