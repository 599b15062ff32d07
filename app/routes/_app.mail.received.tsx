import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { requireUser } from "~/auth.server";
import { EmptyState } from "~/components/app-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { MailTabs } from "~/components/mail-tabs";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { formatDateTimeZoned } from "~/lib/dates";
import type { PageTitle } from "~/lib/page-title";
import { listInbound } from "~/models/inbound-mail.server";
import { getStaffTimeZone } from "~/models/secretariat.server";
import { INBOUND_KINDS } from "../../db/schema";

/** What the mail intake received (issue 16 §5): late bounces, auto-replies, replies by email, the rest. */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "staff");
  const db = getDb();
  const kind = INBOUND_KINDS.find((k) => k === new URL(args.request.url).searchParams.get("kind"));
  const [rows, zone] = await Promise.all([listInbound(db, { kind, limit: 200 }), getStaffTimeZone(db)]);
  const env = getEnv();
  return {
    intake: env.MAIL_INBOUND_PORT ? { port: env.MAIL_INBOUND_PORT, returnPath: env.MAIL_RETURN_PATH ?? null } : null,
    rows: rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      at: formatDateTimeZoned(row.receivedAt, args.context.locale, zone),
      from: row.fromAddress,
      subject: row.subject,
      messageId: row.emailMessageId,
      reply: row.kind === "reply" && row.eventId && row.invitationId ? `/events/${row.eventId}/replies/${row.invitationId}#emailed-replies` : null,
      bounced: ((row.details as { bounced?: string[] }).bounced ?? []).join(", "),
    })),
  };
}

export const handle = { i18n: ["common", "invitations"], title: "invitations:received.title" satisfies PageTitle };

export default function ReceivedMailRoute() {
  const { t } = useTranslation("invitations");
  const { rows, intake } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <MailTabs />
      <h1>{t("received.title")}</h1>
      <p className="field-hint">{intake ? t("received.on", { port: intake.port }) : t("received.off")}</p>
      <Form method="get" className="filters" aria-label={t("received.filter")}>
        <div className="field">
          <label htmlFor="kind">{t("received.kind")}</label>
          <select id="kind" name="kind" defaultValue={params.get("kind") ?? ""}>
            <option value="">—</option>
            {INBOUND_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`received.kinds.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          {t("mail.apply")}
        </button>
      </Form>
      {rows.length === 0 ? (
        <EmptyState title={t("received.empty.title")} body={t("received.empty.body")} />
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t("received.kind")}</th>
                <th scope="col">{t("mail.subject")}</th>
                <th scope="col">{t("received.from")}</th>
                <th scope="col">{t("received.at")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td>
                    <span className={`badge inbound-${row.kind}`}>{t(`received.kinds.${row.kind}`)}</span>
                  </td>
                  <td>
                    {row.subject || "—"}
                    {row.bounced ? <span className="secondary-name field-errors">{t("received.bounced", { addresses: row.bounced })}</span> : null}
                    {row.messageId ? (
                      <Link className="secondary-name" to={`/mail/${row.messageId}`}>
                        {t("received.about")}
                      </Link>
                    ) : null}
                    {row.reply ? (
                      <Link className="secondary-name" to={row.reply}>
                        {t("received.openReply")}
                      </Link>
                    ) : null}
                  </td>
                  <td className="small">{row.from ?? "—"}</td>
                  <td className="small">{row.at}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
