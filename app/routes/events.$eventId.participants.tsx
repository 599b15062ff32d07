import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ParticipantList, type ParticipantListData } from "~/components/participant-list";
import type { PageTitle } from "~/lib/page-title";
import { PARTICIPANTS_HEADERS, participantsPage, requirePublicEvent } from "~/services/participants-page.server";

/** The List of Participants an event publishes openly: anyone may read it, in their language (404 unless public). */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const event = await requirePublicEvent(params.eventId);
  const data = await participantsPage(event, context, { publicOnly: true, base: `/events/${event.id}/participants`, backHref: null });
  return Response.json(data, { headers: PARTICIPANTS_HEADERS });
}

export function headers() {
  return PARTICIPANTS_HEADERS;
}

export const handle = { i18n: ["common", "emails", "delegation", "rosters"], title: "delegation:participants.title" satisfies PageTitle };

export default function PublicParticipantsRoute() {
  return <ParticipantList data={useLoaderData<ParticipantListData>()} />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
