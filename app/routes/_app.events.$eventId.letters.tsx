import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { canHandlePassports, requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { EventTools } from "~/components/event-tools";
import { getDb } from "~/db.server";
import { htmlLang, languageNames, supportedLngs } from "~/i18n";
import { readForm } from "~/lib/bounded-form.server";
import { localized, sortMembers } from "~/lib/directory";
import { PLACEHOLDERS, unknownPlaceholders } from "~/lib/letters";
import type { PageTitle } from "~/lib/page-title";
import { LngSchema } from "~/lib/validation";
import { audited } from "~/models/audit.server";
import { getLetter, resetLetter, saveLetter } from "~/models/letter.server";
import { listMembers } from "~/models/member.server";
import { requireEvent } from "~/services/event-view.server";
import { LETTER_KINDS } from "../../db/schema";

const SelectionSchema = z.object({ kind: z.enum(LETTER_KINDS).default("invitation"), locale: LngSchema.default("en") });
const LetterSchema = z.object({
  subject: z
    .string()
    .trim()
    .min(1, "validation.required")
    .max(300, "validation.tooLong#300")
    .refine((v) => !/[\r\n]/.test(v), "validation.controlCharacters"),
  body: z.string().trim().min(1, "validation.required").max(10000, "validation.tooLong#10000"),
  version: z.coerce.number().int().min(0),
});

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, "staff");
  const event = await requireEvent(args.params.eventId);
  const url = new URL(args.request.url);
  const selection = SelectionSchema.safeParse(Object.fromEntries(url.searchParams));
  const { kind, locale } = selection.success ? selection.data : { kind: "invitation" as const, locale: "en" as const };
  const db = getDb();
  const [letter, members] = await Promise.all([getLetter(db, { eventId: event.id, kind, locale }), listMembers(db)]);
  return {
    event: { id: event.id, title: localized(event.title, args.context.locale) },
    visaLetters: canHandlePassports(user),
    kind,
    locale,
    letter,
    saved: url.searchParams.get("saved") === "1",
    members: sortMembers(members, args.context.locale).map((m) => ({ id: m.id, name: localized(m.names, args.context.locale) })),
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const event = await requireEvent(args.params.eventId);
  const form = await readForm(args.request);
  const selection = SelectionSchema.safeParse({ kind: form.get("kind"), locale: form.get("locale") });
  if (!selection.success) throw new Response("Bad Request", { status: 400 });
  const { kind, locale } = selection.data;
  const db = getDb();
  const here = `/events/${event.id}/letters?kind=${kind}&locale=${locale}`;
  if (form.get("intent") === "reset") {
    await audited(db, (trx) => resetLetter(trx, { eventId: event.id, kind, locale }), {
      actor: user,
      action: "letters.reset",
      objectType: "event",
      objectId: event.id,
      ip: args.context.clientIp,
      details: { kind, locale },
    });
    return redirect(`${here}&saved=1`);
  }
  const parsed = LetterSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    return Response.json({ errors: parsed.error.issues.map((i) => ({ field: String(i.path[0]), message: i.message })) }, { status: 400 });
  }
  const unknown = unknownPlaceholders(`${parsed.data.subject}\n${parsed.data.body}`);
  if (unknown.length) {
    return Response.json(
      { errors: [{ field: "body", message: "invitations:letters.unknownPlaceholders", values: { names: unknown.map((n) => `{{${n}}}`).join(", ") } }] },
      { status: 400 },
    );
  }
  const saved = await audited(
    db,
    (trx) => saveLetter(trx, { eventId: event.id, kind, locale, ...parsed.data, userId: user.id }),
    (saved) =>
      saved ? { actor: user, action: "letters.saved", objectType: "event", objectId: event.id, ip: args.context.clientIp, details: { kind, locale } } : null,
  );
  if (!saved) return Response.json({ errors: [{ field: "body", message: "directory:form.conflict" }] }, { status: 409 });
  return redirect(`${here}&saved=1`);
}

export const handle = { i18n: ["common", "directory", "invitations", "rosters"], title: "invitations:letters.title" satisfies PageTitle };

export default function LettersRoute() {
  const { t } = useTranslation("invitations");
  const { event, kind, locale, letter, saved, members, visaLetters } = useLoaderData<typeof loader>();
  const actionData = useActionData<{ errors: { field: string; message: string; values?: Record<string, string> }[] }>();
  const navigation = useNavigation();
  const errorFor = (field: string) => actionData?.errors.filter((e) => e.field === field) ?? [];
  return (
    <>
      <p className="breadcrumb">
        <Link to={`/events/${event.id}`}>{event.title}</Link>
      </p>
      <h1>{t("letters.title")}</h1>
      <EventTools eventId={event.id} visaLetters={visaLetters} />
      <nav className="tabs" aria-label={t("letters.kinds")}>
        {LETTER_KINDS.map((k) => (
          <Link key={k} to={`?kind=${k}&locale=${locale}`} className={k === kind ? "active" : undefined} aria-current={k === kind ? "page" : undefined}>
            {t(`kinds.${k}`)}
          </Link>
        ))}
      </nav>
      <nav className="tabs" aria-label={t("letters.languages")}>
        {supportedLngs.map((l) => (
          <Link
            key={l}
            to={`?kind=${kind}&locale=${l}`}
            lang={htmlLang[l]}
            className={l === locale ? "active" : undefined}
            aria-current={l === locale ? "page" : undefined}
          >
            {languageNames[l]}
          </Link>
        ))}
      </nav>
      {saved ? (
        <p className="notice success" role="status">
          {t("letters.saved")}
        </p>
      ) : null}
      <div className="letter-editor">
        <Form method="post" className="stacked-form" key={`${kind}-${locale}-${letter.version}`} reloadDocument>
          <input type="hidden" name="kind" value={kind} />
          <input type="hidden" name="locale" value={locale} />
          <input type="hidden" name="version" value={letter.version} />
          <p className="muted small">{letter.isDefault ? t("letters.isDefault") : t("letters.isCustom")}</p>
          <div className="field">
            <label htmlFor="subject">{t("letters.subject")}</label>
            <input id="subject" name="subject" lang={htmlLang[locale]} defaultValue={letter.subject} required maxLength={300} />
            {errorFor("subject").map((e) => (
              <p key={e.message} className="field-errors">
                {t(e.message.split("#")[0], { count: Number(e.message.split("#")[1]) })}
              </p>
            ))}
          </div>
          <div className="field">
            <label htmlFor="body">{t("letters.body")}</label>
            <textarea id="body" name="body" rows={18} lang={htmlLang[locale]} defaultValue={letter.body} required aria-describedby="placeholders" />
            {errorFor("body").map((e) => (
              <p key={e.message} className="field-errors" role="alert">
                {t(e.message.split("#")[0], { ...e.values, count: Number(e.message.split("#")[1]) })}
              </p>
            ))}
          </div>
          <p id="placeholders" className="field-hint">
            {t("letters.placeholders")} {PLACEHOLDERS.map((p) => `{{${p}}}`).join(" ")}
          </p>
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={navigation.state === "submitting"}>
              {t("letters.save")}
            </button>
            <div className="field inline">
              <label htmlFor="preview-member">{t("letters.previewFor")}</label>
              <select id="preview-member" name="memberId">
                {members.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className="button" formAction={`/events/${event.id}/letters/preview`} formTarget="letter-preview" formNoValidate>
              {t("letters.preview")}
            </button>
            {!letter.isDefault ? (
              <button type="submit" name="intent" value="reset" className="button" formNoValidate>
                {t("letters.reset")}
              </button>
            ) : null}
          </div>
        </Form>
        <iframe name="letter-preview" title={t("letters.previewTitle")} className="mail-frame" sandbox="" />
      </div>
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
