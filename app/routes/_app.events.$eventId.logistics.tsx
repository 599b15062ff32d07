import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { canHandlePassports, requireUser } from "~/auth.server";
import { EmptyState } from "~/components/app-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { EventTools } from "~/components/event-tools";
import { getDb } from "~/db.server";
import { LOGISTICS_LISTS, type LogisticsList } from "~/lib/logistics";
import { logisticsTable } from "~/lib/logistics.server";
import type { PageTitle } from "~/lib/page-title";
import { protocolOrder } from "~/lib/protocol";
import { listRosterPeople } from "~/models/roster.server";
import { eventSummary, requireEvent } from "~/services/event-view.server";

function listFrom(url: URL): LogisticsList {
  const list = url.searchParams.get("list");
  return (LOGISTICS_LISTS as readonly string[]).includes(list ?? "") ? (list as LogisticsList) : "arrivals";
}

/** Lists for the host's logistics team: airport pick-ups, departures, rooming (Latin script), dietary and interpretation needs. */
export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  const event = await requireEvent(args.params.eventId);
  const locale = args.context.locale;
  const list = listFrom(new URL(args.request.url));
  const people = protocolOrder(await listRosterPeople(getDb(), { eventId: event.id }), event.protocol ?? {}, event.hostMemberId);
  return {
    event: eventSummary(event, locale),
    list,
    total: people.length,
    table: await logisticsTable(list, people, locale),
    visaLetters: canHandlePassports(user),
  };
}

export const handle = { i18n: ["common", "rosters"], title: "rosters:logistics.title" satisfies PageTitle };

export default function LogisticsRoute() {
  const { t } = useTranslation("rosters");
  const { event, list, table, total, visaLetters } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="breadcrumb">
        <Link to={`/events/${event.id}`}>{event.title}</Link>
      </p>
      <div className="page-header">
        <h1>{t("logistics.title")}</h1>
        <div className="actions">
          <a className="button" href={`/events/${event.id}/logistics.csv?list=${list}`} download>
            {t("logistics.csv")}
          </a>
        </div>
      </div>
      <EventTools eventId={event.id} visaLetters={visaLetters} />
      <nav aria-label={t("logistics.lists")} className="subnav">
        <ul>
          {LOGISTICS_LISTS.map((l) => (
            <li key={l}>
              <Link to={`?list=${l}`} aria-current={l === list ? "page" : undefined}>
                {t(`logistics.lists_.${l}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <p className="muted">{t(`logistics.intro.${list}`)}</p>
      {table.warnings ? (
        <p className="notice" role="status">
          {t(`logistics.warnings.${list === "rooming" ? "rooming" : "travel"}`, { count: table.warnings })}
        </p>
      ) : null}
      {table.summary?.length ? (
        <ul className="legend" aria-label={t("logistics.summary")}>
          {table.summary.map((s) => (
            <li key={s.label}>
              <strong>{s.count}</strong> {s.label}
            </li>
          ))}
        </ul>
      ) : null}
      {total === 0 || table.rows.length === 0 ? (
        <EmptyState title={t("logistics.empty.title")} body={t("logistics.empty.body")} />
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                {table.headers.map((h) => (
                  <th scope="col" key={h}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((row, index) => (
                <tr key={index}>
                  {row.map((cell, c) => (
                    <td key={c}>{cell}</td>
                  ))}
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
