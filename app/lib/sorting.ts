/** A list's order as the URL says it (`?sort=country&dir=desc`), read leniently: anything else is the default. */
export type SortState<K extends string> = { key: K; dir: "asc" | "desc" };

export function sortFrom<K extends string>(params: URLSearchParams, keys: readonly K[], fallback: K): SortState<K> {
  const asked = params.get("sort");
  const key = keys.find((k) => k === asked) ?? fallback;
  return { key, dir: params.get("dir") === "desc" ? "desc" : "asc" };
}

/** The query for sorting by `key`: the other direction when it is already the order, else ascending; page 1. */
export function sortQuery(params: URLSearchParams, key: string, current: SortState<string>): string {
  const next = new URLSearchParams(params);
  next.delete("page");
  next.set("sort", key);
  next.set("dir", current.key === key && current.dir === "asc" ? "desc" : "asc");
  return `?${next.toString()}`;
}

/** Sorts by a comparison, in the state's direction; ties keep the order they came in. */
export function sortedBy<T>(items: readonly T[], compare: (a: T, b: T) => number, dir: "asc" | "desc"): T[] {
  const sign = dir === "desc" ? -1 : 1;
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => sign * compare(a.item, b.item) || a.index - b.index)
    .map(({ item }) => item);
}
