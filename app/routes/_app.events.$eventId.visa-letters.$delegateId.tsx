import type { LoaderFunctionArgs } from "@remix-run/node";

import { canHandlePassports, requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { timeJob } from "~/metrics.server";
import { recordAccess } from "~/models/audit.server";
import { getVisaLetterData } from "~/models/roster.server";
import { requireEvent } from "~/services/event-view.server";
import { attachment } from "~/services/roster-output.server";
import { visaLetterPdf } from "~/services/visa-letter.server";

/** One delegate's visa support letter (passport data unsealed): administrators and visa officers only, every download on record. */
export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, "staff");
  if (!canHandlePassports(user)) throw new Response("Forbidden", { status: 403 });
  const event = await requireEvent(args.params.eventId);
  const delegateId = args.params.delegateId ?? "";
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(delegateId)) throw new Response("Not Found", { status: 404 });
  const db = getDb();
  const person = await getVisaLetterData(db, { eventId: event.id, delegateId, key: getEnv().DATA_ENCRYPTION_KEY });
  if (!person) throw new Response("Not Found", { status: 404 });
  await recordAccess(db, {
    actor: user,
    action: "visa_letter.downloaded",
    objectType: "delegate",
    objectId: person.delegateId,
    ip: args.context.clientIp,
    details: { eventId: event.id, invitationId: person.invitationId },
  });
  return attachment(
    await timeJob("visa_letter_pdf", () => visaLetterPdf(db, event, person)),
    "application/pdf",
    `visa-letter-${(person.latinFamilyName ?? "delegate").toLowerCase()}-${person.checkInCode}.pdf`,
  );
}
