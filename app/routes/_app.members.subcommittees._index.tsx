import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { hasRole, requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { getDb } from "~/db.server";
import { localized, missingLanguages } from "~/lib/directory";
import type { PageTitle } from "~/lib/page-title";
import { listSubcommittees } from "~/models/subcommittee.server";

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  const locale = args.context.locale;
  const subcommittees = await listSubcommittees(getDb());
  return {
    subcommittees: subcommittees.map((s) => ({
      id: s.id,
      number: s.number,
      name: localized(s.names, locale),
      missing: missingLanguages(s.names).length,
      memberCount: s.memberCount,
      coordinators: s.coordinators.map((c) => localized(c.names, locale)),
    })),
    canEdit: hasRole(user, "staff"),
  };
}

export const handle = { title: "directory:tabs.subcommittees" satisfies PageTitle };

export default function SubcommitteesRoute() {
  const { t } = useTranslation("directory");
  const { subcommittees, canEdit } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-header">
        <h1>{t("tabs.subcommittees")}</h1>
        {canEdit ? (
          <Link to="/members/subcommittees/new" className="button primary">
            {t("subcommittees.add")}
          </Link>
        ) : null}
      </div>
      {subcommittees.length === 0 ? (
        <p className="empty-inline">{t("subcommittees.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col" className="num">
                  {t("subcommittees.number")}
                </th>
                <th scope="col">{t("fields.name")}</th>
                <th scope="col">{t("subcommittees.coordinators")}</th>
                <th scope="col" className="num">
                  {t("subcommittees.members")}
                </th>
              </tr>
            </thead>
            <tbody>
              {subcommittees.map((s) => (
                <tr key={s.id}>
                  <td className="num">{s.number ?? ""}</td>
                  <td>
                    <Link to={`/members/subcommittees/${s.id}`}>{s.name}</Link>
                  </td>
                  <td>{s.coordinators.join(", ")}</td>
                  <td className="num">{s.memberCount}</td>
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
