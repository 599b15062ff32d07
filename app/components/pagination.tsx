import { Link, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import type { PageWindow } from "~/lib/paging";

/**
 * Previous / next pages of a long list (`?page=`), keeping the page's other parameters (filters, sort), and which
 * rows are shown ("201–400 of 10,000") when given the page's window. Nothing when everything fits on one page.
 */
export function Pagination({
  page,
  pages,
  label,
  hash = "",
  window,
}: {
  page: number;
  pages: number;
  label: string;
  hash?: string;
  window?: Pick<PageWindow, "from" | "to" | "total">;
}) {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  if (pages <= 1) return null;
  const to = (n: number) => {
    const next = new URLSearchParams(params);
    if (n === 1) next.delete("page");
    else next.set("page", String(n));
    const query = next.toString();
    return `${query ? `?${query}` : "?"}${hash}`;
  };
  const number = (n: number) => n.toLocaleString(i18n.language);
  return (
    <nav className="pagination" aria-label={label}>
      {page > 1 ? (
        <Link to={to(page - 1)} rel="prev" className="button">
          {t("pagination.previous")}
        </Link>
      ) : null}
      <span aria-current="page">{t("pagination.pageOf", { page: number(page), pages: number(pages) })}</span>
      {window ? (
        <span className="muted small">{t("pagination.shown", { from: number(window.from), to: number(window.to), total: number(window.total) })}</span>
      ) : null}
      {page < pages ? (
        <Link to={to(page + 1)} rel="next" className="button">
          {t("pagination.next")}
        </Link>
      ) : null}
    </nav>
  );
}
