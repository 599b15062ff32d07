import type { DB } from "~/db.server";
import type { Lng } from "~/i18n";
import { letterhead } from "~/models/secretariat.server";

/** The secretariat's name, address, signature and logo in `lang` for PDFs (Settings → Identity); null when no name is set. */
export async function letterheadFor(db: DB, lang: Lng) {
  const head = await letterhead(db, lang);
  if (!head?.name) return null;
  return {
    ...head,
    // pdfkit draws PNG; an SVG logo is left out of PDFs
    logo: head.logo && head.logo.type === "image/png" ? head.logo : undefined,
  };
}
