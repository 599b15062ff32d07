/**
 * Errors that mean "the database cannot be reached right now", as opposed to a bug or bad data: the server
 * terminated the connection (restart, failover, pg_terminate_backend), refused or dropped it, or a connection
 * or statement timed out. Pages answer them with 503 and Retry-After; the mail worker backs off and retries.
 */

/** SQLSTATE classes 08 (connection exception) and 57P (operator intervention), plus overload and timeouts. */
const UNAVAILABLE_SQLSTATES = new Set([
  "57P01", // admin_shutdown: terminated by pg_terminate_backend or a fast shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: starting up, shutting down, in recovery
  "57P05", // idle_session_timeout
  "57014", // query_canceled: statement_timeout
  "25P03", // idle_in_transaction_session_timeout
  "53300", // too_many_connections
]);

/** Socket-level failures from node:net / dns while connecting to or talking with the server. */
const UNAVAILABLE_ERRNOS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN",
  "ENOTFOUND",
]);

/** Messages of pg, pg-pool, kysely and PGlite for a connection that is gone or could not be made. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/, // pg: "… unexpectedly", "… due to connection timeout"
  /^timeout exceeded when trying to connect$/, // pg-pool: connectionTimeoutMillis while waiting for a client
  /^timeout expired$/, // pg: connectionTimeoutMillis of a single connect
  /^Query read timeout$/, // pg: query_timeout
  /is not queryable$/, // pg: "Client has encountered a connection error and is not queryable"
  /^Postgres connection has been discarded$/, // kysely after a failed rollback
  /^PGlite is clos(ed|ing)$/, // embedded database during shutdown
];

type ErrorLike = { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };

function matches(error: ErrorLike): boolean {
  const code = typeof error.code === "string" ? error.code : undefined;
  if (code && (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith("08") || UNAVAILABLE_ERRNOS.has(code))) return true;
  const message = typeof error.message === "string" ? error.message : "";
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}

/** True when `error` (or an error it wraps, via `cause` or AggregateError) says the database is unreachable. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length) {
    const current = queue.shift();
    if (!current || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    const candidate = current as ErrorLike;
    if (matches(candidate)) return true;
    queue.push(candidate.cause);
    if (Array.isArray(candidate.errors)) queue.push(...candidate.errors);
  }
  return false;
}

/** Seconds a client should wait before trying again during an outage (the Retry-After header). */
export const OUTAGE_RETRY_AFTER_SECONDS = 10;
