import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { canHandlePassports, requireUser } from "~/auth.server";
import { ActionErrorAlert } from "~/components/action-error";
import { EmptyState } from "~/components/app-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { EventTools } from "~/components/event-tools";
import { getDb } from "~/db.server";
import { htmlLang, languageNames, supportedLngs } from "~/i18n";
import { actionError } from "~/lib/action-error";
import { readForm } from "~/lib/bounded-form.server";
import { localized } from "~/lib/directory";
import type { PageTitle } from "~/lib/page-title";
import { audited } from "~/models/audit.server";
import { listRosterPeople, saveVisaLetterText } from "~/models/roster.server";
import { eventSummary, requireEvent } from "~/services/event-view.server";
import { nameForms } from "~/services/roster-view.server";
import { visaLetterLanguages } from "~/services/visa-letter.server";
import type { VisaLetterText } from "../../db/schema";

import "~/lib/validation";

const FIELDS = ["inviter", "purpose", "costs", "accommodation", "signatory"] as const;

/** Visa support letters (administrators and visa officers only): the event's wording in English and the host's language, and one PDF per delegate who asked. */
export async function loader(args: LoaderFunctionArgs) {
  const viewer = requireUser(args, "staff");
  if (!canHandlePassports(viewer)) throw new Response("Forbidden", { status: 403 });
  const event = await requireEvent(args.params.eventId);
  const locale = args.context.locale;
  const db = getDb();
  const people = (await listRosterPeople(db, { eventId: event.id, filter: { attendance: "all" } })).filter((p) => p.needsVisaLetter);
  return {
    event: eventSummary(event, locale),
    languages: await visaLetterLanguages(db, event),
    wording: event.visaLetter ?? {},
    people: people.map((p) => ({ id: p.delegateId, ...nameForms(p), nameLang: htmlLang[p.nameLocale], member: localized(p.memberNames, locale) })),
  };
}

const Text = z.string().trim().max(2000).optional();
const WordingSchema = z.object(Object.fromEntries(FIELDS.flatMap((f) => supportedLngs.map((lng) => [`${f}.${lng}`, Text]))) as Record<string, typeof Text>);

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  if (!canHandlePassports(user)) throw new Response("Forbidden", { status: 403 });
  const event = await requireEvent(args.params.eventId);
  const parsed = WordingSchema.safeParse(Object.fromEntries(await readForm(args.request)));
  if (!parsed.success) return actionError("rosters:visa.errors.tooLong", 400);
  const text: VisaLetterText = {};
  for (const field of FIELDS) {
    const values = Object.fromEntries(supportedLngs.map((lng) => [lng, parsed.data[`${field}.${lng}`]]).filter(([, v]) => v));
    if (Object.keys(values).length) text[field] = values;
  }
  const db = getDb();
  await audited(db, (trx) => saveVisaLetterText(trx, { eventId: event.id, text }), {
    actor: user,
    action: "visa_letter.wording_changed",
    objectType: "event",
    objectId: event.id,
    ip: args.context.clientIp,
  });
  return redirect(`/events/${event.id}/visa-letters?saved=1`);
}

export const handle = { i18n: ["common", "rosters"], title: "rosters:visa.title" satisfies PageTitle };

export default function VisaLettersRoute() {
  const { t } = useTranslation("rosters");
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <>
      <p className="breadcrumb">
        <Link to={`/events/${data.event.id}`}>{data.event.title}</Link>
      </p>
      <h1>{t("visa.title")}</h1>
      <EventTools eventId={data.event.id} visaLetters />
      {params.get("saved") ? (
        <p className="notice success" role="status">
          {t("visa.saved")}
        </p>
      ) : null}
      <ActionErrorAlert data={actionData} />
      <section className="panel" aria-labelledby="who-heading">
        <h2 id="who-heading">{t("visa.who", { count: data.people.length })}</h2>
        <p className="muted">{t("visa.auditNote")}</p>
        {data.people.length ? (
          <ul className="check-in-list">
            {data.people.map((p) => (
              <li key={p.id}>
                <div>
                  <span lang={p.nameLang}>{p.name}</span> {p.latin ? <span className="muted">({p.latin})</span> : null}
                  <span className="block">{p.member}</span>
                </div>
                <a className="button" href={`/events/${data.event.id}/visa-letters/${p.id}`} download>
                  {t("visa.download")}
                </a>
              </li>
            ))}
          </ul>
        ) : (
          <EmptyState title={t("visa.none.title")} body={t("visa.none.body")} />
        )}
      </section>
      <section className="panel" aria-labelledby="wording-heading">
        <h2 id="wording-heading">{t("visa.wording")}</h2>
        <p className="muted">{t("visa.wordingIntro", { languages: data.languages.map((l) => languageNames[l]).join(", ") })}</p>
        <Form method="post">
          {FIELDS.map((field) => (
            <fieldset key={field}>
              <legend>{t(`visa.fields.${field}`)}</legend>
              {data.languages.map((lng) => (
                <label key={lng} className="field">
                  <span>{languageNames[lng]}</span>
                  <textarea
                    name={`${field}.${lng}`}
                    lang={htmlLang[lng]}
                    rows={field === "signatory" ? 3 : 2}
                    defaultValue={data.wording[field]?.[lng] ?? ""}
                    maxLength={2000}
                  />
                </label>
              ))}
            </fieldset>
          ))}
          <button type="submit" className="button primary">
            {t("visa.save")}
          </button>
        </Form>
      </section>
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
