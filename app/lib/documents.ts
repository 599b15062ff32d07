import * as z from "zod";

import { DOCUMENT_KINDS, type DocumentKind, type DocumentMediaType } from "../../db/schema";

// zod must be jitless before this module builds its schemas (the CSP forbids eval in the browser): the bare import
// is kept in the browser bundle because package.json's sideEffects names validation.ts
import "~/lib/validation";

/** Issue 18 §1: what a delegation may upload, checked by content, never by the name or the browser's type. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
/** An image larger than this (width × height) is refused before it is decoded (a decompression bomb). */
export const MAX_IMAGE_PIXELS = 40_000_000;
export const MAX_FILE_NAME_LENGTH = 120;

export { DOCUMENT_KINDS, type DocumentKind, type DocumentMediaType };

export const ACCEPTED_TYPES: Record<DocumentKind, readonly DocumentMediaType[]> = {
  note_verbale: ["application/pdf", "image/jpeg", "image/png"],
  passport_scan: ["application/pdf", "image/jpeg", "image/png"],
  photo: ["image/jpeg", "image/png"],
};

/** Each reason is a translation key under documents:errors. */
export type DocumentProblem =
  "noFile" | "empty" | "tooLarge" | "type" | "pdfCorrupt" | "imageCorrupt" | "dimensions" | "fileName" | "noPassport" | "unknownPerson" | "notFound" | "closed";

/** The fields of the upload and remove forms besides the file itself (one schema for both intents). */
export const DocumentFormSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("upload-document"), kind: z.enum(DOCUMENT_KINDS), delegateId: z.uuid().optional() }),
  z.object({ intent: z.literal("remove-document"), documentId: z.uuid() }),
]);

/** The type the bytes say they are, from their first bytes (magic numbers), or null. */
export function sniffMediaType(bytes: Uint8Array): DocumentMediaType | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return "application/pdf"; // %PDF-
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  return null;
}

// C0/C1 controls, and the marks that reorder text on screen (U+202E turns "gpj.exe" into "exe.jpg")

const HOSTILE_NAME = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

export const EXTENSIONS: Record<DocumentMediaType, string> = { "application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png" };

/**
 * The name a file is stored and offered under: its last path component, NFC, at most 120 characters, with the
 * extension of what it really is. Null for a name with control or direction-override characters (refused).
 */
export function cleanFileName(name: string, type: DocumentMediaType, fallback = "document"): string | null {
  if (HOSTILE_NAME.test(name)) return null;
  const base = (name.normalize("NFC").split(/[\\/]/).pop() ?? "")
    .replace(/\.[A-Za-z0-9]{1,5}$/, "")
    .replace(/["*:<>?|]/g, "_")
    .replace(/^[.\s]+|\s+$/g, "");
  const stem = Array.from(base || fallback)
    .slice(0, MAX_FILE_NAME_LENGTH - 5)
    .join("")
    .trim();
  return `${stem || fallback}.${EXTENSIONS[type]}`;
}

export function formatBytes(bytes: number, locale: string) {
  const kb = bytes / 1024;
  const format = (n: number, unit: "kilobyte" | "megabyte") =>
    new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: n < 10 ? 1 : 0 }).format(n);
  return kb < 1024 ? format(kb === 0 ? 0 : Math.max(kb, 0.1), "kilobyte") : format(kb / 1024, "megabyte");
}
