import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { canHandlePassports, requireUser } from "~/auth.server";
import { EmptyState } from "~/components/app-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CategorySelect, EventTools, ListLanguageSelect } from "~/components/event-tools";
import { getDb } from "~/db.server";
import { htmlLang } from "~/i18n";
import { localized } from "~/lib/directory";
import type { PageTitle } from "~/lib/page-title";
import { protocolOrder } from "~/lib/protocol";
import { listRosterPeople } from "~/models/roster.server";
import { eventSummary, requireEvent } from "~/services/event-view.server";
import { nameForms } from "~/services/roster-view.server";
import { PARTICIPANT_CATEGORIES } from "../../db/schema";

/** Badges and place cards: choose language, who and layout, then download the PDF to print. */
export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  const event = await requireEvent(args.params.eventId);
  const locale = args.context.locale;
  const people = protocolOrder(await listRosterPeople(getDb(), { eventId: event.id }), event.protocol ?? {}, event.hostMemberId);
  return {
    event: eventSummary(event, locale),
    locale,
    people: people.map((p) => ({
      id: p.delegateId,
      ...nameForms(p),
      nameLang: htmlLang[p.nameLocale],
      member: localized(p.memberNames, locale),
      category: p.category,
      code: p.checkInCode,
    })),
    members: new Set(people.map((p) => p.memberId)).size,
    categories: event.categories.length ? event.categories : [...PARTICIPANT_CATEGORIES],
    visaLetters: canHandlePassports(user),
  };
}

export const handle = { i18n: ["common", "events", "rosters"], title: "rosters:badges.title" satisfies PageTitle };

export default function BadgesRoute() {
  const { t } = useTranslation("rosters");
  const data = useLoaderData<typeof loader>();
  const base = `/events/${data.event.id}`;
  return (
    <>
      <p className="breadcrumb">
        <Link to={`/events/${data.event.id}`}>{data.event.title}</Link>
      </p>
      <h1>{t("badges.title")}</h1>
      <EventTools eventId={data.event.id} visaLetters={data.visaLetters} />
      {data.people.length === 0 ? (
        <EmptyState title={t("roster.empty.title")} body={t("roster.empty.body")} />
      ) : (
        <>
          <form method="get" action={`${base}/badges.pdf`} className="panel">
            <p>{t("badges.intro", { count: data.people.length, members: data.members })}</p>
            <div className="filters">
              <ListLanguageSelect value={data.locale} />
              <CategorySelect categories={data.categories} />
              <label>
                {t("badges.layout")}
                <select name="layout" defaultValue="sheet">
                  <option value="sheet">{t("badges.layouts.sheet")}</option>
                  <option value="single">{t("badges.layouts.single")}</option>
                </select>
              </label>
            </div>
            <div className="actions">
              <button type="submit" className="button primary">
                {t("badges.downloadBadges")}
              </button>
              <button type="submit" className="button" formAction={`${base}/place-cards.pdf`}>
                {t("badges.downloadPlaceCards")}
              </button>
            </div>
          </form>
          <section className="panel" aria-labelledby="legend-heading">
            <h2 id="legend-heading">{t("badges.legend")}</h2>
            <ul className="legend">
              {data.categories.map((c) => (
                <li key={c}>
                  <span className={`swatch swatch-${c}`} aria-hidden="true" /> {t(`events:categories.${c}`)}
                </li>
              ))}
            </ul>
          </section>
          <section className="panel" aria-labelledby="who-heading">
            <h2 id="who-heading">{t("badges.who", { count: data.people.length })}</h2>
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t("columns.name")}</th>
                  <th scope="col">{t("columns.member")}</th>
                  <th scope="col">{t("columns.category")}</th>
                  <th scope="col">{t("badges.code")}</th>
                </tr>
              </thead>
              <tbody>
                {data.people.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <span lang={p.nameLang}>{p.name}</span>
                      {p.latin ? <span className="block muted">{p.latin}</span> : null}
                    </td>
                    <td>{p.member}</td>
                    <td>{t(`events:categories.${p.category}`)}</td>
                    <td>
                      <code>{p.code}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
