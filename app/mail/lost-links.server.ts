import { type DB, inTransaction } from "~/db.server";
import type { Env } from "~/env.server";
import type { Lng } from "~/i18n";
import { getFixedT } from "~/i18next.server";
import { localized } from "~/lib/directory";
import { messageIdFor } from "~/lib/tokens.server";
import { composeLinkMail, loadLetterIdentity, organisationName } from "~/mail/compose.server";
import { memberRecipients, storedRsvpUrl } from "~/mail/invitations.server";
import { parseMailFrom } from "~/mail/transport.server";
import { listAudience } from "~/models/audience.server";
import { writeAudit } from "~/models/audit.server";
import { enqueueMessage } from "~/models/email-message.server";
import { getEvent } from "~/models/event.server";
import { invitationsReachableAt } from "~/models/invitation.server";

const oneLine = (text: string) => text.replace(/[\r\n]+/g, " ").trim();

/**
 * "Send me my link again" (issue 18 §6): for every open invitation this address is a recipient of (the member's
 * To or Cc) or a registered delegate of, queues that invitation's current link to this address only, in the
 * invitation's language, audited. The caller answers the same whatever this finds. One message per invitation,
 * address and hour: asking twice in a row sends once.
 */
export async function resendLinksTo(db: DB, { env, address, ip, now = new Date() }: { env: Env; address: string; ip?: string; now?: Date }): Promise<number> {
  const email = address.trim().toLowerCase();
  const candidates = await invitationsReachableAt(db, { address: email });
  if (!candidates.length) return 0;
  const members = await listAudience(db, { mode: "picked", memberIds: [...new Set(candidates.map((c) => c.memberId))] });
  const eligible = candidates.filter((c) => {
    if (c.viaDelegate) return true;
    const member = members.find((m) => m.id === c.memberId);
    if (!member) return false;
    const { to, cc } = memberRecipients(member);
    return [...to, ...cc].some((a) => a.address.toLowerCase() === email);
  });
  if (!eligible.length) return 0;
  const domain = parseMailFrom(env.MAIL_FROM).address.split("@")[1] ?? "plenary.invalid";
  const hour = now.toISOString().slice(0, 13);
  let queued = 0;
  await inTransaction(db, async (trx) => {
    const identity = await loadLetterIdentity(trx, env.APP_URL);
    for (const invitation of eligible) {
      const event = await getEvent(trx, { id: invitation.eventId });
      const member = members.find((m) => m.id === invitation.memberId);
      if (!event || !member) continue;
      const locale = invitation.letterLocale as Lng;
      const t = await getFixedT(locale, ["emails"]);
      const organisation = organisationName(identity, locale, t("organisation"));
      const eventTitle = localized(event.title, locale);
      const subject = oneLine(t("linkAgain.subject", { event: eventTitle }));
      const url = storedRsvpUrl(env);
      const paragraphs = [t("linkAgain.greeting"), t("linkAgain.body", { event: eventTitle, member: localized(member.names, locale) })];
      const { html, text } = await composeLinkMail({
        locale,
        identity,
        organisation,
        subject,
        paragraphs,
        link: { url, label: t("linkAgain.button"), intro: t("linkIntro") },
        footer: t("linkAgain.ignore"),
      });
      const key = `invitation:${invitation.id}:link_again:${email}:${hour}`;
      const created = await enqueueMessage(trx, {
        idempotencyKey: key,
        messageId: messageIdFor(key, domain),
        kind: "link_again",
        locale,
        eventId: event.id,
        invitationId: invitation.id,
        to: [{ address: email }],
        subject,
        html,
        text,
        giveUpAt: event.rsvpDeadline ? new Date(event.rsvpDeadline) : new Date(event.startsAt),
      });
      if (!created) continue;
      queued++;
      await writeAudit(trx, {
        actor: { label: email },
        action: "invitations.link_requested",
        objectType: "invitation",
        objectId: invitation.id,
        ip,
        details: { address: email, as: invitation.viaDelegate ? "delegate" : "recipient" },
      });
    }
  });
  return queued;
}
