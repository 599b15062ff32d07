// Small records model tests start from, made through the same schemas and model functions as the app's forms.
import type { DB } from "~/db.server";
import { EventSchema } from "~/lib/event-schemas";
import { createEvent } from "~/models/event.server";

/** A one- or two-day forum in Seoul's time zone with one delegate category (a draft; open it when needed). */
export function createForum(db: DB, { quota, start = "2026-09-10T09:00", end = "2026-09-11T18:00" }: { quota: number; start?: string; end?: string }) {
  return createEvent(
    db,
    EventSchema.parse({ kind: "forum", title: { en: "Forum" }, timeZone: "Asia/Seoul", start, end, quota: String(quota), categories: ["delegate"] }),
  );
}
