import type { AppLoadContext } from "@remix-run/node";

import type { ParticipantListData } from "~/components/participant-list";
import { getDb } from "~/db.server";
import { foundOr404 } from "~/lib/found.server";
import { timeJob } from "~/metrics.server";
import { type EventRow, getEvent } from "~/models/event.server";
import { findInvitationByToken } from "~/models/invitation.server";
import { checkRateLimit, hitRateLimit } from "~/models/rate-limit.server";
import { participantsPdf, publishedParticipants } from "~/services/participants.server";
import { attachment } from "~/services/roster-output.server";

export const PARTICIPANTS_HEADERS = { "Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "same-origin" };
/** A PDF costs CPU: one reader (an IP) gets 30 in 10 minutes, whatever list it asks for. */
const PDF_RULE = { limit: 30, windowSeconds: 10 * 60 };

/** The reply link's own rule for unknown links (app/routes/r.$token.tsx, RELIABILITY T7): 30 misses in 10 minutes. */
const MISS_RULE = { limit: 30, windowSeconds: 10 * 60 };

/** The event of a reply link; one 404 for every unusable link, as on the reply page. */
export async function requireReplyLinkEvent(token: string | undefined, { clientIp, replyLink }: AppLoadContext): Promise<EventRow> {
  const db = getDb();
  const key = `rsvp-miss:${clientIp}`;
  if ((await checkRateLimit(db, key, MISS_RULE)).limited) throw new Response("Too Many Requests", { status: 429, headers: PARTICIPANTS_HEADERS });
  // found already by the HTTP layer when it chose the page's language
  const link = replyLink && replyLink.token === token ? replyLink.link : await findInvitationByToken(db, { token: token ?? "" });
  if (!link) {
    await hitRateLimit(db, key, MISS_RULE);
    throw new Response("Not Found", { status: 404, headers: PARTICIPANTS_HEADERS });
  }
  return (await getEvent(db, { id: link.eventId }))!;
}

/** An event by id for the public list: unknown ids and events without a public list look the same (404). */
export function requirePublicEvent(id: string | undefined) {
  return foundOr404(id, (id) => getEvent(getDb(), { id }));
}

/** What the participants page of a reply link or of the public address shows; 404 when no list is published there. */
export async function participantsPage(
  event: EventRow,
  context: AppLoadContext,
  { publicOnly, base, backHref }: { publicOnly: boolean; base: string; backHref: string | null },
): Promise<ParticipantListData> {
  const list = await publishedParticipants(getDb(), event, { lang: context.locale, publicOnly });
  if (!list) throw new Response("Not Found", { status: 404, headers: PARTICIPANTS_HEADERS });
  return {
    locale: context.locale,
    lang: list.lang,
    heading: list.heading,
    eventTitle: list.eventTitle,
    subtitle: list.subtitle,
    stamp: list.stamp,
    count: list.view.count,
    sections: list.view.sections.map((section) => ({
      kind: section.kind,
      heading: section.heading,
      members: section.members.map((member) => ({
        memberId: member.memberId,
        heading: member.heading,
        lines: member.lines.map(({ key, name, latin, nameLang, title, roleLabel }) => ({ key, name, latin, nameLang, title, roleLabel })),
      })),
    })),
    pdfHref: `${base}.pdf`,
    backHref,
  };
}

/** The published list as a PDF, rendered off the request thread; limited per reader. */
export async function participantsPdfResponse(event: EventRow, context: AppLoadContext, { publicOnly }: { publicOnly: boolean }) {
  const db = getDb();
  const key = `participants-pdf:${context.clientIp}`;
  if ((await checkRateLimit(db, key, PDF_RULE)).limited) throw new Response("Too Many Requests", { status: 429, headers: PARTICIPANTS_HEADERS });
  const list = await publishedParticipants(db, event, { lang: context.locale, publicOnly });
  if (!list) throw new Response("Not Found", { status: 404, headers: PARTICIPANTS_HEADERS });
  await hitRateLimit(db, key, PDF_RULE);
  return attachment(await timeJob("roster_pdf", () => participantsPdf(db, list)), "application/pdf", `${list.fileBase}.pdf`);
}
