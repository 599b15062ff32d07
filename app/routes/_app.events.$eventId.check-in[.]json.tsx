import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import * as z from "zod";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { actionError } from "~/lib/action-error";
import { readForm } from "~/lib/bounded-form.server";
import { type DeviceList, EVENT_SCOPE, MAX_SYNC_BATCH, searchText, type SyncResult } from "~/lib/check-in";
import { localized } from "~/lib/directory";
import { protocolOrder } from "~/lib/protocol";
import { listProgrammeCheckIns, recordCheckIns } from "~/models/check-in.server";
import { listProgramme } from "~/models/event.server";
import { listRosterPeople } from "~/models/roster.server";
import { requireEvent } from "~/services/event-view.server";
import { nameForms } from "~/services/roster-view.server";

const QueuedCheckInSchema = z.object({
  id: z.string().uuid(),
  delegateId: z.string().uuid(),
  programmeItemId: z.string().uuid().nullable(),
  scannedAt: z.string().datetime({ offset: true }).nullable(),
});

/** The sync form: the device's queued check-ins as one JSON field (the body is bounded by readForm before parsing). */
const SyncSchema = z.object({
  checkIns: z
    .string()
    .max(MAX_SYNC_BATCH * 400)
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "checkin:errors.invalid" });
        return z.NEVER;
      }
    })
    .pipe(z.array(QueuedCheckInSchema).min(1).max(MAX_SYNC_BATCH)),
});

const SYNC_FORM_LIMITS = { maxBytes: 256 * 1024, shape: { maxItems: 1, maxNested: 1, maxFields: 1 } };

/**
 * The event's list for a device at the door: only names, delegation, category, badge code and who is checked in
 * for the event and each programme item. The staff session is required, as for the page.
 */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args);
  const event = await requireEvent(args.params.eventId);
  const locale = args.context.locale;
  const db = getDb();
  const [people, programme, programmeCheckIns] = await Promise.all([
    listRosterPeople(db, { eventId: event.id }),
    listProgramme(db, { eventId: event.id }),
    listProgrammeCheckIns(db, { eventId: event.id }),
  ]);
  const itemsOf = new Map<string, string[]>();
  for (const c of programmeCheckIns) itemsOf.set(c.delegateId, [...(itemsOf.get(c.delegateId) ?? []), c.programmeItemId]);
  const list: DeviceList = {
    eventId: event.id,
    title: localized(event.title, locale),
    savedAt: new Date().toISOString(),
    programme: programme.map((item) => ({ id: item.id, title: localized(item.title, locale) })),
    people: protocolOrder(people, event.protocol ?? {}, event.hostMemberId).map((p) => ({
      id: p.delegateId,
      ...nameForms(p),
      nameLang: p.nameLocale,
      member: localized(p.memberNames, locale),
      category: p.category,
      code: p.checkInCode,
      search: searchText([
        p.givenName,
        p.familyName,
        p.patronymic,
        p.latinGivenName,
        p.latinFamilyName,
        `${p.familyName ?? ""}${p.givenName}`,
        `${p.latinGivenName ?? ""} ${p.latinFamilyName ?? ""}`,
        `${p.latinFamilyName ?? ""} ${p.latinGivenName ?? ""}`,
        ...Object.values(p.memberNames),
        p.checkInCode,
      ]),
      checkedIn: [...(p.checkedInAt ? [EVENT_SCOPE] : []), ...(itemsOf.get(p.delegateId) ?? [])],
    })),
  };
  return Response.json(list, { headers: { "Cache-Control": "no-store" } });
}

/**
 * Sync: the check-ins a device queued, each recorded once by its id whatever how often it is sent; a person
 * already checked in for the same event or item gets a note instead of a second check-in. The server's clock counts.
 */
export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const event = await requireEvent(args.params.eventId);
  const parsed = SyncSchema.safeParse(Object.fromEntries(await readForm(args.request, SYNC_FORM_LIMITS)));
  if (!parsed.success) return actionError("checkin:errors.invalid", 400);
  const records = await recordCheckIns(getDb(), {
    eventId: event.id,
    by: user.id,
    items: parsed.data.checkIns.map((item) => ({ ...item, scannedAt: item.scannedAt ? new Date(item.scannedAt) : null })),
  });
  const results: SyncResult[] = records.map((r) =>
    r.status === "unknown" ? r : { ...r, at: r.at.toISOString(), first: { at: new Date(r.first.at).toISOString(), by: r.first.by } },
  );
  return Response.json({ results }, { headers: { "Cache-Control": "no-store" } });
}
