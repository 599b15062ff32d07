import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { requireUser } from "~/auth.server";
import { htmlLang } from "~/i18n";
import { titleFrom } from "~/lib/page-title";
import { letterheadFor } from "~/services/letterhead.server";
import { rosterForDownload } from "~/services/roster-output.server";

/**
 * The List of Participants for the browser's print dialog: A4, no navigation, the column header repeated on
 * every page (thead), page numbers in the page margin (app.css @page).
 */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args); // again inside rosterForDownload; here so every route visibly guards itself
  const download = await rosterForDownload(args, "print");
  const head = await letterheadFor(download.db, download.lang);
  return {
    lang: download.lang,
    title: download.t("rosters:roster.title"),
    subtitle: download.subtitle,
    stamp: download.stamp,
    organisation: head?.name ?? null,
    view: download.view,
    columns: {
      name: download.t("rosters:columns.name"),
      title: download.t("rosters:columns.title"),
      role: download.t("rosters:columns.role"),
      category: download.t("rosters:columns.category"),
    },
    empty: download.t("rosters:roster.empty.title"),
  };
}

export const handle = {
  i18n: ["common", "rosters"],
  title: titleFrom<typeof loader>((data) => (data?.title ? { text: `${data.title} — ${data.subtitle}` } : null)),
};

export default function RosterPrintRoute() {
  const { t } = useTranslation("rosters");
  const data = useLoaderData<typeof loader>();
  return (
    <main className="print-sheet" lang={htmlLang[data.lang]}>
      {/* the page's heading for screen readers; on paper the title heads every page in the table's head */}
      <h1 className="visually-hidden">{data.title}</h1>
      <p className="no-print print-toolbar">
        <button type="button" className="button primary" onClick={() => window.print()}>
          {t("roster.printNow")}
        </button>
      </p>
      <table className="print-roster">
        <thead>
          <tr>
            <th colSpan={4} className="print-head">
              {data.organisation ? <span className="print-org">{data.organisation}</span> : null}
              <span className="print-title">{data.title}</span>
              <span className="print-subtitle">{data.subtitle}</span>
              <span className="print-stamp">{data.stamp}</span>
            </th>
          </tr>
          <tr>
            <th scope="col">{data.columns.name}</th>
            <th scope="col">{data.columns.title}</th>
            <th scope="col">{data.columns.role}</th>
            <th scope="col">{data.columns.category}</th>
          </tr>
        </thead>
        {data.view.sections.map((section, si) => (
          <tbody key={`${section.heading}-${si}`} className="print-section">
            <tr>
              <th colSpan={4} className="print-country" scope="colgroup">
                {section.heading}
              </th>
            </tr>
            {section.members.map((member) => [
              <tr key={`m-${member.memberId}`} className="print-member-row">
                <th colSpan={4} className="print-member" scope="rowgroup">
                  {member.heading}
                </th>
              </tr>,
              ...member.lines.map((line) => (
                <tr key={line.key} className="print-person">
                  <td>
                    <span lang={htmlLang[line.nameLang]}>{line.name}</span>
                    {line.latin ? <span className="block">{line.latin}</span> : null}
                  </td>
                  <td lang={htmlLang[line.nameLang]}>{line.title}</td>
                  <td>{line.roleLabel}</td>
                  <td>{line.categoryLabel}</td>
                </tr>
              )),
            ])}
          </tbody>
        ))}
      </table>
      {data.view.count === 0 ? <p>{data.empty}</p> : null}
    </main>
  );
}
