import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ParticipantList, type ParticipantListData } from "~/components/participant-list";
import type { PageTitle } from "~/lib/page-title";
import { PARTICIPANTS_HEADERS, participantsPage, requireReplyLinkEvent } from "~/services/participants-page.server";

/** The published List of Participants as a delegate reaches it from the reply link, in the reader's language. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const event = await requireReplyLinkEvent(params.token, context);
  const data = await participantsPage(event, context, { publicOnly: false, base: `/r/${params.token}/participants`, backHref: `/r/${params.token}` });
  return Response.json(data, { headers: PARTICIPANTS_HEADERS });
}

export function headers() {
  return PARTICIPANTS_HEADERS;
}

export const handle = { i18n: ["common", "emails", "delegation", "rosters"], title: "delegation:participants.title" satisfies PageTitle };
export const meta: MetaFunction = () => [{ name: "robots", content: "noindex" }];

export default function ReplyLinkParticipantsRoute() {
  return <ParticipantList data={useLoaderData<ParticipantListData>()} />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
