/**
 * The JSON API's pure parts (issue 19 §1): scopes, opaque cursors, entity tags and problem documents.
 * Nothing here touches the database; app/services/api.server.ts wires it to requests.
 */

/** Every scope a token may hold: read or write per area; `visa:read` adds masked passport data to replies. */
export const API_SCOPES = [
  "directory:read",
  "directory:write",
  "events:read",
  "invitations:read",
  "replies:read",
  "rosters:read",
  "checkin:write",
  "visa:read",
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export function isApiScope(value: unknown): value is ApiScope {
  return typeof value === "string" && (API_SCOPES as readonly string[]).includes(value);
}

/** A token's lifetime: chosen from these days when it is created (never unlimited). */
export const API_TOKEN_LIFETIMES = [7, 30, 90, 365] as const;

/** Token strings are `plenary_` + 43 base64url characters: recognisable in a leaked log or a secret scanner. */
export const API_TOKEN_PREFIX = "plenary_";
export const API_TOKEN_PATTERN = /^plenary_[A-Za-z0-9_-]{43}$/;

export const API_PAGE_DEFAULT = 50;
export const API_PAGE_MAX = 200;
/** A write's JSON body: far more than any member or contact needs, and read no further. */
export const API_MAX_BODY_BYTES = 64 * 1024;
/** Requests per token and minute, shared by every web process (the rate_limit table). */
export const API_RATE_LIMIT = { limit: 120, windowSeconds: 60 };
/** Requests with an unknown, expired or revoked token per client address and minute, before 429s. */
export const API_AUTH_FAILURE_LIMIT = { limit: 30, windowSeconds: 60 };

/** A cursor is the sort key of the last row of the previous page, opaque to clients (base64url JSON). */
export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

/** The sort key inside a cursor, or null when it is not one of ours (a 400 for the caller). */
export function decodeCursor(cursor: string, arity: number): string[] | null {
  if (!/^[A-Za-z0-9_-]{1,600}$/.test(cursor)) return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(key) || key.length !== arity || !key.every((part) => typeof part === "string" || typeof part === "number")) return null;
    return key.map(String);
  } catch {
    return null;
  }
}

/** A record's entity tag: its version counter (each save increments it). */
export function entityTag(kind: string, id: string, version: number) {
  return `"${kind}-${id}-${version}"`;
}

/** The version an If-Match names for this record, null when it names another record or is no tag of ours. */
export function versionFromIfMatch(header: string, kind: string, id: string): number | null {
  const match = /^(?:W\/)?"([a-z]+)-([0-9a-f-]{36})-(\d{1,9})"$/.exec(header.trim());
  if (!match || match[1] !== kind || match[2] !== id) return null;
  return Number(match[3]);
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type Problem = { type: string; title: string; status: number; detail?: string; errors?: { path: string; message: string }[] };

/** An RFC 9457 problem document (`application/problem+json`): a stable type per kind of refusal. */
export function problem(status: number, code: string, title: string, detail?: string, extra: Partial<Problem> = {}): Problem {
  return { type: `urn:plenary:problem:${code}`, title, status, ...(detail ? { detail } : {}), ...extra };
}

/** Passport numbers leave the API only as `•••••543`-style masks (RELIABILITY D4). */
export function isMasked(value: string | null) {
  return value === null || /^•+[0-9A-Za-z]{0,3}$/.test(value);
}
