import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { deliveryOf } from "~/lib/delivery";
import { countMessagesByStatus } from "~/models/email-message.server";
import { requireEvent } from "~/services/event-view.server";

/** The event's mail on its way, as a small JSON document the event page polls while messages are pending. */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args);
  const event = await requireEvent(args.params.eventId);
  return Response.json(deliveryOf(await countMessagesByStatus(getDb(), { eventId: event.id })), { headers: { "Cache-Control": "no-store" } });
}
