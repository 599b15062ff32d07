import { MESSAGE_STATUSES } from "../../db/schema";

/** The Mail log's filters, read from the query string (the page and its CSV export share them). */
export function mailFilter(url: URL) {
  return {
    // one status, or several joined by commas (the dashboard's "waiting" is queued and sending together)
    statuses: [...new Set((url.searchParams.get("status") ?? "").split(",").slice(0, MESSAGE_STATUSES.length))].flatMap((value) =>
      MESSAGE_STATUSES.filter((s) => s === value),
    ),
    kind: url.searchParams.get("kind")?.slice(0, 40) || undefined,
    q: url.searchParams.get("q")?.slice(0, 100) || undefined,
  };
}
