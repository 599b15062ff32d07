import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { hasRole, requireUser } from "~/auth.server";
import { EmptyState } from "~/components/app-shell";
import { CountryOptions } from "~/components/directory";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Pagination } from "~/components/pagination";
import { SortableHeader } from "~/components/sortable-header";
import { getDb } from "~/db.server";
import { getFixedT } from "~/i18next.server";
import { readForm } from "~/lib/bounded-form.server";
import { countryName, countryOptions, localized, MEMBER_KINDS, MEMBER_STATUSES, sortMembers } from "~/lib/directory";
import type { PageTitle } from "~/lib/page-title";
import { pageWindow } from "~/lib/paging";
import { sortedBy, sortFrom } from "~/lib/sorting";
import { audited } from "~/models/audit.server";
import { loadDemoData } from "~/models/demo.server";
import { countMembers, listMembers } from "~/models/member.server";

const MEMBER_SORTS = ["name", "country", "kind", "contacts"] as const;

/** Members shown at a time (NEAR's 82 fit on one page). */
const DIRECTORY_PAGE = 100;

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  const url = new URL(args.request.url);
  const filter = {
    q: url.searchParams.get("q")?.slice(0, 100) || undefined,
    country: url.searchParams.get("country") || undefined,
    kind: url.searchParams.get("kind") || undefined,
    status: url.searchParams.get("status") || undefined,
    archived: url.searchParams.get("archived") === "1",
  };
  const db = getDb();
  const [members, total] = await Promise.all([listMembers(db, filter), countMembers(db)]);
  const locale = args.context.locale;
  // sorted in the reader's collation (kana readings, pinyin…), or by the column asked for, then a page of it
  const sort = sortFrom(url.searchParams, MEMBER_SORTS, "name");
  const byName = sortMembers(members, locale);
  const rank = new Map(byName.map((m, i) => [m.id, i]));
  // kinds sort by the name the reader sees ("Krai", "Край", "边疆区"), not by their code
  const t = await getFixedT(locale, "directory");
  const collator = new Intl.Collator(locale);
  const kindLabel = new Map(MEMBER_KINDS.map((k) => [k as string, t(`kinds.${k}`)]));
  const compare: Record<(typeof MEMBER_SORTS)[number], (a: (typeof byName)[number], b: (typeof byName)[number]) => number> = {
    name: (a, b) => rank.get(a.id)! - rank.get(b.id)!,
    country: (a, b) => countryName(a.country, locale).localeCompare(countryName(b.country, locale), locale) || rank.get(a.id)! - rank.get(b.id)!,
    kind: (a, b) => collator.compare(kindLabel.get(a.kind) ?? a.kind, kindLabel.get(b.kind) ?? b.kind) || rank.get(a.id)! - rank.get(b.id)!,
    contacts: (a, b) => Number(a.contactCount) - Number(b.contactCount) || rank.get(a.id)! - rank.get(b.id)!,
  };
  const sorted = sortedBy(byName, compare[sort.key], sort.dir);
  const window = pageWindow(sorted.length, url.searchParams.get("page"), DIRECTORY_PAGE);
  return {
    window,
    sort,
    members: sorted.slice(window.offset, window.offset + window.size).map((m) => ({
      id: m.id,
      name: localized(m.names, locale),
      nameEn: m.names.en ?? "",
      country: m.country,
      countryName: countryName(m.country, locale),
      kind: m.kind,
      status: m.status,
      defaultLocale: m.defaultLocale,
      contactCount: m.contactCount,
      isDemo: m.isDemo,
    })),
    total,
    countries: countryOptions(locale),
    canEdit: hasRole(user, "staff"),
    isAdmin: hasRole(user, "admin"),
    loaded: url.searchParams.get("loaded"),
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "admin");
  const form = await readForm(args.request);
  if (form.get("intent") !== "load-demo") throw new Response("Bad Request", { status: 400 });
  const db = getDb();
  const result = await audited(
    db,
    (trx) => loadDemoData(trx),
    (result) => ({ actor: user, action: "directory.demo_loaded", ip: args.context.clientIp, details: result }),
  );
  return redirect(`/members?loaded=${result.members}`);
}

export const handle = { title: "directory:members.title" satisfies PageTitle };

export default function MembersRoute() {
  const { t } = useTranslation("directory");
  const { members, total, countries, canEdit, isAdmin, loaded, window, sort } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const filtered = ["q", "country", "kind", "status", "archived"].some((k) => params.get(k));

  if (total === 0) {
    return (
      <>
        <h1>{t("members.title")}</h1>
        <EmptyState title={t("members.empty.title")} body={t("members.empty.body")}>
          <div className="empty-actions">
            {isAdmin ? (
              <details className="confirm">
                <summary className="button primary">{t("demo.load")}</summary>
                <div className="confirm-panel" role="group" aria-label={t("demo.load")}>
                  <p>{t("demo.confirm")}</p>
                  <Form method="post">
                    <button type="submit" name="intent" value="load-demo" className="button primary" disabled={navigation.state !== "idle"}>
                      {navigation.state !== "idle" ? t("demo.loading") : t("demo.confirmButton")}
                    </button>
                  </Form>
                </div>
              </details>
            ) : null}
            {canEdit ? (
              <Link to="/members/import" className="button">
                {t("members.empty.import")}
              </Link>
            ) : null}
          </div>
        </EmptyState>
      </>
    );
  }

  return (
    <>
      <div className="page-header">
        <h1>{t("members.title")}</h1>
        {canEdit ? (
          <Link to="/members/new" className="button primary">
            {t("members.add")}
          </Link>
        ) : null}
      </div>
      {loaded ? (
        <p className="notice success" role="status">
          {t("demo.loaded", { count: Number(loaded) })}
        </p>
      ) : null}
      <Form method="get" className="filters" role="search" aria-label={t("members.filters.label")}>
        <div className="field grow">
          <label htmlFor="q">{t("members.filters.search")}</label>
          <input id="q" name="q" type="search" defaultValue={params.get("q") ?? ""} placeholder={t("members.filters.searchPlaceholder")} />
        </div>
        <div className="field">
          <label htmlFor="country">{t("fields.country")}</label>
          <select id="country" name="country" defaultValue={params.get("country") ?? ""}>
            <option value="">{t("members.filters.all")}</option>
            <CountryOptions countries={countries} />
          </select>
        </div>
        <div className="field">
          <label htmlFor="kind">{t("fields.kind")}</label>
          <select id="kind" name="kind" defaultValue={params.get("kind") ?? ""}>
            <option value="">{t("members.filters.all")}</option>
            {MEMBER_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`kinds.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="status">{t("fields.status")}</label>
          <select id="status" name="status" defaultValue={params.get("status") ?? ""}>
            <option value="">{t("members.filters.all")}</option>
            {MEMBER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`statuses.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <label className="checkbox">
          <input type="checkbox" name="archived" value="1" defaultChecked={params.get("archived") === "1"} /> {t("members.filters.archived")}
        </label>
        <button type="submit" className="button">
          {t("members.filters.apply")}
        </button>
        {filtered ? (
          <Link to="/members" className="button subtle-dark">
            {t("members.filters.clear")}
          </Link>
        ) : null}
      </Form>
      <p className="muted" role="status">
        {t("members.count", { count: window.total })}
      </p>
      {members.length === 0 ? (
        <p className="empty-inline">{t("members.noResults")}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <SortableHeader label={t("fields.name")} sortKey="name" sort={sort} />
                <SortableHeader label={t("fields.country")} sortKey="country" sort={sort} />
                <SortableHeader label={t("fields.kind")} sortKey="kind" sort={sort} className="hide-narrow" />
                <th scope="col" className="hide-narrow">
                  {t("fields.status")}
                </th>
                <SortableHeader label={t("members.contacts")} sortKey="contacts" sort={sort} className="num hide-narrow" />
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.id}>
                  <td>
                    <Link to={`/members/${m.id}`}>{m.name}</Link>
                    {m.name !== m.nameEn ? (
                      <span className="secondary-name" lang="en">
                        {m.nameEn}
                      </span>
                    ) : null}
                    {m.isDemo ? <span className="badge">{t("demo.badge")}</span> : null}
                  </td>
                  <td>{m.countryName}</td>
                  <td className="hide-narrow">{t(`kinds.${m.kind}`)}</td>
                  <td className="hide-narrow">{t(`statuses.${m.status}`)}</td>
                  <td className="num hide-narrow">{m.contactCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pagination page={window.page} pages={window.pages} label={t("members.pages")} window={window} />
        </div>
      )}
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
