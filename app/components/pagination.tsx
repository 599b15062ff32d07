import { Link, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/**
 * Previous / next pages of a long list (`?page=`), keeping the page's other parameters (filters, sort).
 * Nothing when everything fits on one page.
 */
export function Pagination({ page, pages, label, hash = "" }: { page: number; pages: number; label: string; hash?: string }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  if (pages <= 1) return null;
  const to = (n: number) => {
    const next = new URLSearchParams(params);
    if (n === 1) next.delete("page");
    else next.set("page", String(n));
    const query = next.toString();
    return `${query ? `?${query}` : "?"}${hash}`;
  };
  return (
    <nav className="pagination" aria-label={label}>
      {page > 1 ? (
        <Link to={to(page - 1)} rel="prev" className="button">
          {t("pagination.previous")}
        </Link>
      ) : null}
      <span aria-current="page">{t("pagination.pageOf", { page, pages })}</span>
      {page < pages ? (
        <Link to={to(page + 1)} rel="next" className="button">
          {t("pagination.next")}
        </Link>
      ) : null}
    </nav>
  );
}
