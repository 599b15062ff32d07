import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { LOGISTICS_LISTS, type LogisticsList } from "~/lib/logistics";
import { logisticsTable } from "~/lib/logistics.server";
import { protocolOrder } from "~/lib/protocol";
import { toCsv } from "~/lib/spreadsheet.server";
import { recordAccess } from "~/models/audit.server";
import { listRosterPeople } from "~/models/roster.server";
import { requireEvent } from "~/services/event-view.server";
import { attachment } from "~/services/roster-output.server";

/** One logistics list as CSV (UTF-8 with BOM, formula-safe); downloads are audited. */
export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  const event = await requireEvent(args.params.eventId);
  const param = new URL(args.request.url).searchParams.get("list");
  const list = ((LOGISTICS_LISTS as readonly string[]).includes(param ?? "") ? param : "arrivals") as LogisticsList;
  const db = getDb();
  const people = protocolOrder(await listRosterPeople(db, { eventId: event.id }), event.protocol ?? {}, event.hostMemberId);
  const table = await logisticsTable(list, people, args.context.locale);
  await recordAccess(db, {
    actor: user,
    action: "logistics.exported",
    objectType: "event",
    objectId: event.id,
    ip: args.context.clientIp,
    details: { list, rows: table.rows.length },
  });
  return attachment(toCsv(table.headers, table.rows), "text/csv; charset=utf-8", `${list}-${event.startsAt.toISOString().slice(0, 10)}.csv`);
}
