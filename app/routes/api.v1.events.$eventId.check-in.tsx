import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { getDb } from "~/db.server";
import { CheckInIn } from "~/lib/api-schemas";
import { audited } from "~/models/audit.server";
import { getEvent } from "~/models/event.server";
import { findByCheckInCode, setCheckedIn } from "~/models/roster.server";
import { apiAuditEntry, apiJson, methodNotAllowed, notFound, readJsonObject, requireApiToken, requireUuid, validationProblem } from "~/services/api.server";

/** Only POST: a GET is told so (after the token check, so the route reveals nothing to anyone without one). */
export async function loader(args: LoaderFunctionArgs) {
  await requireApiToken(args, "checkin:write");
  throw methodNotAllowed("POST");
}

/** POST /api/v1/events/{id}/check-in: a delegate by id or badge code arrives (or, with arrived: false, did not). */
export async function action(args: ActionFunctionArgs) {
  const caller = await requireApiToken(args, "checkin:write");
  if (args.request.method !== "POST") throw methodNotAllowed("POST");
  const db = getDb();
  const event = await getEvent(db, { id: requireUuid(args.params.eventId) });
  if (!event) throw notFound("event");
  const parsed = CheckInIn.safeParse(await readJsonObject(args.request));
  if (!parsed.success) return validationProblem(parsed.error);
  const { code, arrived } = parsed.data;
  const delegateId = code ? (await findByCheckInCode(db, { eventId: event.id, code }))?.id : parsed.data.delegateId;
  if (!delegateId) return notFound("delegate with this code");
  const outcome = await audited(
    db,
    (trx) => setCheckedIn(trx, { eventId: event.id, delegateId, by: caller.createdBy, arrived }),
    (result) =>
      result.status === "checked_in" || result.status === "undone"
        ? apiAuditEntry(caller, args.context, {
            action: result.status === "checked_in" ? "roster.checked_in" : "roster.check_in_undone",
            objectType: "delegate",
            objectId: delegateId,
            details: { eventId: event.id },
          })
        : null,
  );
  if (outcome.status === "not_found") return notFound("delegate on this event");
  return apiJson({ delegateId, status: outcome.status, checkedInAt: outcome.at ? new Date(outcome.at).toISOString() : null });
}
