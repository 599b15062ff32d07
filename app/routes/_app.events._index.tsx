import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, NavLink, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { hasRole, requireUser } from "~/auth.server";
import { EmptyState } from "~/components/app-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { getDb } from "~/db.server";
import type { PageTitle } from "~/lib/page-title";
import { listEvents } from "~/models/event.server";
import { eventSummary } from "~/services/event-view.server";
import { EVENT_KINDS } from "../../db/schema";

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  const url = new URL(args.request.url);
  const when = url.searchParams.get("when") === "past" ? "past" : "upcoming";
  const events = await listEvents(getDb(), {
    when,
    kind: url.searchParams.get("kind") || undefined,
    q: url.searchParams.get("q")?.slice(0, 100) || undefined,
  });
  return {
    when,
    events: events.map((e) => ({ ...eventSummary(e, args.context.locale), programmeCount: e.programmeCount })),
    canEdit: hasRole(user, "staff"),
  };
}

export const handle = { i18n: ["common", "directory", "events"], title: "common:nav.events" satisfies PageTitle };

export default function EventsRoute() {
  const { t } = useTranslation("events");
  const { when, events, canEdit } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const filtered = Boolean(params.get("q") || params.get("kind"));
  return (
    <>
      <div className="page-header">
        <h1>{t("common:nav.events")}</h1>
        {canEdit ? (
          <Link to="/events/new" className="button primary">
            {t("list.add")}
          </Link>
        ) : null}
      </div>
      <nav className="tabs" aria-label={t("list.tabs")}>
        <NavLink to="/events" end className={() => (when === "upcoming" ? "active" : undefined)}>
          {t("list.upcoming")}
        </NavLink>
        <NavLink to="/events?when=past" className={() => (when === "past" ? "active" : undefined)}>
          {t("list.past")}
        </NavLink>
      </nav>
      <Form method="get" className="filters" role="search" aria-label={t("list.filters")}>
        <input type="hidden" name="when" value={when} />
        <div className="field grow">
          <label htmlFor="q">{t("directory:members.filters.search")}</label>
          <input id="q" name="q" type="search" defaultValue={params.get("q") ?? ""} placeholder={t("list.searchPlaceholder")} />
        </div>
        <div className="field">
          <label htmlFor="kind">{t("fields.kind")}</label>
          <select id="kind" name="kind" defaultValue={params.get("kind") ?? ""}>
            <option value="">{t("directory:members.filters.all")}</option>
            {EVENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`kinds.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          {t("directory:members.filters.apply")}
        </button>
      </Form>
      {events.length === 0 ? (
        filtered ? (
          <p className="empty-inline">{t("directory:members.noResults")}</p>
        ) : (
          <EmptyState title={when === "past" ? t("list.emptyPast") : t("common:events.empty.title")} body={t("common:events.empty.body")}>
            {canEdit && when === "upcoming" ? (
              <div className="empty-actions">
                <Link to="/events/new" className="button primary">
                  {t("list.add")}
                </Link>
              </div>
            ) : null}
          </EmptyState>
        )
      ) : (
        <ul className="event-list">
          {events.map((e) => (
            <li key={e.id}>
              <div className="event-card">
                <div>
                  <Link to={`/events/${e.id}`} className="event-title">
                    {e.title}
                  </Link>
                  <span className={`badge status-${e.status}`}>{t(`statuses.${e.status}`)}</span>
                  {e.isDemo ? <span className="badge">{t("directory:demo.badge")}</span> : null}
                </div>
                <div className="muted">{e.dates}</div>
                <div className="small muted">
                  {t(`kinds.${e.kind}`)}
                  {e.subcommittee ? ` · ${e.subcommittee}` : ""}
                  {e.host ? ` · ${t("fields.host")}: ${e.host}` : ""} · {t("list.programmeCount", { count: e.programmeCount })}
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
