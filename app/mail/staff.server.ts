import { type DB, inTransaction } from "~/db.server";
import type { Env } from "~/env.server";
import type { Lng } from "~/i18n";
import { getFixedT } from "~/i18next.server";
import { seal } from "~/lib/sealed.server";
import { hashToken, LINK_PLACEHOLDER, messageIdFor } from "~/lib/tokens.server";
import { composeLinkMail, type LetterIdentity, loadLetterIdentity, organisationName } from "~/mail/compose.server";
import { parseMailFrom } from "~/mail/transport.server";
import { writeAudit } from "~/models/audit.server";
import { enqueueMessage } from "~/models/email-message.server";
import { DuplicateError } from "~/models/errors";
import { issueStaffToken, STAFF_TOKEN_SECONDS, type StaffTokenPurpose } from "~/models/staff-token.server";
import { createInvitedStaffUser, lockStaffUserForLink, normalizeEmail, staffEmailExists, type StaffUser } from "~/models/staff-user.server";
import type { Locale, StaffRole } from "../../db/schema";

export function staffLinkUrl(env: Env, token: string) {
  return `${env.APP_URL}/account/password/${token}`;
}

const oneLine = (text: string) => text.replace(/[\r\n]+/g, " ").trim();

/** The invitation or reset email in `locale`: subject, HTML and plain text from the same parts. */
export async function composeStaffLink({
  purpose,
  locale,
  url,
  name,
  email,
  role,
  sender,
  identity,
}: {
  purpose: StaffTokenPurpose;
  locale: Lng;
  url: string;
  name: string;
  email: string;
  role: StaffRole;
  sender: string;
  /** Settings → Identity: the organisation's name, address and logo */
  identity?: LetterIdentity | null;
}) {
  const t = await getFixedT(locale, ["staff", "emails", "common"]);
  const organisation = organisationName(identity, locale, t("emails:organisation"));
  const subject = oneLine(t(`staff:email.${purpose}.subject`, { organisation }));
  const paragraphs = [
    t("staff:email.greeting", { name }),
    t(`staff:email.${purpose}.body`, { sender, organisation, role: t(`common:roles.${role}`) }),
    t(`staff:email.${purpose}.next`, { email }),
  ];
  const expires =
    purpose === "invite"
      ? t("staff:email.expiresDays", { count: STAFF_TOKEN_SECONDS.invite / 86400 })
      : t("staff:email.expiresHours", { count: STAFF_TOKEN_SECONDS.reset / 3600 });
  const footer = `${expires} ${t("staff:email.ignore")}`;
  return composeLinkMail({
    locale,
    identity,
    organisation,
    subject,
    paragraphs,
    link: { url, label: t(`staff:email.${purpose}.button`), intro: t("emails:linkIntro") },
    footer,
  });
}

type Admin = Pick<StaffUser, "id" | "email" | "displayName">;

/** Issues a link for an account and queues its email, inside the caller's transaction. */
async function queueLink(
  trx: DB,
  { env, admin, account, purpose, locale }: { env: Env; admin: Admin; account: StaffUser; purpose: StaffTokenPurpose; locale: Lng },
) {
  const { token } = await issueStaffToken(trx, { userId: account.id, purpose, createdBy: admin.id });
  const message = await composeStaffLink({
    purpose,
    locale,
    // stored masked; the worker puts the token back in from the sealed copy when it sends (issue 13 §3)
    url: staffLinkUrl(env, LINK_PLACEHOLDER),
    name: account.displayName,
    email: account.email,
    role: account.role,
    sender: admin.displayName,
    identity: await loadLetterIdentity(trx, env.APP_URL),
  });
  // one message per link: the key names the link (by a prefix of its hash), never the token itself
  const key = `staff:${purpose}:${account.id}:${hashToken(token).slice(0, 16)}`;
  await enqueueMessage(trx, {
    idempotencyKey: key,
    messageId: messageIdFor(key, parseMailFrom(env.MAIL_FROM).address.split("@")[1] ?? "plenary.invalid"),
    kind: `staff_${purpose}`,
    locale,
    to: [{ name: account.displayName, address: account.email }],
    ...message,
    createdBy: admin.id,
    linkSealed: seal(env.DATA_ENCRYPTION_KEY, token),
  });
}

/**
 * Invites a colleague: the account (no password yet), a 7-day one-time link and its email in the invitee's
 * language if chosen, else the inviting administrator's, all in one transaction. An existing email throws
 * DuplicateError and creates nothing.
 */
export async function inviteStaff(
  db: DB,
  {
    env,
    admin,
    adminLocale,
    input,
    ip,
  }: { env: Env; admin: Admin; adminLocale: Lng; input: { email: string; displayName: string; role: StaffRole; locale: Locale | null }; ip?: string | null },
): Promise<StaffUser> {
  return inTransaction(db, async (trx) => {
    if (await staffEmailExists(trx, { email: input.email })) throw new DuplicateError("staff_user", "email");
    const account = await createInvitedStaffUser(trx, { ...input, email: normalizeEmail(input.email), invitedBy: admin.id });
    await queueLink(trx, { env, admin, account, purpose: "invite", locale: input.locale ?? adminLocale });
    await writeAudit(trx, {
      actor: admin,
      action: "staff.invited",
      objectType: "staff_user",
      objectId: account.id,
      ip,
      details: { email: account.email, role: account.role },
    });
    return account;
  });
}

export type LinkOutcome = "sent" | "not_found" | "not_applicable";

/**
 * Re-sends an invitation (to an account still waiting for its first password) or sends a password reset link
 * (to an active account with a password). Either way the account's older links stop working.
 */
export async function sendStaffLink(
  db: DB,
  {
    env,
    admin,
    adminLocale,
    userId,
    purpose,
    ip,
  }: { env: Env; admin: Admin; adminLocale: Lng; userId: string; purpose: StaffTokenPurpose; ip?: string | null },
): Promise<LinkOutcome> {
  return inTransaction(db, async (trx) => {
    const found = await lockStaffUserForLink(trx, { id: userId });
    if (!found) return "not_found";
    const { account } = found;
    if (found.disabled || (purpose === "invite") !== found.waitingForPassword) return "not_applicable";
    await queueLink(trx, { env, admin, account, purpose, locale: account.locale ?? adminLocale });
    await writeAudit(trx, {
      actor: admin,
      action: purpose === "invite" ? "staff.invite_resent" : "staff.reset_sent",
      objectType: "staff_user",
      objectId: account.id,
      ip,
      details: { email: account.email },
    });
    return "sent";
  });
}
