import type { DB } from "~/db.server";
import type { Env } from "~/env.server";
import type { Lng } from "~/i18n";
import { getFixedT } from "~/i18next.server";
import { localized } from "~/lib/directory";
import { messageIdFor } from "~/lib/tokens.server";
import { composeNoticeMail, eventFactsIn, loadLetterIdentity } from "~/mail/compose.server";
import { linkKeys, memberRecipients, storedRsvpUrl } from "~/mail/invitations.server";
import { delegateLine } from "~/mail/replies.server";
import { parseMailFrom } from "~/mail/transport.server";
import { listAudience } from "~/models/audience.server";
import { type Decided, listNoticeTargets, type NoticeTarget, type Promotion } from "~/models/capacity.server";
import { enqueueMessage } from "~/models/email-message.server";
import { type EventRow, listProgramme } from "~/models/event.server";
import { ensureLinkToken } from "~/models/invitation.server";

/**
 * The person (when they gave an address) and their member's office hear of it; without the person's address
 * the office alone. Addresses are compared case-blind so nobody gets it twice.
 */
async function recipientsOf(trx: DB, target: NoticeTarget) {
  const [member] = await listAudience(trx, { mode: "picked", memberIds: [target.memberId] });
  const office = member ? memberRecipients(member).to : [];
  const to = target.email ? [{ address: target.email }] : office;
  const taken = new Set(to.map((a) => a.address.toLowerCase()));
  const cc = target.email ? office.filter((a) => !taken.has(a.address.toLowerCase()) && taken.add(a.address.toLowerCase())) : [];
  return { to, cc, memberNames: member?.names ?? {} };
}

async function queueNotice(
  trx: DB,
  {
    env,
    event,
    target,
    key,
    kind,
    subject,
    paragraph,
  }: {
    env: Env;
    event: EventRow;
    target: NoticeTarget;
    key: string;
    kind: string;
    subject: (t: (k: string, o?: object) => string) => string;
    paragraph: (t: (k: string, o?: object) => string) => string;
  },
) {
  const { to, cc, memberNames } = await recipientsOf(trx, target);
  if (!to.length) return;
  const locale = target.letterLocale as Lng;
  const t = (await getFixedT(locale, ["capacity", "emails"])) as unknown as (k: string, o?: object) => string;
  await ensureLinkToken(trx, { invitationId: target.invitationId, keys: linkKeys(env) });
  const identity = await loadLetterIdentity(trx, env.APP_URL);
  const member = localized(memberNames, locale);
  const person = delegateLine({ ...target, nameLocale: target.nameLocale as Lng }, locale);
  const paragraphs = [t("capacity:mail.greeting", { person }), paragraph(t), t("capacity:mail.change")];
  const message = await composeNoticeMail({ locale, identity, event, subject: subject(t), paragraphs, link: { url: storedRsvpUrl(env) }, member });
  await enqueueMessage(trx, {
    idempotencyKey: key,
    messageId: messageIdFor(key, parseMailFrom(env.MAIL_FROM).address.split("@")[1] ?? "plenary.invalid"),
    kind,
    locale,
    eventId: event.id,
    invitationId: target.invitationId,
    to,
    cc,
    ...message,
  });
}

/** "A place has become free for you": one message per person and item, in the invitation's language. */
export async function notifyPromotions(trx: DB, { env, event, promotions }: { env: Env; event: EventRow; promotions: Promotion[] }) {
  if (!promotions.length) return;
  const programme = await listProgramme(trx, { eventId: event.id });
  for (const { delegateId, itemId } of promotions) {
    const item = programme.find((p) => p.id === itemId);
    const [target] = await listNoticeTargets(trx, { delegateIds: [delegateId], itemId });
    if (!item || !target) continue;
    const itemTitle = localized(item.title, target.letterLocale);
    await queueNotice(trx, {
      env,
      event,
      target,
      kind: "place_confirmed",
      key: `place:${delegateId}:${itemId}:${target.promotedAt ? new Date(target.promotedAt).getTime() : 0}`,
      subject: (t) => t("capacity:mail.promotedSubject", { item: itemTitle }),
      paragraph: (t) => t("capacity:mail.promotedBody", { item: itemTitle, event: eventFactsIn(event, target.letterLocale as Lng).title }),
    });
  }
}

/** The staff decision on a person needing approval, to the person and their office. */
export async function notifyApprovals(trx: DB, { env, event, decided }: { env: Env; event: EventRow; decided: Decided[] }) {
  for (const decision of decided) {
    const [target] = await listNoticeTargets(trx, { delegateIds: [decision.delegateId] });
    if (!target) continue;
    const eventTitle = eventFactsIn(event, target.letterLocale as Lng).title;
    await queueNotice(trx, {
      env,
      event,
      target,
      kind: "approval",
      key: `approval:${decision.delegateId}:${decision.decision}:${target.approvalAt ? new Date(target.approvalAt).getTime() : 0}`,
      subject: (t) => t(`capacity:mail.${decision.decision}Subject`, { event: eventTitle }),
      paragraph: (t) => t(`capacity:mail.${decision.decision}Body`, { event: eventTitle }),
    });
    await notifyPromotions(trx, { env, event, promotions: decision.promotions });
  }
}
