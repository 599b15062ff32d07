import crypto from "node:crypto";

import { type DB, inTransaction, type Tx } from "~/db.server";
import type { Env } from "~/env.server";
import type { Lng } from "~/i18n";
import { getFixedT } from "~/i18next.server";
import { BULK_MAX, type BulkAction } from "~/lib/bulk";
import { localized } from "~/lib/directory";
import type { DelegateInput } from "~/lib/reply-schemas";
import { messageIdFor } from "~/lib/tokens.server";
import { composeLinkMail, loadLetterIdentity, organisationName } from "~/mail/compose.server";
import { EventNotOpenError, linkKeys, memberRecipients, sendReminders, storedRsvpUrl } from "~/mail/invitations.server";
import { submitReply } from "~/mail/replies.server";
import { parseMailFrom } from "~/mail/transport.server";
import { listAudience } from "~/models/audience.server";
import { writeAudit } from "~/models/audit.server";
import { listSelectedInvitations } from "~/models/bulk.server";
import { enqueueMessage } from "~/models/email-message.server";
import type { EventRow } from "~/models/event.server";
import { reissueLinkToken } from "~/models/invitation.server";
import { type DelegateRow, listDelegates } from "~/models/reply.server";

/** A bulk action refused as a whole, nothing written: the key says why, in the bulk namespace. */
export class BulkRefusedError extends Error {
  constructor(
    readonly key: "none" | "tooMany" | "notOfEvent" | "reasonRequired" | "notOpen" | "conflict",
    readonly status: number,
  ) {
    super(key);
  }
}

/**
 * The selected invitations, every one of them this event's, or a refusal: no id at all, more than BULK_MAX, or
 * one id that is not this event's (a crafted post) refuses the whole action.
 */
export async function requireSelection(db: DB, { eventId, ids }: { eventId: string; ids: string[] }) {
  if (!ids.length) throw new BulkRefusedError("none", 400);
  if (ids.length > BULK_MAX) throw new BulkRefusedError("tooMany", 400);
  const rows = await listSelectedInvitations(db, { eventId, ids });
  if (rows.length !== new Set(ids).size) throw new BulkRefusedError("notOfEvent", 400);
  return rows;
}

/** A stored delegate as the reply form would post them unchanged (passport number and birth date kept sealed). */
function unchanged(d: DelegateRow): DelegateInput {
  const opt = <T>(value: T | null) => value ?? undefined;
  return {
    id: d.id,
    replaces: undefined,
    role: d.role,
    nameLocale: d.nameLocale,
    familyName: opt(d.familyName),
    givenName: d.givenName,
    patronymic: opt(d.patronymic),
    clanName: opt(d.clanName),
    latinFamilyName: opt(d.latinFamilyName),
    latinGivenName: opt(d.latinGivenName),
    gender: opt(d.gender),
    honorific: opt(d.honorific),
    title: opt(d.title),
    email: opt(d.email),
    phone: opt(d.phone),
    dietary: d.dietary,
    dietaryNote: opt(d.dietaryNote),
    accessibility: opt(d.accessibility),
    interpretation: opt(d.interpretation),
    arrivalAt: opt(d.arrivalAt),
    arrivalTransport: opt(d.arrivalTransport),
    arrivalPlace: opt(d.arrivalPlace),
    departureAt: opt(d.departureAt),
    departureTransport: opt(d.departureTransport),
    departurePlace: opt(d.departurePlace),
    hotel: opt(d.hotel),
    programme: d.programme,
    needsVisaLetter: d.needsVisaLetter,
    listConsent: d.listConsent,
    passportName: opt(d.passportName),
    nationality: opt(d.nationality),
    passportExpiry: opt(d.passportExpiry),
    passportNumber: undefined,
    birthDate: undefined,
  } as DelegateInput;
}

/** The new link of each re-issued invitation, mailed to the member's recipients in the letter's language. */
async function mailNewLinks(
  trx: Tx,
  {
    env,
    event,
    invitations,
    batch,
    user,
  }: { env: Env; event: EventRow; invitations: { id: string; memberId: string; letterLocale: Lng }[]; batch: string; user: { id: string } },
) {
  const domain = parseMailFrom(env.MAIL_FROM).address.split("@")[1] ?? "plenary.invalid";
  const identity = await loadLetterIdentity(trx, env.APP_URL);
  const members = await listAudience(trx, { mode: "picked", memberIds: invitations.map((i) => i.memberId) });
  let queued = 0;
  for (const invitation of invitations) {
    const member = members.find((m) => m.id === invitation.memberId);
    if (!member) continue;
    const recipients = memberRecipients(member);
    if (recipients.noEmail) continue;
    const locale = invitation.letterLocale;
    const t = await getFixedT(locale, ["bulk", "emails"]);
    const eventTitle = localized(event.title, locale);
    const subject = t("bulk:mail.subject", { event: eventTitle }).replace(/[\r\n]+/g, " ");
    const { html, text } = await composeLinkMail({
      locale,
      identity,
      organisation: organisationName(identity, locale, t("emails:organisation")),
      subject,
      paragraphs: [t("bulk:mail.greeting"), t("bulk:mail.body", { event: eventTitle, member: localized(member.names, locale) })],
      // the stored message holds the link masked; the worker puts the live (new) token in when it sends
      link: { url: storedRsvpUrl(env), label: t("bulk:mail.button"), intro: t("emails:linkIntro") },
      footer: t("bulk:mail.footer"),
    });
    const key = `invitation:${invitation.id}:link_again:bulk:${batch}`;
    const created = await enqueueMessage(trx, {
      idempotencyKey: key,
      messageId: messageIdFor(key, domain),
      kind: "link_again",
      locale,
      eventId: event.id,
      invitationId: invitation.id,
      to: recipients.to,
      cc: recipients.cc,
      subject,
      html,
      text,
      giveUpAt: event.rsvpDeadline ? new Date(event.rsvpDeadline) : new Date(event.startsAt),
      createdBy: user.id,
    });
    if (created) queued++;
  }
  return queued;
}

/**
 * Runs one bulk action on the selected invitations of an event, all or nothing (one transaction; the selection is
 * checked again inside it). Reminders go through sendReminders with the confirmation page's batch, so a second
 * click queues nothing twice; answers on a member's behalf go through submitReply with the staff actor and reason.
 * How many invitations the action changed (reminders: how many were queued).
 */
export async function runBulkAction(
  db: DB,
  {
    env,
    event,
    action,
    ids,
    batch,
    reason,
    sendLinks,
    user,
    ip,
  }: {
    env: Env;
    event: EventRow;
    action: BulkAction;
    ids: string[];
    batch: string;
    reason?: string;
    sendLinks?: boolean;
    user: { id: string; email: string };
    ip?: string;
  },
): Promise<number> {
  if ((action === "declining" || action === "attending") && (reason ?? "").trim().length < 3) throw new BulkRefusedError("reasonRequired", 400);
  try {
    return await inTransaction(db, async (trx) => {
      const selected = await requireSelection(trx, { eventId: event.id, ids });
      const invitationIds = selected.map((i) => i.id);
      switch (action) {
        case "remind": {
          const { queued } = await sendReminders(trx, { env, eventId: event.id, batch: `bulk-${batch}`, invitationIds, user, ip });
          return queued;
        }
        case "reissue": {
          const keys = linkKeys(env);
          for (const invitation of selected) {
            await reissueLinkToken(trx, { invitationId: invitation.id, keys });
            await writeAudit(trx, {
              actor: user,
              action: "invitations.link_reissued",
              objectType: "invitation",
              objectId: invitation.id,
              ip,
              details: { bulk: batch, selected: selected.length, mailed: Boolean(sendLinks) },
            });
          }
          if (sendLinks) await mailNewLinks(trx, { env, event, invitations: selected, batch, user });
          return selected.length;
        }
        case "declining":
        case "attending": {
          for (const invitation of selected) {
            const delegates =
              action === "attending" ? (await listDelegates(trx, { invitationId: invitation.id, key: env.DATA_ENCRYPTION_KEY })).map(unchanged) : [];
            const outcome = await submitReply(trx, {
              env,
              event,
              invitationId: invitation.id,
              input: {
                response: action,
                declineReason: undefined,
                delegates,
                passportConsent: false,
                revision: invitation.revision,
                // one submission per invitation and confirmation page: posting the page twice changes nothing twice
                submission: uuidFrom(`${batch}:${invitation.id}`),
                reason: reason!.trim(),
              },
              actor: { kind: "staff", user, reason: reason!.trim() },
              passportAllowed: true,
              ip,
            });
            if (outcome.status === "conflict") throw new BulkRefusedError("conflict", 409);
          }
          return selected.length;
        }
      }
    });
  } catch (error) {
    if (error instanceof EventNotOpenError) throw new BulkRefusedError("notOpen", 409);
    throw error;
  }
}

/** A stable uuid for a string (the reply history's submission id must be a uuid). */
function uuidFrom(text: string) {
  const hex = crypto.createHash("sha256").update(text).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
