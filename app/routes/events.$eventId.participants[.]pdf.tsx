import type { LoaderFunctionArgs } from "@remix-run/node";

import { participantsPdfResponse, requirePublicEvent } from "~/services/participants-page.server";

/** The openly published List of Participants as a PDF (404 unless the event publishes it publicly). */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const event = await requirePublicEvent(params.eventId);
  return participantsPdfResponse(event, context, { publicOnly: true });
}
