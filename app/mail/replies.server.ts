import { type DB, inTransaction } from "~/db.server";
import type { Env } from "~/env.server";
import type { Lng } from "~/i18n";
import { getFixedT } from "~/i18next.server";
import { localized } from "~/lib/directory";
import { formatName } from "~/lib/names";
import type { ReplyInput } from "~/lib/reply-schemas";
import { messageIdFor } from "~/lib/tokens.server";
import { notifyPromotions } from "~/mail/capacity.server";
import { composeNoticeMail, eventCalendar, eventFactsIn, type LetterIdentity, letterIdentityOf, loadLetterIdentity } from "~/mail/compose.server";
import { queueEbadges } from "~/mail/ebadges.server";
import { linkKeys, memberRecipients, storedRsvpUrl } from "~/mail/invitations.server";
import { parseMailFrom } from "~/mail/transport.server";
import { listAudience } from "~/models/audience.server";
import { writeAudit } from "~/models/audit.server";
import { type BadgeHolder, listBadgeHolders } from "~/models/ebadge.server";
import { enqueueMessage } from "~/models/email-message.server";
import { type EventRow, listProgramme, type ProgrammeItemRow } from "~/models/event.server";
import { ensureLinkToken, getInvitationAddressing } from "~/models/invitation.server";
import { applyReply, type ReplyActor, type SaveOutcome } from "~/models/reply.server";
import type { Secretariat } from "~/models/secretariat.server";

/** How one delegate reads in a summary: "KIM Minsoo (김민수), Vice-Governor". */
type NamedPerson = {
  nameLocale: Lng;
  givenName: string;
  familyName?: string | null;
  patronymic?: string | null;
  clanName?: string | null;
  latinFamilyName?: string | null;
  latinGivenName?: string | null;
  title?: string | null;
};

export function delegateLine(person: NamedPerson, locale: Lng) {
  const name = formatName(
    {
      nameLocale: person.nameLocale,
      familyName: person.familyName,
      givenName: person.givenName,
      patronymic: person.patronymic,
      clanName: person.clanName,
      latinFamilyName: person.latinFamilyName,
      latinGivenName: person.latinGivenName,
    },
    locale,
    "roster",
  );
  return person.title ? `${name}, ${person.title}` : name;
}

/** The confirmation a delegation receives after each change: the answer, who comes, and the event's .ics. */
export async function composeReplyConfirmation({
  event,
  memberNames,
  locale,
  input,
  programme,
  waiting = [],
  url,
  identity,
}: {
  event: EventRow;
  memberNames: Record<string, string | undefined>;
  locale: Lng;
  input: ReplyInput;
  programme: { id: string; title: string }[];
  /** per person (in the delegation's order): the items they are only on the waiting list for */
  waiting?: string[][];
  url: string;
  identity?: LetterIdentity | null;
}) {
  const t = await getFixedT(locale, ["reply", "emails"]);
  const facts = eventFactsIn(event, locale);
  const member = localized(memberNames, locale);
  const coming = input.response !== "declining";
  const people = coming ? input.delegates : [];
  const subject = t("reply:confirmation.subject", { event: facts.title });
  const lines = people.map((p, i) => {
    const queued = waiting[i] ?? [];
    const items = programme.filter((item) => p.programme.includes(item.id) && !queued.includes(item.id)).map((item) => item.title);
    const queue = programme.filter((item) => queued.includes(item.id)).map((item) => item.title);
    const parts = [...(items.length ? [items.join(", ")] : []), ...(queue.length ? [t("reply:confirmation.waiting", { items: queue.join(", ") })] : [])];
    return `${i + 1}. ${t(`reply:roles.${p.role}`)}: ${delegateLine(p, locale)}${parts.length ? ` — ${parts.join("; ")}` : ""}`;
  });
  const paragraphs = [
    t(`reply:confirmation.intro.${input.response}`, { member, event: facts.title }),
    ...(input.response === "declining" && input.declineReason ? [`${t("reply:fields.declineReason")}: ${input.declineReason}`] : []),
    ...(lines.length ? [`${t("reply:confirmation.delegation", { count: lines.length })}\n${lines.join("\n")}`] : []),
    t("reply:confirmation.change", { deadline: facts.deadline }),
  ];
  const message = await composeNoticeMail({ locale, identity, event, subject, paragraphs, link: { url }, member });
  return { ...message, ics: coming ? eventCalendar(event, locale) : null };
}

export class ReplyClosedError extends Error {}

/**
 * One reply, by the link holder or by staff on the member's behalf: the answer and delegation (optimistic
 * concurrency, see applyReply), a history row and the confirmation email in the invitation's language, all in
 * one transaction. Staff changes are audited as well.
 */
export async function submitReply(
  db: DB,
  {
    env,
    event,
    invitationId,
    input,
    actor,
    passportAllowed,
    ip,
    known,
  }: {
    env: Env;
    event: EventRow;
    invitationId: string;
    input: ReplyInput;
    actor: ReplyActor;
    passportAllowed: boolean;
    ip?: string;
    /**
     * What the caller has read already (the reply link's lookup and the event's kept facts, issue 15): the
     * invitation's member and language, the programme and the secretariat. Three statements fewer per answer.
     */
    known?: { memberId: string; locale: Lng; programme: readonly ProgrammeItemRow[]; secretariat: Secretariat };
  },
): Promise<SaveOutcome> {
  return inTransaction(db, async (trx) => {
    const outcome = await applyReply(trx, { invitationId, expectedRevision: input.revision, input, actor, key: env.DATA_ENCRYPTION_KEY, passportAllowed });
    if (outcome.status !== "saved") return outcome;
    // the programme and the letterhead, read once for the confirmation and the e-badges
    let programmeRows: Promise<readonly ProgrammeItemRow[]> | undefined;
    const programmeOf = () => (programmeRows ??= known ? Promise.resolve(known.programme) : listProgramme(trx, { eventId: event.id }));
    let letterhead: Promise<LetterIdentity> | undefined;
    const identityOf = () => (letterhead ??= known ? Promise.resolve(letterIdentityOf(known.secretariat, env.APP_URL)) : loadLetterIdentity(trx, env.APP_URL));
    // the people as badges show them (places held and waited for), read once for the confirmation and the e-badges
    let badgeHolders: Promise<BadgeHolder[]> | undefined;
    const holdersOf = () => (badgeHolders ??= listBadgeHolders(trx, { invitationId }));
    const invitation = known ? { memberId: known.memberId, locale: known.locale } : await getInvitationAddressing(trx, { invitationId });
    const [member] = await listAudience(trx, { mode: "picked", memberIds: [invitation.memberId] });
    const recipients = member ? memberRecipients(member) : null;
    const head = input.response !== "declining" ? input.delegates.find((p) => p.role === "head") : undefined;
    const to = recipients?.to.length ? recipients.to : head?.email ? [{ address: head.email }] : [];
    const taken = new Set(to.map((a) => a.address.toLowerCase()));
    const cc = [...(recipients?.cc ?? []), ...(head?.email ? [{ address: head.email }] : [])].filter(
      (a) => !taken.has(a.address.toLowerCase()) && taken.add(a.address.toLowerCase()),
    );
    if (to.length) {
      await ensureLinkToken(trx, { invitationId, keys: linkKeys(env) });
      const programme = (await programmeOf()).map((item) => ({ id: item.id, title: localized(item.title, invitation.locale) }));
      const message = await composeReplyConfirmation({
        event,
        memberNames: member?.names ?? {},
        locale: invitation.locale,
        input,
        programme,
        // a person who only waits for an item is not told they are registered for it (issue 18 §7)
        waiting: (await holdersOf()).map((holder) => holder.waiting),
        url: storedRsvpUrl(env),
        identity: await identityOf(),
      });
      const key = `invitation:${invitationId}:reply:${outcome.revision}`;
      await enqueueMessage(trx, {
        idempotencyKey: key,
        messageId: messageIdFor(key, parseMailFrom(env.MAIL_FROM).address.split("@")[1] ?? "plenary.invalid"),
        kind: "confirmation",
        locale: invitation.locale,
        eventId: event.id,
        invitationId,
        to,
        cc,
        ...message,
        createdBy: actor.kind === "staff" ? actor.user.id : null,
      });
    }
    // issue 18 §5: each delegate with an address gets their own confirmation with their e-badge
    await queueEbadges(trx, {
      env,
      event,
      invitationId,
      response: input.response,
      letterLocale: invitation.locale,
      memberNames: member?.names ?? {},
      programme: await programmeOf(),
      identity: await identityOf(),
      createdBy: actor.kind === "staff" ? actor.user.id : null,
      holders: holdersOf,
    });
    // places freed by this change went to the first people waiting: each hears of it (issue 18 §7)
    await notifyPromotions(trx, { env, event, promotions: outcome.promotions });
    for (const substitution of outcome.substitutions) {
      await writeAudit(trx, {
        actor: actor.kind === "staff" ? actor.user : { label: "reply link" },
        action: "replies.delegate_replaced",
        objectType: "invitation",
        objectId: invitationId,
        ip,
        details: { ...substitution, revision: outcome.revision },
      });
    }
    if (actor.kind === "staff") {
      await writeAudit(trx, {
        actor: actor.user,
        action: "replies.answered_on_behalf",
        objectType: "invitation",
        objectId: invitationId,
        ip,
        details: {
          response: input.response,
          people: input.response === "declining" ? 0 : input.delegates.length,
          reason: actor.reason,
          revision: outcome.revision,
        },
      });
    }
    return outcome;
  });
}
