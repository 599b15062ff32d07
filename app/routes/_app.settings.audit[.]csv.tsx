import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { getFixedT } from "~/i18next.server";
import { toCsv } from "~/lib/spreadsheet.server";
import { auditFilterFromQuery, listAudit, recordAccess } from "~/models/audit.server";
import { getStaffTimeZone } from "~/models/secretariat.server";

/** More than any secretariat writes in years; a larger export is cut here and says so in the audit row. */
const MAX_ROWS = 100_000;

/**
 * The audit log's filtered rows as CSV (UTF-8 with BOM, every cell formula-safe, RELIABILITY I2). The log holds
 * email and client addresses, so each export is itself recorded in it.
 */
export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, "admin");
  const db = getDb();
  const { filter } = auditFilterFromQuery(new URL(args.request.url).searchParams, await getStaffTimeZone(db));
  const rows = await listAudit(db, { ...filter, limit: MAX_ROWS });
  const t = await getFixedT(args.context.locale, "staff");
  // fixed column names, like the directory's exports: a script reading the file does not depend on the language
  const headers = ["time_utc", "actor", "actor_name", "action", "action_label", "object_type", "object_id", "client_address", "details"];
  const body = rows.map((row) => [
    new Date(row.at).toISOString(),
    row.actorLabel,
    row.actorName ?? "",
    row.action,
    t(`audit.actions.${row.action}`, { defaultValue: row.action }),
    row.objectType ?? "",
    row.objectId ?? "",
    row.ip ?? "",
    JSON.stringify(row.details ?? {}),
  ]);
  await recordAccess(db, {
    actor: user,
    action: "audit.exported",
    ip: args.context.clientIp,
    details: {
      rows: body.length,
      filter: Object.fromEntries(
        Object.entries(filter)
          .filter(([, value]) => value !== undefined)
          .map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value]),
      ),
    },
  });
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(toCsv(headers, body), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="plenary-audit-${stamp}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
