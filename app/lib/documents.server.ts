import crypto from "node:crypto";

import type sharpModule from "sharp";

import {
  ACCEPTED_TYPES,
  cleanFileName,
  type DocumentKind,
  type DocumentMediaType,
  type DocumentProblem,
  MAX_DOCUMENT_BYTES,
  MAX_IMAGE_PIXELS,
  sniffMediaType,
} from "~/lib/documents";

/** sharp (and its native library) on the first upload, not at start-up: some 20 MB for a process that may never see one. */
let sharpLoaded: typeof sharpModule | undefined;
const loadSharp = async () => (sharpLoaded ??= (await import("sharp")).default);

export type CheckedDocument = {
  mediaType: DocumentMediaType;
  data: Buffer;
  fileName: string;
  sha256: string;
  width: number | null;
  height: number | null;
};
export type DocumentCheck = { ok: true; document: CheckedDocument } | { ok: false; problem: DocumentProblem };

/** A badge photo is kept at most this size (3:4, enough for 300 dpi on a badge's 30 × 40 mm photo box). */
export const PHOTO_BOX = { width: 450, height: 600 };
/** Scans and notes sent as images are kept legible but bounded. */
const SCAN_BOX = 3000;

/**
 * Checks an upload by its content and normalises it. PDF: the `%PDF-` signature and an `%%EOF` marker near the
 * end (an executable renamed .pdf has neither). Images (JPEG, PNG): dimensions read from the header and refused
 * above MAX_IMAGE_PIXELS before anything is decoded, then decoded and re-encoded by sharp (libvips), which turns
 * the picture upright and drops all metadata (camera, GPS) and anything appended to the file.
 */
export async function checkDocument({ kind, bytes, name }: { kind: DocumentKind; bytes: Uint8Array; name: string }): Promise<DocumentCheck> {
  if (bytes.byteLength === 0) return { ok: false, problem: "empty" };
  if (bytes.byteLength > MAX_DOCUMENT_BYTES) return { ok: false, problem: "tooLarge" };
  const type = sniffMediaType(bytes);
  if (!type || !ACCEPTED_TYPES[kind].includes(type)) return { ok: false, problem: "type" };
  const fileName = cleanFileName(name, type, kind === "photo" ? "photo" : kind === "passport_scan" ? "passport" : "note-verbale");
  if (!fileName) return { ok: false, problem: "fileName" };
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (type === "application/pdf") {
    if (!input.subarray(Math.max(0, input.length - 1024)).includes("%%EOF")) return { ok: false, problem: "pdfCorrupt" };
    return { ok: true, document: { mediaType: type, data: input, fileName, sha256: sha256(input), width: null, height: null } };
  }
  let image;
  try {
    // the header only, without the pixel limit, so a huge image is named as such rather than as broken
    const sharp = await loadSharp();
    const meta = await sharp(input, { limitInputPixels: false }).metadata();
    if (meta.format !== (type === "image/png" ? "png" : "jpeg")) return { ok: false, problem: "type" };
    if (!meta.width || !meta.height) return { ok: false, problem: "imageCorrupt" };
    if (meta.width * meta.height > MAX_IMAGE_PIXELS) return { ok: false, problem: "dimensions" };
    const box = kind === "photo" ? PHOTO_BOX : { width: SCAN_BOX, height: SCAN_BOX };
    const pipeline = sharp(input, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: "error" })
      .rotate()
      .resize({ ...box, fit: kind === "photo" ? "cover" : "inside", withoutEnlargement: kind !== "photo" });
    // a photo becomes a JPEG (badges); a scan keeps its kind, so a crisp PNG scan stays crisp
    const encoded = kind === "photo" || type === "image/jpeg" ? pipeline.jpeg({ quality: 85, mozjpeg: true }) : pipeline.png({ compressionLevel: 9 });
    image = await encoded.toBuffer({ resolveWithObject: true });
  } catch {
    return { ok: false, problem: "imageCorrupt" };
  }
  const mediaType = image.info.format === "png" ? "image/png" : "image/jpeg";
  if (image.data.length > MAX_DOCUMENT_BYTES) return { ok: false, problem: "tooLarge" };
  return {
    ok: true,
    document: {
      mediaType,
      data: image.data,
      fileName: cleanFileName(fileName, mediaType) ?? fileName,
      sha256: sha256(image.data),
      width: image.info.width,
      height: image.info.height,
    },
  };
}

const sha256 = (data: Buffer) => crypto.createHash("sha256").update(data).digest("hex");
