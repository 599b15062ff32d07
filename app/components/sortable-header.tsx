import { Link, useSearchParams } from "@remix-run/react";

import { sortQuery, type SortState } from "~/lib/sorting";

/**
 * A column header that sorts the list on the server (`?sort=…&dir=…`): a link, so it works without scripts and
 * the order is in the URL; `aria-sort` tells a screen reader which column the list is in order of.
 */
export function SortableHeader({ label, sortKey, sort, className }: { label: string; sortKey: string; sort: SortState<string>; className?: string }) {
  const [params] = useSearchParams();
  const active = sort.key === sortKey;
  return (
    <th scope="col" className={className} aria-sort={active ? (sort.dir === "asc" ? "ascending" : "descending") : undefined}>
      <Link to={sortQuery(params, sortKey, sort)} className="sort-link">
        {label}
        <span aria-hidden="true" className="sort-mark">
          {active ? (sort.dir === "asc" ? " ▲" : " ▼") : " ↕"}
        </span>
      </Link>
    </th>
  );
}
