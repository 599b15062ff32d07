import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { canReadMessage, requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ConfirmAction } from "~/components/forms";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { languageNames } from "~/i18n";
import { readForm } from "~/lib/bounded-form.server";
import { formatDateTimeZoned } from "~/lib/dates";
import { foundOr404 } from "~/lib/found.server";
import { titleFrom } from "~/lib/page-title";
import { messageIdFor } from "~/lib/tokens.server";
import { LINK_PLACEHOLDER, MASKED_LINK } from "~/lib/tokens.server";
import { parseMailFrom } from "~/mail/transport.server";
import { audited } from "~/models/audit.server";
import { getMessage, resendMessage } from "~/models/email-message.server";
import { getStaffTimeZone } from "~/models/secretariat.server";
import type { StaffUser } from "~/models/staff-user.server";
import type { Address, RecipientOutcome } from "../../db/schema";

/** A message that did not reach its main recipient may be sent again as a new revision (suppressed addresses stay skipped). */
const RESENDABLE = new Set(["failed", "bounced", "suppressed"]);

/** Staff-account mails (invitations, password resets) carry a set-password link: only administrators may read them. */
async function requireMessage(id: string | undefined, user: Pick<StaffUser, "role">) {
  const message = await foundOr404(id, (id) => getMessage(getDb(), { id }));
  if (!canReadMessage(user, message.kind)) throw new Response("Not Found", { status: 404 });
  return message;
}

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, "staff");
  const m = await requireMessage(args.params.messageId, user);
  const zone = await getStaffTimeZone(getDb());
  const when = (d: Date | null) => (d ? formatDateTimeZoned(new Date(d), args.context.locale, zone) : null);
  return {
    message: {
      id: m.id,
      kind: m.kind,
      locale: m.locale,
      status: m.status,
      subject: m.subject,
      // links are stored masked; the Mail log says so with dots (issue 13 §3)
      text: m.text.replaceAll(LINK_PLACEHOLDER, MASKED_LINK),
      to: (m.to as Address[]).map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)),
      cc: (m.cc as Address[]).map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)),
      icsName: m.icsName,
      attempts: m.attempts,
      lastReply: m.lastReply,
      messageId: m.messageId,
      created: when(m.createdAt),
      sent: when(m.sentAt),
      nextAttempt: m.status === "deferred" ? when(m.nextAttemptAt) : null,
      eventId: m.eventId,
      recipients: ((m.recipients ?? []) as RecipientOutcome[]).map((r) => ({
        address: r.address,
        field: r.field,
        state: r.state,
        reply: r.reply ?? null,
        at: r.at ? when(new Date(r.at)) : null,
      })),
    },
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const m = await requireMessage(args.params.messageId, user);
  const form = await readForm(args.request);
  if (form.get("intent") !== "resend") throw new Response("Bad Request", { status: 400 });
  const domain = parseMailFrom(getEnv().MAIL_FROM).address.split("@")[1] ?? "plenary.invalid";
  const db = getDb();
  const id = await audited(
    db,
    (trx) => resendMessage(trx, { id: m.id, createdBy: user.id, messageIdFor: (key) => messageIdFor(key, domain) }),
    (id) => (id ? { actor: user, action: "mail.resent", objectType: "email_message", objectId: id, ip: args.context.clientIp, details: { from: m.id } } : null),
  );
  if (!id) throw new Response("Conflict", { status: 409 });
  return redirect(`/mail/${id}`);
}

export const handle = {
  i18n: ["common", "invitations"],
  title: titleFrom<typeof loader>((data) => (data?.message?.subject ? { text: data.message.subject } : null)),
};

export default function MailMessageRoute() {
  const { t } = useTranslation("invitations");
  const { message } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/mail">{t("common:nav.mail")}</Link>
      </p>
      <div className="page-header">
        <h1>{message.subject}</h1>
        {RESENDABLE.has(message.status) ? <ConfirmAction label={t("mail.resend")} question={t("mail.resendConfirm")} intent="intent" value="resend" /> : null}
      </div>
      <section className="panel">
        <dl className="facts">
          <dt>{t("mail.statusFilter")}</dt>
          <dd>
            <span className={`badge mail-${message.status}`}>{t(`status.${message.status}`)}</span>
            {message.status === "local" ? <span className="small muted">{t("mail.notSent")}</span> : null}
          </dd>
          <dt>{t("mail.to")}</dt>
          <dd>{message.to.join(", ")}</dd>
          {message.cc.length ? (
            <>
              <dt>{t("cc")}</dt>
              <dd>{message.cc.join(", ")}</dd>
            </>
          ) : null}
          <dt>{t("columns.language")}</dt>
          <dd>{languageNames[message.locale]}</dd>
          <dt>{t("mail.attempts")}</dt>
          <dd>{message.attempts}</dd>
          {message.lastReply ? (
            <>
              <dt>{t("mail.lastReply")}</dt>
              <dd>
                <code>{message.lastReply}</code>
              </dd>
            </>
          ) : null}
          {message.nextAttempt ? (
            <>
              <dt>{t("mail.nextAttemptLabel")}</dt>
              <dd>{message.nextAttempt}</dd>
            </>
          ) : null}
          <dt>{t("mail.created")}</dt>
          <dd>{message.created}</dd>
          {message.sent ? (
            <>
              <dt>{t("mail.sent")}</dt>
              <dd>{message.sent}</dd>
            </>
          ) : null}
          {message.icsName ? (
            <>
              <dt>{t("mail.attachment")}</dt>
              <dd>{message.icsName}</dd>
            </>
          ) : null}
          <dt>Message-ID</dt>
          <dd>
            <code>{message.messageId}</code>
          </dd>
        </dl>
      </section>
      {message.recipients.length ? (
        <section className="panel" aria-labelledby="recipients-heading">
          <h2 id="recipients-heading">{t("mail.recipients")}</h2>
          <div className="table-wrap">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t("mail.recipient")}</th>
                  <th scope="col">{t("mail.statusFilter")}</th>
                  <th scope="col">{t("mail.lastReply")}</th>
                </tr>
              </thead>
              <tbody>
                {message.recipients.map((r) => (
                  <tr key={r.address}>
                    <td>
                      {r.address} <span className="small muted">({r.field === "to" ? t("mail.to") : t("cc")})</span>
                    </td>
                    <td>
                      <span className={`badge recipient-${r.state}`}>{t(`mail.recipientStates.${r.state}`)}</span>
                      {r.at ? <span className="secondary-name">{r.at}</span> : null}
                    </td>
                    <td className="small">{r.reply ? <code>{r.reply}</code> : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      <section className="panel" aria-labelledby="html-heading">
        <h2 id="html-heading">{t("mail.html")}</h2>
        <iframe title={t("mail.html")} src={`/mail/${message.id}/html`} sandbox="" className="mail-frame" />
      </section>
      <section className="panel" aria-labelledby="text-heading">
        <h2 id="text-heading">{t("mail.text")}</h2>
        <pre className="mail-text">{message.text}</pre>
      </section>
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
