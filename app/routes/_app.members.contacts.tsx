import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Pagination } from "~/components/pagination";
import { SortableHeader } from "~/components/sortable-header";
import { getDb } from "~/db.server";
import { htmlLang } from "~/i18n";
import { contactLabels, toPersonName } from "~/lib/contact-display";
import { localized } from "~/lib/directory";
import { compareNames } from "~/lib/names";
import type { PageTitle } from "~/lib/page-title";
import { pageWindow } from "~/lib/paging";
import { sortedBy, sortFrom } from "~/lib/sorting";
import { listContacts } from "~/models/contact.server";

/** Contacts shown at a time. */
const CONTACTS_PAGE = 100;

const CONTACT_SORTS = ["name", "member", "position", "email"] as const;

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args);
  const locale = args.context.locale;
  const url = new URL(args.request.url);
  const q = url.searchParams.get("q")?.slice(0, 100) || undefined;
  const contacts = await listContacts(getDb(), { q });
  // Sorted the way a reader of this language expects: names.ts picks the sort key, Intl.Collator the order; or
  // by the column asked for (?sort=member&dir=desc), people in name order within it, then a page of it
  contacts.sort((a, b) => compareNames(toPersonName(a, locale), toPersonName(b, locale), locale));
  const sort = sortFrom(url.searchParams, CONTACT_SORTS, "name");
  const collator = new Intl.Collator(locale);
  const byText = (text: (c: (typeof contacts)[number]) => string) => (a: (typeof contacts)[number], b: (typeof contacts)[number]) =>
    collator.compare(text(a), text(b));
  const rank = new Map(contacts.map((c, i) => [c.id, i]));
  const compare = {
    name: (a: (typeof contacts)[number], b: (typeof contacts)[number]) => rank.get(a.id)! - rank.get(b.id)!,
    member: byText((c) => localized(c.memberNames, locale)),
    position: byText((c) => localized(c.position, locale)),
    email: byText((c) => c.emails[0] ?? ""),
  }[sort.key];
  const sorted = sortedBy(contacts, compare, sort.dir);
  const window = pageWindow(sorted.length, url.searchParams.get("page"), CONTACTS_PAGE);
  return {
    window,
    sort,
    contacts: sorted.slice(window.offset, window.offset + window.size).map((c) => ({
      id: c.id,
      memberId: c.memberId,
      name: contactLabels(c, locale).roster,
      nameLang: htmlLang[c.nameLocale],
      member: localized(c.memberNames, locale),
      position: localized(c.position, locale),
      isHead: c.isHead,
      isFocalPoint: c.isFocalPoint,
      emails: c.emails,
    })),
  };
}

export const handle = { title: "directory:contacts.allTitle" satisfies PageTitle };

export default function ContactsRoute() {
  const { t } = useTranslation("directory");
  const { contacts, window, sort } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <h1>{t("contacts.allTitle")}</h1>
      <Form method="get" className="filters" role="search" aria-label={t("contacts.search")}>
        <div className="field grow">
          <label htmlFor="q">{t("contacts.search")}</label>
          <input id="q" name="q" type="search" defaultValue={params.get("q") ?? ""} placeholder={t("contacts.searchPlaceholder")} />
        </div>
        <button type="submit" className="button">
          {t("members.filters.apply")}
        </button>
      </Form>
      <p className="muted" role="status">
        {t("contacts.count", { count: window.total })}
      </p>
      {contacts.length === 0 ? (
        <p className="empty-inline">{params.get("q") ? t("members.noResults") : t("contacts.noneAtAll")}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table" data-testid="contacts-table">
            <thead>
              <tr>
                <SortableHeader label={t("fields.name")} sortKey="name" sort={sort} />
                <SortableHeader label={t("contacts.member")} sortKey="member" sort={sort} />
                <SortableHeader label={t("fields.position")} sortKey="position" sort={sort} />
                <SortableHeader label={t("fields.emails")} sortKey="email" sort={sort} />
              </tr>
            </thead>
            <tbody>
              {contacts.map((c) => (
                <tr key={c.id}>
                  <td>
                    <span lang={c.nameLang}>{c.name}</span>
                    {c.isHead ? <span className="badge head">{t("contacts.head")}</span> : null}
                    {c.isFocalPoint ? <span className="badge focal">{t("contacts.focalPoint")}</span> : null}
                  </td>
                  <td>
                    <Link to={`/members/${c.memberId}`}>{c.member}</Link>
                  </td>
                  <td>{c.position}</td>
                  <td className="small nowrap-wide">{c.emails.join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pagination page={window.page} pages={window.pages} label={t("contacts.pages")} window={window} />
        </div>
      )}
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
