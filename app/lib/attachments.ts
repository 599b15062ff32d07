/**
 * Files staff attach to an event's invitations (issue 18 §8): what is accepted is decided by the bytes, never by
 * the name or the browser's declared type; names are checked so that what the recipient's mail program shows
 * is what staff uploaded (no bidirectional overrides, no paths, no control characters).
 */

/** All of an event's attachments together, and so any one of them. */
export const MAX_ATTACHMENTS_TOTAL_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_EVENT = 20;
export const MAX_FILENAME_LENGTH = 150;

export type AttachmentKind = "pdf" | "png" | "jpeg" | "docx" | "xlsx" | "pptx" | "odt" | "txt";

export const ATTACHMENT_TYPES: Record<AttachmentKind, { contentType: string; extensions: string[] }> = {
  pdf: { contentType: "application/pdf", extensions: ["pdf"] },
  png: { contentType: "image/png", extensions: ["png"] },
  jpeg: { contentType: "image/jpeg", extensions: ["jpg", "jpeg"] },
  docx: { contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", extensions: ["docx"] },
  xlsx: { contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", extensions: ["xlsx"] },
  pptx: { contentType: "application/vnd.openxmlformats-officedocument.presentationml.presentation", extensions: ["pptx"] },
  odt: { contentType: "application/vnd.oasis.opendocument.text", extensions: ["odt"] },
  txt: { contentType: "text/plain; charset=utf-8", extensions: ["txt"] },
};

/** Each reason is a translation key under attachments:errors. */
export type AttachmentProblem =
  "empty" | "tooLarge" | "executable" | "unknownType" | "nameMismatch" | "nameEmpty" | "nameTooLong" | "namePath" | "nameControl" | "nameBidi" | "nameDots";

const startsWith = (data: Uint8Array, bytes: number[], at = 0) => bytes.every((b, i) => data[at + i] === b);
const ascii = (data: Uint8Array, from: number, to: number) => String.fromCharCode(...data.subarray(from, Math.min(to, data.length)));

/** Programs and scripts, whatever they are called: Windows PE (MZ), ELF, Mach-O, shell scripts. */
function isExecutable(data: Uint8Array): boolean {
  return (
    startsWith(data, [0x4d, 0x5a]) ||
    startsWith(data, [0x7f, 0x45, 0x4c, 0x46]) ||
    startsWith(data, [0xcf, 0xfa, 0xed, 0xfe]) ||
    startsWith(data, [0xfe, 0xed, 0xfa, 0xcf]) ||
    startsWith(data, [0xca, 0xfe, 0xba, 0xbe]) ||
    startsWith(data, [0x23, 0x21])
  );
}

/** The names inside a ZIP file, read from its local headers (enough to tell an Office document from any ZIP). */
function zipEntryNames(data: Uint8Array, limit = 200): string[] {
  const names: string[] = [];
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  while (offset + 30 <= data.length && names.length < limit && view.getUint32(offset, true) === 0x04034b50) {
    const flags = view.getUint16(offset + 6, true);
    const compressed = view.getUint32(offset + 18, true);
    const nameLength = view.getUint16(offset + 26, true);
    const extraLength = view.getUint16(offset + 28, true);
    names.push(ascii(data, offset + 30, offset + 30 + nameLength));
    // sizes written after the data (bit 3): stop here, the first entries are enough
    if (flags & 0x08) break;
    offset += 30 + nameLength + extraLength + compressed;
  }
  return names;
}

function zipKind(data: Uint8Array): AttachmentKind | null {
  if (ascii(data, 30, 38) === "mimetype" && ascii(data, 38, 38 + 39) === "application/vnd.oasis.opendocument.text") return "odt";
  const names = zipEntryNames(data);
  if (!names.includes("[Content_Types].xml")) return null;
  if (names.some((n) => n.startsWith("word/"))) return "docx";
  if (names.some((n) => n.startsWith("xl/"))) return "xlsx";
  if (names.some((n) => n.startsWith("ppt/"))) return "pptx";
  return null;
}

/** Plain UTF-8 text: decodes strictly and has no control characters other than tab and line breaks. */
function isText(data: Uint8Array): boolean {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(data);
    return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
  } catch {
    return false;
  }
}

/** What the bytes are, or why they are refused. */
export function detectKind(data: Uint8Array): { ok: true; kind: AttachmentKind } | { ok: false; problem: AttachmentProblem } {
  if (data.length === 0) return { ok: false, problem: "empty" };
  if (isExecutable(data)) return { ok: false, problem: "executable" };
  if (ascii(data, 0, 5) === "%PDF-") {
    // a PDF ends with %%EOF (within its last kilobyte); a program with a PDF header glued on does not pass as one
    return ascii(data, Math.max(0, data.length - 1024), data.length).includes("%%EOF") ? { ok: true, kind: "pdf" } : { ok: false, problem: "unknownType" };
  }
  if (startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { ok: true, kind: "png" };
  if (startsWith(data, [0xff, 0xd8, 0xff])) return { ok: true, kind: "jpeg" };
  if (startsWith(data, [0x50, 0x4b, 0x03, 0x04])) {
    const kind = zipKind(data);
    return kind ? { ok: true, kind } : { ok: false, problem: "unknownType" };
  }
  if (isText(data)) return { ok: true, kind: "txt" };
  return { ok: false, problem: "unknownType" };
}

// bidirectional embeddings, overrides and isolates, and the invisible marks that reorder a name on screen
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
// C0/C1 controls, line/paragraph separators, zero-width characters and the byte-order mark
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200d\u2060\ufeff]/;

/** A file name as staff gave it, normalised (NFC, trimmed), or why it is refused. */
export function checkFilename(raw: string): { ok: true; name: string; extension: string } | { ok: false; problem: AttachmentProblem } {
  const name = raw.normalize("NFC").trim();
  if (!name) return { ok: false, problem: "nameEmpty" };
  if (BIDI.test(name)) return { ok: false, problem: "nameBidi" };
  if (CONTROL.test(name)) return { ok: false, problem: "nameControl" };
  if (/[/\\:]/.test(name)) return { ok: false, problem: "namePath" };
  if (name.startsWith(".") || name.endsWith(".") || name.includes("..")) return { ok: false, problem: "nameDots" };
  if ([...name].length > MAX_FILENAME_LENGTH) return { ok: false, problem: "nameTooLong" };
  const extension = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase() ?? "";
  return { ok: true, name, extension };
}

export type CheckedAttachment = { filename: string; kind: AttachmentKind; contentType: string; size: number };

/**
 * The whole check of one upload: name, then content, then that the name's extension says what the content is
 * (a "letter.pdf" that is a Word file is refused rather than renamed: staff should see what they send).
 */
export function checkAttachment(filename: string, data: Uint8Array): { ok: true; file: CheckedAttachment } | { ok: false; problem: AttachmentProblem } {
  const name = checkFilename(filename);
  if (!name.ok) return name;
  if (data.length > MAX_ATTACHMENTS_TOTAL_BYTES) return { ok: false, problem: "tooLarge" };
  const detected = detectKind(data);
  if (!detected.ok) return detected;
  const type = ATTACHMENT_TYPES[detected.kind];
  if (!type.extensions.includes(name.extension)) return { ok: false, problem: "nameMismatch" };
  return { ok: true, file: { filename: name.name, kind: detected.kind, contentType: type.contentType, size: data.length } };
}

/** The accepted extensions, for the file input's `accept` and the hint. */
export const ACCEPTED_EXTENSIONS = Object.values(ATTACHMENT_TYPES).flatMap((t) => t.extensions.map((e) => `.${e}`));
