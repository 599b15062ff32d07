import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { ActionErrorAlert } from "~/components/action-error";
import { htmlLang, languageNames, type Lng, supportedLngs } from "~/i18n";

export type LetterDocumentsView = {
  eventId: string;
  attachPdf: boolean;
  secondLocale: Lng | null;
  /** sizes as the server writes them in the interface language ("2.5 MB") */
  attachments: { id: string; filename: string; size: string }[];
  total: string;
  limit: string;
  accept: string;
  locale: Lng;
  members: { id: string; name: string }[];
  notice: { key: string; name?: string } | null;
};

/**
 * Issue 18 §8 on the letters page: whether the invitation carries the letter as a PDF (and in which second
 * language), the event's attached files within the total size limit, and a preview of the PDF letter.
 */
export function LetterDocuments({ view, actionData }: { view: LetterDocumentsView; actionData: unknown }) {
  const { t } = useTranslation("attachments");
  const errorFor = (form: string) => (actionData && typeof actionData === "object" && "form" in actionData && actionData.form === form ? actionData : null);
  return (
    <section className="panel letter-documents" aria-labelledby="letter-documents-heading">
      <h2 id="letter-documents-heading">{t("title")}</h2>
      {view.notice ? (
        <p className="notice success" role="status">
          {t(view.notice.key, { name: view.notice.name })}
        </p>
      ) : null}
      <Form method="post" reloadDocument className="stacked-form">
        <input type="hidden" name="intent" value="documents-options" />
        <label className="checkbox">
          <input type="checkbox" name="attachPdf" defaultChecked={view.attachPdf} /> {t("options.attachPdf")}
        </label>
        <div className="field">
          <label htmlFor="second-locale">{t("options.secondLocale")}</label>
          <select id="second-locale" name="secondLocale" defaultValue={view.secondLocale ?? ""}>
            <option value="">{t("options.secondNone")}</option>
            {supportedLngs.map((l) => (
              <option key={l} value={l} lang={htmlLang[l]}>
                {languageNames[l]}
              </option>
            ))}
          </select>
          <p className="field-hint">{t("options.secondHint")}</p>
        </div>
        <ActionErrorAlert data={errorFor("options")} />
        <div className="form-actions">
          <button type="submit" className="button">
            {t("options.save")}
          </button>
        </div>
      </Form>

      <h3>{t("list.heading")}</h3>
      <p className="muted" id="attachments-total">
        {t("list.total", { used: view.total, limit: view.limit })}
      </p>
      {view.attachments.length ? (
        <ul className="attachment-list">
          {view.attachments.map((a) => (
            <li key={a.id}>
              <a href={`/events/${view.eventId}/attachments/${a.id}`} download>
                {a.filename}
              </a>{" "}
              <span className="muted">({a.size})</span>{" "}
              <Form method="post" reloadDocument className="inline-form">
                <input type="hidden" name="intent" value="remove-attachment" />
                <input type="hidden" name="attachmentId" value={a.id} />
                <button type="submit" className="button small" aria-label={t("list.removeNamed", { name: a.filename })}>
                  {t("list.remove")}
                </button>
              </Form>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t("list.empty")}</p>
      )}
      <Form method="post" encType="multipart/form-data" reloadDocument className="stacked-form">
        <input type="hidden" name="intent" value="upload" />
        <div className="field">
          <label htmlFor="attachment-file">{t("upload.label")}</label>
          <p id="attachment-hint" className="field-hint">
            {t("upload.hint", { limit: view.limit })}
          </p>
          <input id="attachment-file" type="file" name="file" accept={view.accept} required aria-describedby="attachment-hint attachments-total" />
        </div>
        <ActionErrorAlert data={errorFor("upload")} />
        <div className="form-actions">
          <button type="submit" className="button">
            {t("upload.submit")}
          </button>
        </div>
      </Form>

      <h3>{t("preview.heading")}</h3>
      <Form method="get" action={`/events/${view.eventId}/letters.pdf`} reloadDocument target="_blank" className="form-actions">
        <div className="field inline">
          <label htmlFor="pdf-locale">{t("preview.language")}</label>
          <select id="pdf-locale" name="locale" defaultValue={view.locale}>
            {supportedLngs.map((l) => (
              <option key={l} value={l} lang={htmlLang[l]}>
                {languageNames[l]}
              </option>
            ))}
          </select>
        </div>
        {view.members.length ? (
          <div className="field inline">
            <label htmlFor="pdf-member">{t("preview.member")}</label>
            <select id="pdf-member" name="memberId">
              {view.members.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <button type="submit" className="button">
          {t("preview.submit")}
        </button>
      </Form>
    </section>
  );
}
