import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { getDb } from "~/db.server";
import { formatDateTimeZoned } from "~/lib/dates";
import type { PageTitle } from "~/lib/page-title";
import { auditFacets, auditFilterFromQuery, listAudit } from "~/models/audit.server";
import { getStaffTimeZone } from "~/models/secretariat.server";

const PAGE_SIZE = 100;

/** Nested details one level flat: { filter: { action: "x" } } → [["filter.action", "x"]]. */
function entriesOf(details: Record<string, unknown>, prefix = ""): [string, unknown][] {
  return Object.entries(details ?? {}).flatMap(([key, value]) =>
    value && typeof value === "object" && !Array.isArray(value) && !prefix
      ? entriesOf(value as Record<string, unknown>, `${key}.`)
      : [[`${prefix}${key}`, value] as [string, unknown]],
  );
}

/** Details as one short line: "from: staff · to: viewer". */
function compactDetails(details: Record<string, unknown>) {
  const text = entriesOf(details)
    .filter(([, value]) => value !== undefined && value !== null && value !== "")
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" · ");
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/** The append-only audit log (administrators only): newest first, filtered, 100 rows a page. */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "admin");
  const db = getDb();
  const { filter, zone, before } = auditFilterFromQuery(new URL(args.request.url).searchParams, await getStaffTimeZone(db));
  const [rows, facets] = await Promise.all([listAudit(db, { ...filter, before, limit: PAGE_SIZE + 1 }), auditFacets(db)]);
  const page = rows.slice(0, PAGE_SIZE);
  return {
    facets,
    first: !before,
    next: rows.length > PAGE_SIZE ? page[page.length - 1].id : null,
    rows: page.map((row) => ({
      id: row.id,
      at: new Date(row.at).toISOString(),
      when: formatDateTimeZoned(new Date(row.at), args.context.locale, zone),
      actorName: row.actorName,
      actorLabel: row.actorLabel,
      action: row.action,
      objectType: row.objectType,
      objectId: row.objectId,
      ip: row.ip,
      details: compactDetails(row.details),
    })),
  };
}

export const handle = { i18n: ["common", "staff"], title: "staff:audit.title" satisfies PageTitle };

/** "Signed in" for auth.sign_in; an action this version does not know keeps its code. */
type Translate = (key: string, options: { defaultValue: string }) => string;

function actionLabel(t: Translate, code: string) {
  return t(`audit.actions.${code}`, { defaultValue: code });
}

function prefixesOf(actions: string[]) {
  const groups = new Map<string, string[]>();
  for (const action of actions) {
    const prefix = action.includes(".") ? action.slice(0, action.indexOf(".")) : action;
    groups.set(prefix, [...(groups.get(prefix) ?? []), action]);
  }
  return [...groups];
}

export default function AuditLogRoute() {
  const { t } = useTranslation("staff");
  const { rows, facets, next, first } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const query = (changes: Record<string, string | null>) => {
    const copy = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) copy.delete(key);
      else copy.set(key, value);
    }
    const text = copy.toString();
    return text ? `?${text}` : "";
  };
  return (
    <>
      <div className="page-header">
        <h2>{t("audit.title")}</h2>
        <div className="actions">
          <a className="button" href={`/settings/audit.csv${query({ before: null })}`} download>
            {t("audit.export")}
          </a>
        </div>
      </div>
      <p className="muted">{t("audit.lead")}</p>

      <Form method="get" className="filters" role="search" aria-label={t("audit.filters")}>
        <div className="field">
          <label htmlFor="actor">{t("audit.actor")}</label>
          <input id="actor" name="actor" type="search" maxLength={100} defaultValue={params.get("actor") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="action">{t("audit.action")}</label>
          <select id="action" name="action" defaultValue={params.get("action") ?? ""}>
            <option value="">{t("audit.anyAction")}</option>
            {prefixesOf(facets.actions).map(([prefix, actions]) => (
              <optgroup key={prefix} label={t(`audit.prefixes.${prefix}`, { defaultValue: prefix })}>
                <option value={`${prefix}.`}>{t("audit.allOf", { group: t(`audit.prefixes.${prefix}`, { defaultValue: prefix }) })}</option>
                {actions.map((action) => (
                  <option key={action} value={action}>
                    {actionLabel(t, action)}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="objectType">{t("audit.objectType")}</label>
          <select id="objectType" name="objectType" defaultValue={params.get("objectType") ?? ""}>
            <option value="">{t("audit.anyObject")}</option>
            {facets.objectTypes.map((type) => (
              <option key={type} value={type}>
                {t(`audit.objects.${type}`, { defaultValue: type })}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="objectId">{t("audit.objectId")}</label>
          <input id="objectId" name="objectId" maxLength={100} defaultValue={params.get("objectId") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="from">{t("audit.from")}</label>
          <input id="from" name="from" type="date" defaultValue={params.get("from") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="to">{t("audit.to")}</label>
          <input id="to" name="to" type="date" defaultValue={params.get("to") ?? ""} />
        </div>
        <button type="submit" className="button">
          {t("audit.apply")}
        </button>
        {params.toString() ? (
          <Link to="/settings/audit" className="button subtle-dark">
            {t("audit.clear")}
          </Link>
        ) : null}
      </Form>

      {rows.length === 0 ? (
        <p className="empty-inline">{t("audit.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">{t("audit.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("audit.time")}</th>
                <th scope="col">{t("audit.actor")}</th>
                <th scope="col">{t("audit.action")}</th>
                <th scope="col">{t("audit.object")}</th>
                <th scope="col" className="hide-narrow">
                  {t("audit.client")}
                </th>
                <th scope="col">{t("audit.details")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td className="small">
                    <time dateTime={row.at}>{row.when}</time>
                  </td>
                  <td>
                    {row.actorName ?? row.actorLabel}
                    {row.actorName ? <span className="secondary-name">{row.actorLabel}</span> : null}
                  </td>
                  <td>
                    {actionLabel(t, row.action)}
                    <span className="secondary-name">
                      <code>{row.action}</code>
                    </span>
                  </td>
                  <td className="small">
                    {row.objectType ? t(`audit.objects.${row.objectType}`, { defaultValue: row.objectType }) : "—"}
                    {row.objectId ? (
                      <span className="secondary-name">
                        <code>{row.objectId}</code>
                      </span>
                    ) : null}
                  </td>
                  <td className="small hide-narrow">{row.ip ?? "—"}</td>
                  <td className="small">{row.details}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="form-actions" aria-label={t("audit.pages")}>
        {!first ? (
          <Link to={query({ before: null })} className="button">
            {t("audit.newest")}
          </Link>
        ) : null}
        {next ? (
          <Link to={query({ before: next })} className="button" rel="next">
            {t("audit.older")}
          </Link>
        ) : null}
      </nav>
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
