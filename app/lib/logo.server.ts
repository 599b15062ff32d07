import zlib from "node:zlib";
/**
 * Checks an uploaded logo before it is stored. PNG: signature, chunk structure (with CRCs) and dimensions, so
 * a truncated file, a polyglot with data after IEND or a decompression bomb is refused. SVG: refused, never
 * cleaned, when it could run script or load anything from elsewhere; the logo route serves it with a CSP too.
 */

export const MAX_LOGO_BYTES = 512 * 1024;
export const MAX_LOGO_PIXELS_PER_SIDE = 4096;

export type LogoType = "image/png" | "image/svg+xml";

/** Each reason is a translation key under settings:identity.logo.errors. */
export type LogoProblem =
  "empty" | "tooLarge" | "format" | "pngCorrupt" | "pngDimensions" | "svgInvalid" | "svgScript" | "svgEvents" | "svgLinks" | "svgForeignObject" | "svgDoctype";

export type LogoCheck = { ok: true; type: LogoType; data: Buffer; width: number | null; height: number | null } | { ok: false; problem: LogoProblem };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function checkLogo(bytes: Uint8Array): LogoCheck {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (data.length === 0) return { ok: false, problem: "empty" };
  if (data.length > MAX_LOGO_BYTES) return { ok: false, problem: "tooLarge" };
  if (data.subarray(0, 8).equals(PNG_SIGNATURE)) return checkPng(data);
  if (looksLikeSvg(data)) return checkSvg(data);
  return { ok: false, problem: "format" };
}

// --- PNG ---------------------------------------------------------------------------------------------

function checkPng(data: Buffer): LogoCheck {
  let offset = 8;
  let width = 0;
  let height = 0;
  let sawData = false;
  let first = true;
  while (offset + 12 <= data.length) {
    const length = data.readUInt32BE(offset);
    const type = data.toString("latin1", offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (!/^[A-Za-z]{4}$/.test(type) || end > data.length) return { ok: false, problem: "pngCorrupt" };
    if (zlib.crc32(data.subarray(offset + 4, offset + 8 + length)) !== data.readUInt32BE(offset + 8 + length)) return { ok: false, problem: "pngCorrupt" };
    if (first) {
      if (type !== "IHDR" || length !== 13) return { ok: false, problem: "pngCorrupt" };
      width = data.readUInt32BE(offset + 8);
      height = data.readUInt32BE(offset + 12);
      first = false;
    }
    if (type === "IDAT") sawData = true;
    if (type === "IEND") {
      // Nothing may follow IEND: a file that is also something else (a polyglot) is not a logo.
      if (end !== data.length || !sawData) return { ok: false, problem: "pngCorrupt" };
      if (width < 1 || height < 1 || width > MAX_LOGO_PIXELS_PER_SIDE || height > MAX_LOGO_PIXELS_PER_SIDE) {
        return { ok: false, problem: "pngDimensions" };
      }
      return { ok: true, type: "image/png", data, width, height };
    }
    offset = end;
  }
  return { ok: false, problem: "pngCorrupt" };
}

// --- SVG ---------------------------------------------------------------------------------------------

function looksLikeSvg(data: Buffer) {
  return /<(?:[\w.-]+:)?svg[\s>/]/i.test(data.subarray(0, 4096).toString("utf8"));
}

/** Character references are decoded before looking for "javascript:", so "&#106;avascript:" is found too. */
function decodeReferences(text: string) {
  return text
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff)))
    .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Math.min(Number(dec), 0x10ffff)))
    .replace(/&colon;/gi, ":")
    .replace(/&(tab|newline);/gi, "");
}

// Embedded raster images are common in exported logos; anything else in an href must stay inside the file.
const ALLOWED_DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[a-z0-9+/=\s]*$/i;

function checkSvg(data: Buffer): LogoCheck {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(data).replace(/^\uFEFF/, "");
  } catch {
    return { ok: false, problem: "svgInvalid" };
  }
  // External entities, billion laughs and stylesheets that load from elsewhere
  if (/<!DOCTYPE|<!ENTITY|<\?xml-stylesheet/i.test(text)) return { ok: false, problem: "svgDoctype" };
  // The root element is <svg> (after an XML declaration and comments), and the file ends with it.
  const bare = text
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/^\s*<\?xml[^>]*\?>/, "")
    .trim();
  if (!/^<(?:[\w.-]+:)?svg[\s>]/.test(bare) || !/<\/(?:[\w.-]+:)?svg\s*>$/.test(bare)) return { ok: false, problem: "svgInvalid" };
  if (/<(?:[\w.-]+:)?script[\s>/]/i.test(text)) return { ok: false, problem: "svgScript" };
  if (/<(?:[\w.-]+:)?(foreignObject|iframe|embed|object|handler|listener)[\s>/]/i.test(text)) return { ok: false, problem: "svgForeignObject" };
  // on… attributes anywhere (onload, onclick, onbegin …), also after a namespace prefix or a slash
  if (/[\s/"':]on[a-z][\w.-]*\s*=/i.test(text)) return { ok: false, problem: "svgEvents" };

  const decoded = decodeReferences(text);
  const squeezed = decoded.replace(/[\s\u0000-\u001f]+/g, "");
  if (/(javascript|vbscript|livescript):/i.test(squeezed) || /data:text\/html/i.test(squeezed)) return { ok: false, problem: "svgScript" };
  // Animations that rewrite a link target
  if (/attributeName\s*=\s*["'](?:[\w.-]+:)?href["']/i.test(decoded)) return { ok: false, problem: "svgLinks" };
  for (const match of decoded.matchAll(/(?:^|[\s/"':])(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) {
    const value = (match[2] ?? match[3] ?? "").trim();
    if (!value.startsWith("#") && !ALLOWED_DATA_IMAGE.test(value)) return { ok: false, problem: "svgLinks" };
  }
  // CSS: @import and url() may only point inside the file
  if (/@import/i.test(decoded)) return { ok: false, problem: "svgLinks" };
  for (const match of decoded.matchAll(/url\(\s*(["']?)([^)"']*)\1\s*\)/gi)) {
    const value = match[2].trim();
    if (!value.startsWith("#") && !ALLOWED_DATA_IMAGE.test(value)) return { ok: false, problem: "svgLinks" };
  }
  return { ok: true, type: "image/svg+xml", data, width: null, height: null };
}
