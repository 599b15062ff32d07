import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { canHandlePassports, requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { EventTools } from "~/components/event-tools";
import { LetterDocuments } from "~/components/letter-documents";
import { getDb } from "~/db.server";
import { htmlLang, languageNames, supportedLngs } from "~/i18n";
import { actionError } from "~/lib/action-error";
import { ACCEPTED_EXTENSIONS, checkAttachment, MAX_ATTACHMENTS_PER_EVENT, MAX_ATTACHMENTS_TOTAL_BYTES, MAX_FILENAME_LENGTH } from "~/lib/attachments";
import { readBoundedBody, readForm } from "~/lib/bounded-form.server";
import { localized, sortMembers } from "~/lib/directory";
import { formatBytes } from "~/lib/documents";
import { PLACEHOLDERS, unknownPlaceholders } from "~/lib/letters";
import type { PageTitle } from "~/lib/page-title";
import { LngSchema } from "~/lib/validation";
import { addAttachment, AttachmentLimitError, getLetterOptions, listAttachments, removeAttachment, saveLetterOptions } from "~/models/attachment.server";
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
  const [letter, members, attachments, options] = await Promise.all([
    getLetter(db, { eventId: event.id, kind, locale }),
    listMembers(db),
    listAttachments(db, { eventId: event.id }),
    getLetterOptions(db, { eventId: event.id }),
  ]);
  const notice = url.searchParams.get("doc");
  const sortedMembers = sortMembers(members, args.context.locale).map((m) => ({ id: m.id, name: localized(m.names, args.context.locale) }));
  return {
    documents: {
      eventId: event.id,
      attachPdf: options.attachPdf,
      secondLocale: options.secondLocale,
      // sizes are written here, not in the browser: Chromium's ICU has no Mongolian unit names ("MB" where Node
      // writes "МБ"), and the page would not hydrate
      attachments: attachments.map((a) => ({ id: a.id, filename: a.filename, size: formatBytes(a.size, htmlLang[args.context.locale]) })),
      total: formatBytes(
        attachments.reduce((sum, a) => sum + a.size, 0),
        htmlLang[args.context.locale],
      ),
      limit: formatBytes(MAX_ATTACHMENTS_TOTAL_BYTES, htmlLang[args.context.locale]),
      accept: ACCEPTED_EXTENSIONS.join(","),
      locale,
      members: sortedMembers,
      notice: notice && ["added", "removed", "saved"].includes(notice) ? { key: `notice.${notice}` } : null,
    },
    event: { id: event.id, title: localized(event.title, args.context.locale) },
    visaLetters: canHandlePassports(user),
    kind,
    locale,
    letter,
    saved: url.searchParams.get("saved") === "1",
    members: sortedMembers,
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const event = await requireEvent(args.params.eventId);
  const db = getDb();
  const documentsPage = `/events/${event.id}/letters`;
  if ((args.request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) {
    return uploadAttachment(args, { user, eventId: event.id, back: documentsPage });
  }
  const form = await readForm(args.request);
  const audit = { actor: user, objectType: "event", objectId: event.id, ip: args.context.clientIp };
  if (form.get("intent") === "documents-options") {
    const options = OptionsSchema.safeParse({ attachPdf: form.get("attachPdf") ?? undefined, secondLocale: form.get("secondLocale") ?? "" });
    if (!options.success) return actionError("attachments:errors.options", 400, undefined, { form: "options" });
    await audited(db, (trx) => saveLetterOptions(trx, { eventId: event.id, userId: user.id, ...options.data }), {
      ...audit,
      action: "letters.documents_saved",
      details: options.data,
    });
    return redirect(`${documentsPage}?doc=saved#letter-documents-heading`);
  }
  if (form.get("intent") === "remove-attachment") {
    const id = z.uuid().safeParse(form.get("attachmentId"));
    if (!id.success) return actionError("attachments:errors.notFound", 404, undefined, { form: "upload" });
    const removed = await audited(
      db,
      (trx) => removeAttachment(trx, { eventId: event.id, id: id.data }),
      (name) => (name ? { ...audit, action: "letters.attachment_removed", details: { attachment: id.data, name } } : null),
    );
    if (!removed) return actionError("attachments:errors.notFound", 404, undefined, { form: "upload" });
    return redirect(`${documentsPage}?doc=removed#letter-documents-heading`);
  }
  const selection = SelectionSchema.safeParse({ kind: form.get("kind"), locale: form.get("locale") });
  if (!selection.success) throw new Response("Bad Request", { status: 400 });
  const { kind, locale } = selection.data;
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

const OptionsSchema = z.object({
  attachPdf: z.literal("on").optional().transform(Boolean),
  secondLocale: z.union([z.literal(""), LngSchema]).transform((v) => v || null),
});

/** Status of each refusal of an upload: 413 too large, 415 not a type we take, 409 the event's limits, 400 the name. */
const UPLOAD_STATUS: Record<string, number> = { tooLarge: 413, total: 413, executable: 415, unknownType: 415, nameMismatch: 415, duplicate: 409, count: 409 };

/**
 * An upload (issue 18 §8): the body is bounded before it is parsed, the file checked by its bytes and its name,
 * and stored with its audit row in one transaction under the event's limits; any refusal stores nothing.
 */
async function uploadAttachment(args: ActionFunctionArgs, { user, eventId, back }: { user: { id: string; email: string }; eventId: string; back: string }) {
  const refuse = (problem: string, values?: Record<string, string | number>) =>
    actionError(`attachments:errors.${problem}`, UPLOAD_STATUS[problem] ?? 400, values, { form: "upload" });
  const limitMb = MAX_ATTACHMENTS_TOTAL_BYTES / (1024 * 1024);
  // the file and a few small fields; anything longer is refused unread
  if (Number(args.request.headers.get("Content-Length") ?? 0) > MAX_ATTACHMENTS_TOTAL_BYTES + 64 * 1024) return refuse("tooLarge", { limit: limitMb });
  // parsed whole (not by Remix's multipart parser, which keeps only the part after the last / or \ of a name):
  // a name with a path in it is refused, never silently shortened
  let form: FormData;
  try {
    form = (await readBoundedBody(args.request, { maxBytes: MAX_ATTACHMENTS_TOTAL_BYTES + 64 * 1024, shape: { maxItems: 5, maxNested: 5, maxFields: 5 } }))
      .form;
  } catch (error) {
    if (error instanceof Response && error.status === 413) return refuse("tooLarge", { limit: limitMb });
    return refuse("noFile");
  }
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) return refuse(file instanceof File && file.name ? "empty" : "noFile");
  const content = Buffer.from(await file.arrayBuffer());
  const checked = checkAttachment(file.name, content);
  if (!checked.ok) return refuse(checked.problem, { limit: limitMb, max: MAX_FILENAME_LENGTH });
  try {
    await audited(
      getDb(),
      (trx) => addAttachment(trx, { eventId, filename: checked.file.filename, contentType: checked.file.contentType, content, userId: user.id }),
      (added) => ({
        actor: user,
        action: "letters.attachment_added",
        objectType: "event",
        objectId: eventId,
        ip: args.context.clientIp,
        details: { attachment: added.id, name: added.filename, size: added.size, sha256: added.sha256 },
      }),
    );
  } catch (error) {
    if (error instanceof AttachmentLimitError) return refuse(error.reason, { limit: limitMb, max: MAX_ATTACHMENTS_PER_EVENT });
    throw error;
  }
  return redirect(`${back}?doc=added#letter-documents-heading`);
}

export const handle = { i18n: ["common", "directory", "invitations", "rosters", "attachments"], title: "invitations:letters.title" satisfies PageTitle };

type LetterErrors = { errors: { field: string; message: string; values?: Record<string, string> }[] };

export default function LettersRoute() {
  const { t } = useTranslation("invitations");
  const { event, kind, locale, letter, saved, members, visaLetters, documents } = useLoaderData<typeof loader>();
  const rawActionData = useActionData<unknown>();
  const actionData = rawActionData && typeof rawActionData === "object" && "errors" in rawActionData ? (rawActionData as LetterErrors) : undefined;
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
      <LetterDocuments view={documents} actionData={rawActionData} />
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
