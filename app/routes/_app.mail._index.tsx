import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { requireUser } from "~/auth.server";
import { EmptyState } from "~/components/app-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { MailTabs } from "~/components/mail-tabs";
import { Pagination } from "~/components/pagination";
import { SortableHeader } from "~/components/sortable-header";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { languageNames } from "~/i18n";
import { formatDateTimeZoned } from "~/lib/dates";
import { mailFilter } from "~/lib/mail-log";
import type { PageTitle } from "~/lib/page-title";
import { pageWindow } from "~/lib/paging";
import { sortFrom } from "~/lib/sorting";
import { countMessages, getQueueState, listMessages, MESSAGE_SORTS } from "~/models/email-message.server";
import { getStaffTimeZone } from "~/models/secretariat.server";
import { type Address, MESSAGE_STATUSES } from "../../db/schema";

/** Messages shown at a time: a 5,000-letter wave stays a light page, every message reachable (issue 15). */
const MAIL_PAGE = 100;

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "staff");
  const url = new URL(args.request.url);
  const db = getDb();
  const filter = mailFilter(url);
  // newest first unless a column header asked for another order
  const sort = url.searchParams.has("sort") ? sortFrom(url.searchParams, MESSAGE_SORTS, "created") : { key: "created" as const, dir: "desc" as const };
  const window = pageWindow(await countMessages(db, filter), url.searchParams.get("page"), MAIL_PAGE);
  const [messages, queue, zone] = await Promise.all([
    listMessages(db, { ...filter, sort, limit: window.size, offset: window.offset }),
    getQueueState(db),
    getStaffTimeZone(db),
  ]);
  const when = (date: Date) => formatDateTimeZoned(date, args.context.locale, zone);
  return {
    transport: getEnv().SMTP_URL ? "smtp" : "local",
    paused: queue.pausedAt ? { reason: queue.pauseReason, kind: queue.pauseKind, resumeAt: queue.resumeAt ? when(queue.resumeAt) : null } : null,
    csv: `/mail.csv${url.search}`,
    window,
    sort,
    statuses: filter.statuses,
    messages: messages.map((m) => ({
      id: m.id,
      kind: m.kind,
      locale: m.locale,
      status: m.status,
      subject: m.subject,
      to: (m.to as Address[]).map((a) => a.address).join(", "),
      attempts: m.attempts,
      lastReply: m.lastReply,
      created: when(new Date(m.createdAt)),
      nextAttempt: m.status === "deferred" || m.status === "queued" ? when(new Date(m.nextAttemptAt)) : null,
      toUndelivered: m.toUndelivered,
    })),
  };
}

export const handle = { i18n: ["common", "invitations"], title: "common:nav.mail" satisfies PageTitle };

export default function MailLogRoute() {
  const { t } = useTranslation("invitations");
  const data = useLoaderData<typeof loader>();
  const { transport, paused, messages, csv, window, sort } = data;
  const [params] = useSearchParams();
  return (
    <>
      <MailTabs />
      <div className="page-header">
        <h1>{t("common:nav.mail")}</h1>
        <a className="button" href={csv} download>
          {t("mail.exportCsv")}
        </a>
      </div>
      {paused ? (
        <div className="form-errors" role="alert">
          <p>
            {paused.kind === "rate" ? t("mail.pausedRate", { reason: paused.reason, at: paused.resumeAt ?? "—" }) : t("mail.paused", { reason: paused.reason })}
          </p>
        </div>
      ) : null}
      {transport === "local" ? <p className="notice">{t("mail.localMailbox")}</p> : null}
      <Form method="get" className="filters" role="search" aria-label={t("mail.filters")}>
        <div className="field grow">
          <label htmlFor="q">{t("mail.search")}</label>
          <input id="q" name="q" type="search" defaultValue={params.get("q") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="status">{t("mail.statusFilter")}</label>
          <select id="status" name="status" defaultValue={data.statuses.join(",")}>
            <option value="">—</option>
            {data.statuses.length > 1 ? <option value={data.statuses.join(",")}>{data.statuses.map((s) => t(`status.${s}`)).join(" + ")}</option> : null}
            {MESSAGE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          {t("mail.apply")}
        </button>
      </Form>
      {messages.length === 0 ? (
        <EmptyState title={t("common:mail.empty.title")} body={t("common:mail.empty.body")} />
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <SortableHeader label={t("mail.subject")} sortKey="subject" sort={sort} />
                <th scope="col">{t("mail.to")}</th>
                <SortableHeader label={t("columns.language")} sortKey="locale" sort={sort} />
                <SortableHeader label={t("mail.statusFilter")} sortKey="status" sort={sort} />
                <SortableHeader label={t("mail.created")} sortKey="created" sort={sort} className="hide-narrow" />
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr key={m.id}>
                  <td className="truncate-wide">
                    <Link to={`/mail/${m.id}`} title={m.subject}>
                      {m.subject}
                    </Link>
                    <span className="secondary-name">{t(`kinds.${m.kind}`)}</span>
                  </td>
                  <td className="small nowrap-wide">{m.to}</td>
                  <td>{languageNames[m.locale]}</td>
                  <td>
                    <span className={`badge mail-${m.status}`}>{t(`status.${m.status}`)}</span>
                    {m.attempts > 1 ? <span className="small muted"> ×{m.attempts}</span> : null}
                    {m.toUndelivered && m.status === "sent" ? <span className="secondary-name field-errors">{t("mail.toUndelivered")}</span> : null}
                    {m.lastReply && m.status !== "sent" ? <span className="secondary-name">{m.lastReply}</span> : null}
                    {m.nextAttempt && m.status === "deferred" ? <span className="secondary-name">{t("mail.nextAttempt", { at: m.nextAttempt })}</span> : null}
                  </td>
                  <td className="small hide-narrow nowrap-wide">{m.created}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pagination page={window.page} pages={window.pages} label={t("mail.pages")} window={window} />
        </div>
      )}
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
