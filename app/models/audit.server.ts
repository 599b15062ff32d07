import { sql } from "kysely";

import { type DB, inTransaction, type Tx } from "~/db.server";
import { isLocalDateTime, zonedToUtc } from "~/lib/dates";

export type AuditEntry = {
  actor: { id: string; email: string } | { label: string };
  action: string;
  objectType?: string;
  objectId?: string;
  ip?: string | null;
  details?: Record<string, unknown>;
};

/**
 * Appends one row to the audit log inside the change's own transaction, so the change and its record commit
 * together or not at all (the type asks for a transaction; see `audited`). Never pass passwords, tokens or
 * passport data in details.
 */
export async function writeAudit(trx: Tx, entry: AuditEntry) {
  await insertAudit(trx, entry);
}

/**
 * Runs a change and writes its audit row in the same transaction; `entry` may use the change's result (a new
 * id) and may return null when there was nothing to record.
 */
export function audited<T>(db: DB, change: (trx: Tx) => Promise<T>, entry: AuditEntry | ((result: T) => AuditEntry | null)): Promise<T> {
  return inTransaction(db, async (trx) => {
    const result = await change(trx);
    const row = typeof entry === "function" ? entry(result) : entry;
    if (row) await insertAudit(trx, row);
    return result;
  });
}

/**
 * Records an access that changes no data of its own (a sign-in, an export, a test message sent): a single
 * insert, atomic on its own. Write it before the data leaves, so a crash never hides an export.
 */
export async function recordAccess(db: DB, entry: AuditEntry) {
  await insertAudit(db, entry);
}

async function insertAudit(db: DB, entry: AuditEntry) {
  await db
    .insertInto("audit_log")
    .values({
      actor_id: "id" in entry.actor ? entry.actor.id : null,
      actor_label: "id" in entry.actor ? entry.actor.email : entry.actor.label,
      action: entry.action,
      object_type: entry.objectType ?? null,
      object_id: entry.objectId ?? null,
      ip: entry.ip ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

export type AuditFilter = {
  /** part of the actor's label (email) or display name, case-insensitive */
  actor?: string;
  /** an exact action code ("staff.disabled"), or a prefix ending in a dot ("staff.") */
  action?: string;
  objectType?: string;
  objectId?: string;
  /** from this instant (inclusive) … */
  from?: Date;
  /** … until this instant (exclusive) */
  to?: Date;
};

export type AuditRow = {
  id: string;
  at: Date;
  actorId: string | null;
  actorLabel: string;
  /** the display name of the staff account, when the actor is one */
  actorName: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
};

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, "\\$&")}%`;

/**
 * The audit log, newest first, filtered. Pages are keyset pages on (at, id): `before` is the id of the last
 * row of the previous page, so a page never repeats or skips rows while new ones are written.
 */
export function listAudit(db: DB, { limit = 100, before, ...filter }: AuditFilter & { limit?: number; before?: string } = {}): Promise<AuditRow[]> {
  let query = db
    .selectFrom("audit_log as a")
    .leftJoin("staff_user as u", "u.id", "a.actor_id")
    .select([
      "a.id",
      "a.at",
      "a.actor_id as actorId",
      "a.actor_label as actorLabel",
      "u.display_name as actorName",
      "a.action",
      "a.object_type as objectType",
      "a.object_id as objectId",
      "a.ip",
      "a.details",
    ]);
  if (filter.actor) {
    const pattern = likePattern(filter.actor);
    query = query.where((eb) => eb.or([eb("a.actor_label", "ilike", pattern), eb("u.display_name", "ilike", pattern)]));
  }
  if (filter.action) {
    query = filter.action.endsWith(".")
      ? query.where("a.action", "like", `${filter.action.replace(/[\\%_]/g, "\\$&")}%`)
      : query.where("a.action", "=", filter.action);
  }
  if (filter.objectType) query = query.where("a.object_type", "=", filter.objectType);
  if (filter.objectId) query = query.where("a.object_id", "=", filter.objectId);
  if (filter.from) query = query.where("a.at", ">=", filter.from);
  if (filter.to) query = query.where("a.at", "<", filter.to);
  if (before && /^\d{1,19}$/.test(before)) {
    query = query.where(sql<boolean>`(a.at, a.id) < (select b.at, b.id from audit_log b where b.id = ${before})`);
  }
  return query.orderBy("a.at", "desc").orderBy("a.id", "desc").limit(limit).execute() as Promise<AuditRow[]>;
}

/** Every action and object type that occurs, for the filters. */
export async function auditFacets(db: DB) {
  const [actions, objectTypes] = await Promise.all([
    db.selectFrom("audit_log").select("action").distinct().orderBy("action").execute(),
    db.selectFrom("audit_log").select("object_type").distinct().where("object_type", "is not", null).orderBy("object_type").execute(),
  ]);
  return { actions: actions.map((r) => r.action), objectTypes: objectTypes.map((r) => r.object_type!) };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isTimeZone(zone: string) {
  if (!/^[A-Za-z0-9_+\-/]{1,64}$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function nextDay(date: string) {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/**
 * The audit page's and CSV export's filters from a query string. Dates are whole days in `tz` when given, else
 * in `defaultZone` (the zone the page writes its times in). Anything malformed is ignored, never an error.
 */
export function auditFilterFromQuery(params: URLSearchParams, defaultZone = "UTC"): { filter: AuditFilter; zone: string; before?: string } {
  const text = (name: string, max: number) => params.get(name)?.normalize("NFC").trim().slice(0, max) || undefined;
  const tz = params.get("tz") ?? "";
  const zone = isTimeZone(tz) ? tz : isTimeZone(defaultZone) ? defaultZone : "UTC";
  const day = (name: string) => {
    const value = params.get(name) ?? "";
    return DATE.test(value) && isLocalDateTime(`${value}T00:00`) ? value : undefined;
  };
  const from = day("from");
  const to = day("to");
  const action = text("action", 100);
  const before = params.get("before") ?? "";
  return {
    zone,
    before: /^\d{1,19}$/.test(before) ? before : undefined,
    filter: {
      actor: text("actor", 100),
      action: action && /^[a-z0-9_.]+$/.test(action) ? action : undefined,
      objectType: text("objectType", 50),
      objectId: text("objectId", 100),
      from: from ? zonedToUtc(`${from}T00:00`, zone) : undefined,
      to: to ? zonedToUtc(`${nextDay(to)}T00:00`, zone) : undefined,
    },
  };
}
