import { MESSAGE_STATUSES } from "../../db/schema";

/** The Mail log's filters, read from the query string (the page and its CSV export share them). */
export function mailFilter(url: URL) {
  return {
    status: MESSAGE_STATUSES.find((s) => s === url.searchParams.get("status")),
    kind: url.searchParams.get("kind")?.slice(0, 40) || undefined,
    q: url.searchParams.get("q")?.slice(0, 100) || undefined,
  };
}
