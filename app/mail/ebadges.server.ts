import crypto from "node:crypto";

import type { Tx } from "~/db.server";
import type { Env } from "~/env.server";
import type { Lng } from "~/i18n";
import { getFixedT } from "~/i18next.server";
import { localized } from "~/lib/directory";
import { badgeLocale, badgeNames } from "~/lib/ebadge";
import { qrPng } from "~/lib/ebadge-qr.server";
import { formatName } from "~/lib/names";
import { seal } from "~/lib/sealed.server";
import { LINK_PLACEHOLDER, messageIdFor } from "~/lib/tokens.server";
import { eventCalendar, type LetterIdentity, noticeFrame, oneLine } from "~/mail/compose.server";
import { renderEmail } from "~/mail/render-email.server";
import { parseMailFrom } from "~/mail/transport.server";
import { type BadgeHolder, ensureBadgeToken, listBadgeHolders } from "~/models/ebadge.server";
import { enqueueMessage, existingMessageKeys } from "~/models/email-message.server";
import type { EventRow, ProgrammeItemRow } from "~/models/event.server";
import type { LocalizedText } from "../../db/schema";
import Ebadge from "../../emails/ebadge";

/** The content id of the QR code in an e-badge message. */
export const EBADGE_QR_CID = "ebadge-qr@plenary";

export function badgeUrl(env: Env, token: string) {
  return `${env.APP_URL}/b/${token}`;
}

/**
 * What makes a delegate's confirmation worth sending again: who they are, their address, language, badge code,
 * category, programme items and waiting-list items. A save that changes none of these (or a second click) queues nothing new.
 */
export function badgeFingerprint(holder: BadgeHolder, locale: Lng, memberName: string) {
  const facts = [
    locale,
    memberName,
    holder.role,
    holder.nameLocale,
    holder.familyName,
    holder.givenName,
    holder.patronymic,
    holder.clanName,
    holder.latinFamilyName,
    holder.latinGivenName,
    holder.title,
    holder.email?.toLowerCase(),
    holder.category,
    holder.checkInCode,
    [...holder.programme].sort().join(","),
    // only when there is one, so that the confirmations of people who wait for nothing keep their key
    ...(holder.waiting.length ? [`waiting:${[...holder.waiting].sort().join(",")}`] : []),
  ];
  return crypto.createHash("sha256").update(JSON.stringify(facts)).digest("hex").slice(0, 24);
}

/** One delegate's confirmation in `locale`: subject, HTML and text (the e-badge link masked), the QR code PNG and the .ics. */
export async function composeEbadge({
  event,
  holder,
  locale,
  memberNames,
  programme,
  url,
  identity,
}: {
  event: EventRow;
  holder: BadgeHolder;
  locale: Lng;
  memberNames: LocalizedText;
  programme: readonly ProgrammeItemRow[];
  url: string;
  identity?: LetterIdentity | null;
}) {
  const t = await getFixedT(locale, ["ebadge", "events"]);
  const frame = await noticeFrame({ locale, identity, event });
  const { facts, organisation } = frame;
  const member = localized(memberNames, locale);
  const names = badgeNames(holder);
  const subject = oneLine(t("ebadge:mail.subject", { event: facts.title }));
  const items = programme.filter((item) => holder.programme.includes(item.id)).map((item) => localized(item.title, locale));
  const waiting = programme.filter((item) => holder.waiting.includes(item.id)).map((item) => localized(item.title, locale));
  const greeting = formatName(holder, locale, "salutation");
  const intro = t("ebadge:mail.intro", { member, event: facts.title });
  const hint = t("ebadge:mail.qrHint");
  const footer = t("ebadge:mail.footer", { member, organisation });
  const category = t(`events:categories.${holder.category}`);
  const codeLabel = t("ebadge:code");
  const link = { url, label: t("ebadge:mail.open"), intro: frame.linkIntro };
  const html = renderEmail(
    Ebadge({
      lang: frame.lang,
      organisation,
      preview: subject,
      letterhead: frame.letterhead,
      greeting,
      intro,
      badge: {
        event: facts.title,
        native: names.native,
        latin: names.latin,
        title: holder.title,
        member,
        category,
        code: holder.checkInCode,
        codeLabel,
        qrSrc: `cid:${EBADGE_QR_CID}`,
        qrAlt: t("ebadge:qrAlt", { code: holder.checkInCode }),
        hint,
      },
      programme: { heading: t("ebadge:programme"), items, none: t("ebadge:noProgramme") },
      waiting: { heading: t("ebadge:waiting"), hint: t("ebadge:waitingHint"), items: waiting },
      link,
      facts: frame.factsBox,
      footer,
    }),
  );
  const text = frame.text({
    body: [
      greeting,
      intro,
      [names.native, names.latin, holder.title, member, category, `${codeLabel}: ${holder.checkInCode}`].filter(Boolean).join("\n"),
      hint,
      [t("ebadge:programme"), ...(items.length ? items.map((item) => `- ${item}`) : [t("ebadge:noProgramme")])].join("\n"),
      ...(waiting.length ? [[t("ebadge:waiting"), t("ebadge:waitingHint"), ...waiting.map((item) => `- ${item}`)].join("\n")] : []),
    ],
    link,
    footer,
  });
  const png = await qrPng(holder.checkInCode);
  return {
    subject,
    html,
    text,
    ics: eventCalendar(event, locale),
    inlineImages: [{ cid: EBADGE_QR_CID, filename: `${holder.checkInCode}.png`, contentType: "image/png", content: png.toString("base64") }],
  };
}

/**
 * After a saved reply (inside its transaction): a personal confirmation for each delegate with an address, in
 * their own language, with their e-badge. Only for a delegation that comes, to an event neither cancelled nor
 * archived; anonymised people get nothing. Each message's key holds the delegate and a fingerprint of what it
 * says, so saving the same delegation again queues nothing, while a person changed (or a new person who
 * replaces someone) gets an updated one. A person removed is no longer in the delegation: nothing is sent.
 */
export async function queueEbadges(
  trx: Tx,
  {
    env,
    event,
    invitationId,
    response,
    letterLocale,
    memberNames,
    programme,
    identity,
    createdBy,
    holders = () => listBadgeHolders(trx, { invitationId }),
  }: {
    env: Env;
    event: EventRow;
    invitationId: string;
    response: string;
    letterLocale: Lng;
    memberNames: LocalizedText;
    programme: readonly ProgrammeItemRow[];
    identity: LetterIdentity | null;
    createdBy: string | null;
    /** the invitation's people as badges show them, when the caller has read them in this transaction already */
    holders?: () => Promise<BadgeHolder[]>;
  },
): Promise<number> {
  if (response !== "attending" && response !== "representative") return 0;
  if (event.status === "cancelled" || event.status === "archived") return 0;
  const domain = parseMailFrom(env.MAIL_FROM).address.split("@")[1] ?? "plenary.invalid";
  const due = (await holders())
    .filter((holder) => holder.email && !holder.anonymised)
    .map((holder) => {
      const locale = badgeLocale(holder.interpretation, letterLocale);
      return { holder, locale, key: `delegate:${holder.id}:ebadge:${badgeFingerprint(holder, locale, localized(memberNames, locale))}` };
    });
  // confirmations already queued are not rendered again (a save that changed nobody's costs one query)
  const existing = await existingMessageKeys(trx, { keys: due.map((d) => d.key) });
  let queued = 0;
  for (const { holder, locale, key } of due) {
    if (existing.has(key) || !holder.email) continue;
    // the link exists from the first confirmation on; the stored message holds it masked, sealed beside it
    const token = await ensureBadgeToken(trx, { delegateId: holder.id, key: env.DATA_ENCRYPTION_KEY });
    const message = await composeEbadge({ event, holder, locale, memberNames, programme, url: badgeUrl(env, LINK_PLACEHOLDER), identity });
    const names = badgeNames(holder);
    const added = await enqueueMessage(trx, {
      idempotencyKey: key,
      messageId: messageIdFor(key, domain),
      kind: "ebadge",
      locale,
      eventId: event.id,
      invitationId,
      to: [{ name: names.latin ?? names.native, address: holder.email }],
      ...message,
      linkSealed: seal(env.DATA_ENCRYPTION_KEY, token),
      giveUpAt: new Date(event.endsAt),
      createdBy,
    });
    if (added) queued++;
  }
  return queued;
}
