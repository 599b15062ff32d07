import { type BadgesPdfInput, renderBadgesPdf } from "./pdf/badges.server";
import { type InvitationLetterPdfInput, renderInvitationLetterPdf } from "./pdf/invitation-letter.server";
import { type PlaceCardInput, renderPlaceCardsPdf } from "./pdf/place-cards.server";
import { renderRosterPdf, type RosterPdfInput } from "./pdf/roster.server";
import type { PdfLang } from "./pdf/types";
import { renderVisaLetterPdf, type VisaLetterPage } from "./pdf/visa-letter.server";
import { toXlsx } from "./spreadsheet.server";

/**
 * A document to render from plain data alone (no database, no functions): what a worker thread of the render
 * pool receives (app/services/render-pool.server.ts). Buffers (logos) arrive as Uint8Array and are revived.
 */
export type RenderTask =
  | { kind: "roster_pdf"; input: RosterPdfInput }
  | { kind: "badges_pdf"; input: BadgesPdfInput }
  | { kind: "place_cards_pdf"; input: { lang: PdfLang; cards: PlaceCardInput[] } }
  | { kind: "visa_letters_pdf"; input: { pages: VisaLetterPage[] } }
  | { kind: "invitation_letter_pdf"; input: InvitationLetterPdfInput }
  | { kind: "xlsx"; input: { sheetName: string; headers: string[]; rows: string[][] } };

export type RenderKind = RenderTask["kind"];

/** Renders one task; the same function runs in a worker thread and, with RENDER_THREADS=0, on the request thread. */
export async function runRenderTask(task: RenderTask): Promise<Uint8Array> {
  switch (task.kind) {
    case "roster_pdf":
      return renderRosterPdf(revive(task.input));
    case "badges_pdf":
      return renderBadgesPdf(revive(task.input));
    case "place_cards_pdf":
      return renderPlaceCardsPdf(task.input);
    case "visa_letters_pdf":
      return renderVisaLetterPdf(revive(task.input));
    case "invitation_letter_pdf":
      return renderInvitationLetterPdf(revive(task.input));
    case "xlsx":
      return toXlsx(task.input.sheetName, task.input.headers, task.input.rows);
  }
}

/** Structured cloning turns a Buffer into a plain Uint8Array; pdfkit recognises images only in a Buffer. */
function revive<T>(value: T): T {
  if (value instanceof Uint8Array) return (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)) as T;
  if (Array.isArray(value)) return value.map(revive) as T;
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)])) as T;
  return value;
}
