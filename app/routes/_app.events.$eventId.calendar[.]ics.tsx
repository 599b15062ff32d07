import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { formatEventDates } from "~/lib/dates";
import { localized } from "~/lib/directory";
import { foundOr404 } from "~/lib/found.server";
import { calendarFile, contentDisposition } from "~/lib/ics.server";
import { getEvent } from "~/models/event.server";

/** The whole event as an .ics file, texts in the viewer's language, times in UTC. */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args);
  const locale = args.context.locale;
  const event = await foundOr404(args.params.eventId, (id) => getEvent(getDb(), { id }));
  const title = localized(event.title, locale);
  const venue = localized(event.venue, locale);
  const start = new Date(event.startsAt);
  const end = new Date(event.endsAt);
  const body = calendarFile({
    uid: `event-${event.id}@plenary`,
    title,
    start,
    end,
    location: venue,
    description: [formatEventDates(start, end, locale, event.timeZone, venue || null), localized(event.description, locale)].filter(Boolean).join("\n\n"),
    url: event.meetingUrl ?? `${getEnv().APP_URL}/events/${event.id}`,
    status: event.status === "cancelled" ? "CANCELLED" : "CONFIRMED",
  });
  return new Response(body, {
    headers: { "Content-Type": "text/calendar; charset=utf-8; method=PUBLISH", "Content-Disposition": contentDisposition(title), "Cache-Control": "no-store" },
  });
}
