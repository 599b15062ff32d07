import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { type ActionError, describeActionError } from "~/lib/action-error";
import { ACCEPTED_TYPES, type DocumentKind, MAX_DOCUMENT_BYTES } from "~/lib/documents";

type DocumentRow = { id: string; kind: DocumentKind; delegateId: string | null; fileName: string; size: string };
type Person = { id: string; line: string };

/**
 * Issue 18 §1 on the reply page: the delegation's note verbale, and each person's photo for the badge and, where
 * the event collects passport data, passport scan. Plain multipart forms, so they work without JavaScript.
 */
export function DocumentsPanel({
  documents,
  delegates,
  passportAllowed,
  open,
  error,
  status,
}: {
  documents: DocumentRow[];
  delegates: Person[];
  passportAllowed: boolean;
  open: boolean;
  error?: ActionError;
  status: string | null;
}) {
  const { t } = useTranslation("documents");
  const kinds: DocumentKind[] = passportAllowed ? ["photo", "passport_scan"] : ["photo"];
  return (
    <section className="panel documents-panel" id="documents" aria-labelledby="documents-heading">
      <h2 id="documents-heading">{t("title")}</h2>
      <p className="small muted">{t("hint", { maxMb: MAX_DOCUMENT_BYTES / 1024 / 1024 })}</p>
      {error ? (
        <p className="notice warning" role="alert">
          {describeActionError(t, error)}
        </p>
      ) : status === "saved" || status === "removed" ? (
        <p className="notice success" role="status">
          {t(status === "saved" ? "saved" : "removed")}
        </p>
      ) : null}
      <DocumentSlot kind="note_verbale" label={t("kinds.note_verbale")} current={documents.find((d) => d.kind === "note_verbale")} open={open} />
      {delegates.length ? (
        delegates.map((person) => (
          <fieldset key={person.id} className="documents-person">
            <legend>{person.line}</legend>
            {kinds.map((kind) => (
              <DocumentSlot
                key={kind}
                kind={kind}
                delegateId={person.id}
                label={t(`kinds.${kind}`)}
                current={documents.find((d) => d.kind === kind && d.delegateId === person.id)}
                open={open}
              />
            ))}
          </fieldset>
        ))
      ) : (
        <p className="small muted">{t("peopleFirst")}</p>
      )}
    </section>
  );
}

function DocumentSlot({
  kind,
  delegateId,
  label,
  current,
  open,
}: {
  kind: DocumentKind;
  delegateId?: string;
  label: string;
  current?: DocumentRow;
  open: boolean;
}) {
  const { t } = useTranslation("documents");
  const inputId = `file-${kind}-${delegateId ?? "delegation"}`;
  return (
    <div className="document-slot">
      {current ? (
        <Form method="post" encType="multipart/form-data" className="document-current">
          <input type="hidden" name="intent" value="remove-document" />
          <input type="hidden" name="documentId" value={current.id} />
          <span>
            <strong>{label}:</strong> <bdi>{current.fileName}</bdi> <span className="small muted">({current.size})</span>
          </span>
          {open ? (
            <button type="submit" className="button small" aria-label={t("removeNamed", { what: label, file: current.fileName })}>
              {t("remove")}
            </button>
          ) : null}
        </Form>
      ) : null}
      {open ? (
        <Form method="post" encType="multipart/form-data" className="document-upload">
          <input type="hidden" name="intent" value="upload-document" />
          <input type="hidden" name="kind" value={kind} />
          {delegateId ? <input type="hidden" name="delegateId" value={delegateId} /> : null}
          <label htmlFor={inputId}>{current ? t("replace", { what: label }) : label}</label>
          <input id={inputId} type="file" name="file" required accept={ACCEPTED_TYPES[kind].join(",")} />
          <button type="submit" className="button">
            {t("upload")}
          </button>
        </Form>
      ) : null}
    </div>
  );
}
