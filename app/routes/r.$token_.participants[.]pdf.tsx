import type { LoaderFunctionArgs } from "@remix-run/node";

import { participantsPdfResponse, requireReplyLinkEvent } from "~/services/participants-page.server";

/** The published List of Participants as a PDF, from the reply link. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const event = await requireReplyLinkEvent(params.token, context);
  return participantsPdfResponse(event, context, { publicOnly: false });
}
