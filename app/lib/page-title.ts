/**
 * Page titles (the browser tab, the window list a screen reader reads first). A route names its title in its
 * `handle`: a translation key ("rosters:badges.title"), or a function of its loader data returning a key with
 * values, a text taken from the data (an event's or a member's name), or null for the default. The root renders
 * the deepest route's title followed by the product name, in the page's language.
 */
export type PageTitleParts = { key: string; values?: Record<string, string> } | { text: string };
export type PageTitle = string | ((data: any) => PageTitleParts | null);

export const PRODUCT_NAME = "Plenary";

type Match = { handle?: unknown; data?: unknown };
type Translate = (key: string, values?: Record<string, string>) => string;

export function pageTitle(matches: readonly Match[], t: Translate): string {
  for (const match of [...matches].reverse()) {
    const title = (match.handle as { title?: PageTitle } | undefined)?.title;
    if (!title) continue;
    const parts = typeof title === "string" ? { key: title } : title(match.data);
    if (!parts) break;
    const text = "text" in parts ? parts.text : t(parts.key, parts.values);
    return text ? `${text} · ${PRODUCT_NAME}` : PRODUCT_NAME;
  }
  return PRODUCT_NAME;
}

/** A title computed from the route's loader data, type-checked against that loader: `titleFrom<typeof loader>(…)`. */
export function titleFrom<Loader extends (...args: any[]) => unknown>(fn: (data: Awaited<ReturnType<Loader>> | undefined) => PageTitleParts | null): PageTitle {
  return fn;
}
