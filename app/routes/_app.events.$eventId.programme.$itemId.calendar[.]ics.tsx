import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { formatSlot } from "~/lib/dates";
import { localized } from "~/lib/directory";
import { foundOr404 } from "~/lib/found.server";
import { calendarFile, contentDisposition } from "~/lib/ics.server";
import { getEvent, getProgrammeItem } from "~/models/event.server";

/** One programme item as an .ics file. */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args);
  const locale = args.context.locale;
  const db = getDb();
  const event = await foundOr404(args.params.eventId, (id) => getEvent(db, { id }));
  const item = await foundOr404(args.params.itemId, (id) => getProgrammeItem(db, { id, eventId: event.id }));
  const title = `${localized(item.title, locale)} — ${localized(event.title, locale)}`;
  const start = new Date(item.startsAt);
  const end = new Date(item.endsAt);
  const body = calendarFile({
    uid: `programme-${item.id}@plenary`,
    title,
    start,
    end,
    location: [localized(item.place, locale), localized(event.venue, locale)].filter(Boolean).join(", "),
    description: [`${formatSlot(start, end, locale, event.timeZone)} (${event.timeZone})`, localized(item.description, locale)].filter(Boolean).join("\n\n"),
    status: event.status === "cancelled" ? "CANCELLED" : "CONFIRMED",
  });
  return new Response(body, {
    headers: { "Content-Type": "text/calendar; charset=utf-8; method=PUBLISH", "Content-Disposition": contentDisposition(title), "Cache-Control": "no-store" },
  });
}
