import { useTranslation } from "react-i18next";

import type { DocumentKind } from "~/lib/documents";

type DocumentRow = { id: string; kind: DocumentKind; delegateId: string | null; fileName: string; size: string };

/** Issue 18 §1 for staff: what the delegation uploaded, each file a download (passport scans for those allowed). */
export function StaffDocuments({
  eventId,
  documents,
  delegates,
  canDownloadScans,
}: {
  eventId: string;
  documents: DocumentRow[];
  delegates: { id: string; line: string }[];
  canDownloadScans: boolean;
}) {
  const { t } = useTranslation("documents");
  const owner = (d: DocumentRow) => (d.delegateId ? (delegates.find((p) => p.id === d.delegateId)?.line ?? "") : "");
  return (
    <section className="panel" id="documents" aria-labelledby="documents-heading">
      <h2 id="documents-heading">{t("staffTitle")}</h2>
      {documents.length ? (
        <ul className="documents-list">
          {documents.map((d) => (
            <li key={d.id}>
              <strong>{t(`kinds.${d.kind}`)}</strong>
              {d.delegateId ? ` · ${owner(d)}` : ""} ·{" "}
              {d.kind !== "passport_scan" || canDownloadScans ? (
                <a href={`/events/${eventId}/documents/${d.id}`} download aria-label={t("downloadNamed", { file: d.fileName })}>
                  <bdi>{d.fileName}</bdi>
                </a>
              ) : (
                <span className="muted">{t("scanRestricted")}</span>
              )}{" "}
              <span className="small muted">({d.size})</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t("staffNone")}</p>
      )}
    </section>
  );
}
