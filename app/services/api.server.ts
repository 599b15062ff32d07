import type { AppLoadContext } from "@remix-run/node";
import type * as z from "zod";

import { getDb } from "~/db.server";
import { getFixedT } from "~/i18next.server";
import { API_AUTH_FAILURE_LIMIT, API_MAX_BODY_BYTES, API_RATE_LIMIT, API_TOKEN_PATTERN, type ApiScope, decodeCursor, problem, UUID_PATTERN } from "~/lib/api";
import { hashToken } from "~/lib/tokens.server";
import { type ApiCaller, findUsableApiToken, touchApiToken } from "~/models/api-token.server";
import type { AuditEntry } from "~/models/audit.server";
import { hitRateLimit } from "~/models/rate-limit.server";

/**
 * The JSON API's request handling (issue 19 §1): bearer tokens only (no cookie is read, so no page of another
 * site can act with a signed-in colleague's session), per-token rate limits, bounded JSON bodies and RFC 9457
 * problem documents. Refusals are thrown as Responses, which Remix hands back as they are.
 */

const NO_STORE = { "Cache-Control": "no-store" };

export function apiJson(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}) {
  return Response.json(body, { status: init.status ?? 200, headers: { ...NO_STORE, ...init.headers } });
}

export function apiProblem(
  status: number,
  code: string,
  title: string,
  detail?: string,
  extra: Parameters<typeof problem>[4] = {},
  headers: Record<string, string> = {},
) {
  return new Response(JSON.stringify(problem(status, code, title, detail, extra)), {
    status,
    headers: { ...NO_STORE, "Content-Type": "application/problem+json", ...headers },
  });
}

const tooMany = (seconds: number, detail: string) =>
  apiProblem(429, "rate_limited", "Too many requests", detail, {}, { "Retry-After": String(Math.max(1, seconds)) });

const unauthorized = (detail: string) =>
  apiProblem(401, "unauthorized", "Unauthorized", detail, {}, { "WWW-Authenticate": 'Bearer realm="plenary", error="invalid_token"' });

/**
 * The caller behind `Authorization: Bearer …`, allowed `scope`: 401 without a live token, 429 beyond the
 * token's rate, 403 without the scope. Records the use (at most once a minute).
 */
export async function requireApiToken({ request, context }: { request: Request; context: AppLoadContext }, scope: ApiScope): Promise<ApiCaller> {
  const header = request.headers.get("Authorization");
  if (!header) {
    throw apiProblem(
      401,
      "unauthorized",
      "Unauthorized",
      "Send a personal API token: Authorization: Bearer plenary_…",
      {},
      { "WWW-Authenticate": 'Bearer realm="plenary"' },
    );
  }
  const token = /^Bearer ([^\s]+)$/i.exec(header.trim())?.[1];
  if (!token || !API_TOKEN_PATTERN.test(token)) throw unauthorized("The Authorization header does not hold a Plenary API token.");
  const db = getDb();
  const caller = await findUsableApiToken(db, { tokenHash: hashToken(token) });
  if (!caller) {
    // guessing tokens from one address soon meets a wall (they are 256 random bits: this keeps the noise down)
    const failures = await hitRateLimit(db, `api-auth:${context.clientIp}`, API_AUTH_FAILURE_LIMIT);
    if (failures.limited) throw tooMany(failures.retryAfterSeconds, "Too many requests with unknown tokens from this address.");
    throw unauthorized("The token is unknown, expired or revoked.");
  }
  const rate = await hitRateLimit(db, `api:${caller.id}`, API_RATE_LIMIT);
  if (rate.limited) throw tooMany(rate.retryAfterSeconds, `This token may make ${API_RATE_LIMIT.limit} requests a minute.`);
  if (!caller.scopes.includes(scope)) {
    throw apiProblem(
      403,
      "insufficient_scope",
      "Forbidden",
      `This route needs the ${scope} scope.`,
      {},
      {
        "WWW-Authenticate": `Bearer realm="plenary", error="insufficient_scope", scope="${scope}"`,
      },
    );
  }
  if (!caller.lastUsedAt || Date.now() - new Date(caller.lastUsedAt).getTime() > 60_000) {
    await touchApiToken(db, { id: caller.id, ip: context.clientIp });
  }
  return caller;
}

/** Who an API write is recorded as: the administrator who made the token, with the token named in the details. */
export function apiAuditEntry(caller: ApiCaller, context: AppLoadContext, entry: Omit<AuditEntry, "actor" | "ip">): AuditEntry {
  return {
    ...entry,
    actor: { id: caller.createdBy, email: caller.createdByEmail },
    ip: context.clientIp,
    details: { ...entry.details, via: "api", apiToken: caller.name, apiTokenId: caller.id },
  };
}

/** A path parameter that must be a uuid: anything else is a 404 without a query. */
export function requireUuid(value: string | undefined) {
  if (!value || !UUID_PATTERN.test(value)) throw apiProblem(404, "not_found", "Not found");
  return value.toLowerCase();
}

export function notFound(what: string) {
  return apiProblem(404, "not_found", "Not found", `No such ${what}.`);
}

/** The query string parsed by `schema`; unknown parameters and bad values are a 400 that names them. */
export function parseQuery<T extends z.ZodType>(request: Request, schema: T): z.output<T> {
  const params = new URL(request.url).searchParams;
  const raw: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key in raw) throw apiProblem(400, "bad_query", "Bad query", `${key} is given twice.`);
    raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({ path: issue.path.join(".") || "query", message: issue.message }));
    throw apiProblem(400, "bad_query", "Bad query", errors.map((e) => `${e.path}: ${e.message}`).join("; "), { errors });
  }
  return parsed.data;
}

/** The sort key inside `?cursor=`, or a 400 when it is none of ours. */
export function cursorKey(cursor: string | undefined, arity: number) {
  if (cursor === undefined) return null;
  const key = decodeCursor(cursor, arity);
  if (!key) throw apiProblem(400, "bad_cursor", "Bad cursor", "Pass the `next` value of a previous page unchanged.");
  return key;
}

/**
 * The JSON object of a write: 415 unless application/json, 413 past API_MAX_BODY_BYTES (announced or actually
 * sent, reading no further), 400 for what is not a JSON object.
 */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type))
    throw apiProblem(415, "unsupported_media_type", "Unsupported media type", "Send Content-Type: application/json.");
  const tooLarge = () => apiProblem(413, "too_large", "Body too large", `A body may hold at most ${API_MAX_BODY_BYTES} bytes.`);
  if (Number(request.headers.get("Content-Length") ?? 0) > API_MAX_BODY_BYTES) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > API_MAX_BODY_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw apiProblem(400, "bad_json", "Malformed JSON", "The body is not valid JSON.");
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) throw apiProblem(400, "bad_json", "Malformed JSON", "The body must be a JSON object.");
  return body as Record<string, unknown>;
}

/** A body the form's schema refused: 422 with each field's message in English (the forms' own messages). */
export async function validationProblem(error: z.ZodError) {
  const t = await getFixedT("en", ["common", "directory", "events"]);
  const errors = error.issues.map((issue) => {
    const [key] = issue.message.split("#");
    const message = /^[a-z]+:[\w.]+$|^validation\.[\w.]+$/.test(key) ? String(t(key)) : issue.message;
    return { path: issue.path.join("."), message, code: key };
  });
  return apiProblem(422, "invalid", "Invalid data", errors.map((e) => `${e.path}: ${e.message}`).join("; "), { errors });
}

/** The version named by If-Match: 428 when absent, 412 when it names another record or an older version. */
export function requireIfMatch(request: Request, matches: (header: string) => number | null, current: number) {
  const header = request.headers.get("If-Match");
  if (!header) throw apiProblem(428, "precondition_required", "Precondition required", "Send If-Match with the ETag of your last GET.");
  const version = header.trim() === "*" ? current : matches(header);
  if (version === null || version !== current) throw stale();
  return version;
}

export const stale = () =>
  apiProblem(412, "stale", "Precondition failed", "The record was changed since the version in If-Match. GET it again, reapply your change and retry.");

export function methodNotAllowed(allowed: string) {
  return apiProblem(405, "method_not_allowed", "Method not allowed", undefined, {}, { Allow: allowed });
}
