// Plain types for the PDF layer (importable from anywhere; the renderers themselves are *.server.ts).

export type PdfLang = "en" | "ko" | "zh" | "ja" | "ru" | "mn";

/** A piece of text and the language it is written in (decides Han glyph forms: zh → SC, ja → JP, ko → KR). */
export type PdfText = string | { text: string; lang?: PdfLang; bold?: boolean };

/** An organisation's letterhead. SVG logos are skipped (pdfkit cannot draw SVG); PNG and JPEG are drawn. */
export type PdfLogo = { data: Buffer; type: "image/png" | "image/jpeg" | "image/svg+xml" };
