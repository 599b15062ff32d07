import { createEvent, type DateArray, type EventAttributes } from "ics";

/**
 * One VEVENT as an .ics file. Times are written in UTC ("…Z"), so every calendar shows them at the right
 * moment in its own zone; the venue's zone is named in the description.
 */
export function calendarFile(input: {
  uid: string;
  title: string;
  start: Date;
  end: Date;
  location?: string;
  description?: string;
  url?: string;
  status?: "CONFIRMED" | "CANCELLED" | "TENTATIVE";
}): string {
  const utc = (d: Date): DateArray => [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()];
  const attributes: EventAttributes = {
    uid: input.uid,
    productId: "plenary/ics",
    title: input.title,
    start: utc(input.start),
    startInputType: "utc",
    startOutputType: "utc",
    end: utc(input.end),
    endInputType: "utc",
    endOutputType: "utc",
    location: input.location || undefined,
    description: input.description || undefined,
    url: input.url || undefined,
    status: input.status ?? "CONFIRMED",
    calName: "Plenary",
  };
  const { error, value } = createEvent(attributes);
  if (error || !value) throw error ?? new Error("ics: no output");
  return value;
}

/** A file name safe in Content-Disposition: ASCII for old clients, UTF-8 in filename*. */
export function contentDisposition(name: string) {
  const ascii =
    name
      .normalize("NFKD")
      .replace(/[^\x20-\x7E]/g, "")
      .replace(/["\\]/g, "")
      .trim() || "event";
  return `attachment; filename="${ascii}.ics"; filename*=UTF-8''${encodeURIComponent(name)}.ics`;
}
