import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ConfirmAction } from "~/components/forms";
import { ProgrammeForm } from "~/components/programme-form";
import { ProgrammeRegistrations } from "~/components/programme-registrations";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import type { Lng } from "~/i18n";
import { readForm } from "~/lib/bounded-form.server";
import { utcToLocalInput } from "~/lib/dates";
import { localized } from "~/lib/directory";
import { VersionSchema } from "~/lib/directory-schemas";
import { ProgrammeItemSchema } from "~/lib/event-schemas";
import { foundOr404 } from "~/lib/found.server";
import { formatName } from "~/lib/names";
import { titleFrom } from "~/lib/page-title";
import { notifyPromotions } from "~/mail/capacity.server";
import { audited } from "~/models/audit.server";
import { listItemRegistrations, promoteWaiting } from "~/models/capacity.server";
import { ConflictError } from "~/models/errors";
import { createProgrammeItem, deleteProgrammeItem, getEvent, getProgrammeItem, updateProgrammeItem } from "~/models/event.server";

/** One route for "new" (itemId = new) and an existing item: form, save, delete. */
async function load(params: { eventId?: string; itemId?: string }) {
  const db = getDb();
  const event = await foundOr404(params.eventId, (id) => getEvent(db, { id }));
  if (params.itemId === "new") return { event, item: undefined };
  const item = await foundOr404(params.itemId, (id) => getProgrammeItem(db, { id, eventId: event.id }));
  return { event, item };
}

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "staff");
  const { event, item } = await load(args.params);
  const tz = event.timeZone;
  const defaultStart = utcToLocalInput(new Date(event.startsAt), tz);
  const locale = args.context.locale as Lng;
  const registrations = item ? await listItemRegistrations(getDb(), { eventId: event.id, itemId: item.id }) : [];
  return {
    registrations: registrations.map((r) => ({
      delegateId: r.delegateId,
      href: `/events/${event.id}/replies/${r.invitationId}`,
      name: formatName({ ...r, nameLocale: r.nameLocale as Lng }, locale, "roster"),
      member: localized(r.memberNames, locale),
      status: r.status,
    })),
    capacity: item?.capacity ?? null,
    event: { id: event.id, title: localized(event.title, args.context.locale), timeZone: tz },
    item: item
      ? {
          id: item.id,
          version: item.version,
          defaults: {
            kind: item.kind,
            start: utcToLocalInput(new Date(item.startsAt), tz),
            end: utcToLocalInput(new Date(item.endsAt), tz),
            title: item.title,
            description: item.description,
            place: item.place,
            attendanceAsked: item.attendanceAsked ? "on" : "",
            capacity: item.capacity ? String(item.capacity) : "",
          },
        }
      : null,
    newDefaults: { start: defaultStart, end: defaultStart },
    conflict: new URL(args.request.url).searchParams.get("conflict") === "1",
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const { event, item } = await load(args.params);
  const formData = await readForm(args.request);
  const db = getDb();
  const back = `/events/${event.id}`;
  if (item && formData.get("intent") === "delete") {
    const version = VersionSchema.safeParse(formData.get("version"));
    if (!version.success) throw new Response("Bad Request", { status: 400 });
    try {
      await audited(db, (trx) => deleteProgrammeItem(trx, { id: item.id, eventId: event.id, version: version.data }), {
        actor: user,
        action: "events.programme_deleted",
        objectType: "programme_item",
        objectId: item.id,
        ip: args.context.clientIp,
      });
    } catch (error) {
      if (error instanceof ConflictError) return redirect(`${back}/programme/${item.id}?conflict=1`);
      throw error;
    }
    return redirect(back);
  }
  const submission = parseWithZod(formData, { schema: ProgrammeItemSchema });
  if (submission.status !== "success") return Response.json({ result: submission.reply() }, { status: 400 });
  if (!item) {
    await audited(
      db,
      (trx) => createProgrammeItem(trx, { eventId: event.id, timeZone: event.timeZone, input: submission.value }),
      ({ id }) => ({ actor: user, action: "events.programme_created", objectType: "programme_item", objectId: id, ip: args.context.clientIp }),
    );
    return redirect(back);
  }
  const version = VersionSchema.safeParse(formData.get("version"));
  if (!version.success) throw new Response("Bad Request", { status: 400 });
  try {
    await audited(
      db,
      async (trx) => {
        await updateProgrammeItem(trx, { id: item.id, eventId: event.id, version: version.data, timeZone: event.timeZone, input: submission.value });
        // a raised (or removed) capacity opens places: they go to the people waiting, who are told (issue 18 §7)
        await notifyPromotions(trx, { env: getEnv(), event, promotions: await promoteWaiting(trx, { eventId: event.id, itemId: item.id }) });
      },
      { actor: user, action: "events.programme_updated", objectType: "programme_item", objectId: item.id, ip: args.context.clientIp },
    );
  } catch (error) {
    if (error instanceof ConflictError) return redirect(`${back}/programme/${item.id}?conflict=1`);
    throw error;
  }
  return redirect(back);
}

export const handle = {
  i18n: ["common", "directory", "events", "capacity"],
  title: titleFrom<typeof loader>((data) =>
    data?.event ? { key: data.item ? "events:programme.editTitle" : "events:programme.newTitle", values: { event: data.event.title } } : null,
  ),
};

export default function ProgrammeItemRoute() {
  const { t } = useTranslation("events");
  const { event, item, newDefaults, conflict, registrations, capacity } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <h1>{item ? t("programme.editTitle", { event: event.title }) : t("programme.newTitle", { event: event.title })}</h1>
      {conflict ? (
        <p className="notice" role="alert">
          {t("directory:form.conflict")}
        </p>
      ) : null}
      <ProgrammeForm
        key={item?.version ?? "new"}
        lastResult={actionData?.result}
        defaultValue={item?.defaults ?? newDefaults}
        version={item?.version}
        timeZone={event.timeZone}
        cancelTo={`/events/${event.id}`}
        submitLabel={item ? t("directory:form.save") : t("programme.create")}
      />
      {item ? <ProgrammeRegistrations registrations={registrations} capacity={capacity} /> : null}
      {item ? (
        <ConfirmAction
          className="danger-zone"
          label={t("programme.delete")}
          question={t("programme.deleteConfirm")}
          intent="intent"
          value="delete"
          version={item.version}
          danger
        />
      ) : null}
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
