import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  MaxPartSizeExceededError,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { getDb } from "~/db.server";
import { readForm } from "~/lib/bounded-form.server";
import { checkSheet, type ImportKind } from "~/lib/directory-import.server";
import type { PageTitle } from "~/lib/page-title";
import { MAX_ROWS, MAX_UPLOAD_BYTES, readSpreadsheet, SpreadsheetError } from "~/lib/spreadsheet.server";
import { applyImportBatch, createImportBatch, ImportRejectedError, previewImport } from "~/models/import-batch.server";

const KindSchema = z.enum(["members", "contacts"]);

type PreviewRow = { line: number; label: string; errors: { column: string; message: string }[] };
type ActionResult =
  | { stage: "error"; message: string; values?: Record<string, string | number> }
  | { stage: "invalid"; kind: ImportKind; fileName: string; fileErrors: { column: string; message: string }[]; rows: PreviewRow[]; total: number }
  | {
      stage: "confirm";
      kind: ImportKind;
      fileName: string;
      batchId: string;
      counts: { created: number; updated: number; unchanged: number };
      rows: PreviewRow[];
    };

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "staff");
  const url = new URL(args.request.url);
  const done = url.searchParams.get("done");
  return {
    done: done
      ? {
          kind: done,
          created: Number(url.searchParams.get("created")),
          updated: Number(url.searchParams.get("updated")),
          unchanged: Number(url.searchParams.get("unchanged")),
        }
      : null,
    maxRows: MAX_ROWS,
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const db = getDb();
  const contentType = args.request.headers.get("Content-Type") ?? "";

  if (!contentType.startsWith("multipart/form-data")) {
    const form = await readForm(args.request);
    const batchId = z.string().uuid().safeParse(form.get("batchId"));
    if (form.get("intent") !== "apply" || !batchId.success) throw new Response("Bad Request", { status: 400 });
    try {
      const { counts, kind } = await applyImportBatch(db, { id: batchId.data, user, ip: args.context.clientIp });
      return redirect(`/members/import?done=${kind}&created=${counts.created}&updated=${counts.updated}&unchanged=${counts.unchanged}`);
    } catch (error) {
      if (error instanceof ImportRejectedError) {
        return Response.json({ stage: "error", message: "directory:import.errors.changedMeanwhile" } satisfies ActionResult, { status: 409 });
      }
      throw error;
    }
  }

  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(args.request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_UPLOAD_BYTES }));
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) {
      // The rest of the upload is never read; the HTTP layer closes this connection (see http.server.ts).
      return Response.json({ stage: "error", message: "directory:import.errors.tooLarge", values: { max: 2 } } satisfies ActionResult, { status: 413 });
    }
    throw error;
  }
  const kind = KindSchema.safeParse(form.get("kind"));
  const file = form.get("file");
  if (!kind.success) return Response.json({ stage: "error", message: "directory:import.errors.kind" } satisfies ActionResult, { status: 400 });
  if (!(file instanceof File) || file.size === 0) {
    return Response.json({ stage: "error", message: "directory:import.errors.noFile" } satisfies ActionResult, { status: 400 });
  }
  let checked;
  try {
    const sheet = await readSpreadsheet({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
    checked = checkSheet(kind.data, sheet);
  } catch (error) {
    if (error instanceof SpreadsheetError) {
      return Response.json({ stage: "error", message: error.key, values: error.values } satisfies ActionResult, { status: 400 });
    }
    throw error;
  }
  const toPreview = (row: (typeof checked.rows)[number]): PreviewRow =>
    row.ok ? { line: row.line, label: row.key.split("|").slice(0, 2).join(" "), errors: [] } : { line: row.line, label: row.label, errors: row.errors };

  if (!checked.valid) {
    return Response.json(
      {
        stage: "invalid",
        kind: kind.data,
        fileName: file.name,
        fileErrors: checked.fileErrors,
        rows: checked.rows.map(toPreview),
        total: checked.rows.length,
      } satisfies ActionResult,
      { status: 400 },
    );
  }
  const validRows = checked.rows.filter((r): r is Extract<typeof r, { ok: true }> => r.ok);
  const outcome = await previewImport(db, kind.data, validRows);
  if (outcome.rowErrors.length) {
    const errorsByLine = new Map(outcome.rowErrors.map((e) => [e.line, e.errors]));
    return Response.json(
      {
        stage: "invalid",
        kind: kind.data,
        fileName: file.name,
        fileErrors: [],
        rows: checked.rows.map((row) => ({ ...toPreview(row), errors: errorsByLine.get(row.line) ?? [] })),
        total: checked.rows.length,
      } satisfies ActionResult,
      { status: 400 },
    );
  }
  const { id } = await createImportBatch(db, { kind: kind.data, fileName: file.name, rows: validRows, userId: user.id });
  return Response.json({
    stage: "confirm",
    kind: kind.data,
    fileName: file.name,
    batchId: id,
    counts: outcome.counts,
    rows: checked.rows.map(toPreview),
  } satisfies ActionResult);
}

/** A message key as the schemas write them: "validation.email" (common) or "directory:import.errors.…", with "#n" for a count or line. */
function Message({ message, values }: { message: string; values?: Record<string, string | number> }) {
  const { t } = useTranslation("common");
  const [key, n] = message.split("#");
  return <>{t(key, { ...values, ...(n ? { count: Number(n), line: Number(n) } : {}) })}</>;
}

function RowsTable({ rows, onlyErrors }: { rows: PreviewRow[]; onlyErrors?: boolean }) {
  const { t } = useTranslation("directory");
  const shown = onlyErrors ? rows.filter((r) => r.errors.length) : rows;
  return (
    <div className="table-wrap">
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col" className="num">
              {t("import.line")}
            </th>
            <th scope="col">{t("import.row")}</th>
            <th scope="col">{t("import.result")}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={row.line} className={row.errors.length ? "row-error" : undefined}>
              <td className="num">{row.line}</td>
              <td>{row.label}</td>
              <td>
                {row.errors.length ? (
                  <ul className="field-errors">
                    {row.errors.map((e, i) => (
                      <li key={i}>
                        <code>{e.column}</code>: <Message message={e.message} />
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span className="ok">{t("import.rowOk")}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export const handle = { title: "directory:import.title" satisfies PageTitle };

export default function ImportRoute() {
  const { t } = useTranslation("directory");
  const { done, maxRows } = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  return (
    <>
      <h1>{t("import.title")}</h1>
      {done ? (
        <p className="notice success" role="status">
          {t("import.done", { created: done.created, updated: done.updated, unchanged: done.unchanged })}
        </p>
      ) : null}

      {result?.stage === "confirm" ? (
        <section className="panel" aria-labelledby="confirm-heading">
          <h2 id="confirm-heading">{t("import.confirmTitle", { file: result.fileName })}</h2>
          <p>{t("import.allValid", { count: result.rows.length })}</p>
          <ul className="counts">
            <li>{t("import.counts.created", { count: result.counts.created })}</li>
            <li>{t("import.counts.updated", { count: result.counts.updated })}</li>
            <li>{t("import.counts.unchanged", { count: result.counts.unchanged })}</li>
          </ul>
          <Form method="post" className="form-actions">
            <input type="hidden" name="batchId" value={result.batchId} />
            <button type="submit" name="intent" value="apply" className="button primary" disabled={busy}>
              {busy ? t("import.applying") : t("import.apply", { count: result.rows.length })}
            </button>
            <Link to="/members/import" className="button">
              {t("form.cancel")}
            </Link>
          </Form>
          <details>
            <summary>{t("import.showRows")}</summary>
            <RowsTable rows={result.rows} />
          </details>
        </section>
      ) : null}

      {result?.stage === "invalid" ? (
        <section className="panel error-panel" aria-labelledby="invalid-heading" role="alert">
          <h2 id="invalid-heading">{t("import.invalidTitle", { file: result.fileName })}</h2>
          <p>{t("import.nothingWritten")}</p>
          {result.fileErrors.length ? (
            <ul className="field-errors">
              {result.fileErrors.map((e) => (
                <li key={e.column}>
                  <code>{e.column}</code>: <Message message={e.message} />
                </li>
              ))}
            </ul>
          ) : (
            <>
              <p>{t("import.rowsWithErrors", { count: result.rows.filter((r) => r.errors.length).length, total: result.total })}</p>
              <RowsTable rows={result.rows} onlyErrors />
              <details>
                <summary>{t("import.showRows")}</summary>
                <RowsTable rows={result.rows} />
              </details>
            </>
          )}
        </section>
      ) : null}

      {result?.stage === "error" ? (
        <div className="form-errors" role="alert">
          <p>
            <Message message={result.message} values={result.values} />
          </p>
        </div>
      ) : null}

      <section className="panel" aria-labelledby="upload-heading">
        <h2 id="upload-heading">{t("import.uploadTitle")}</h2>
        <p className="muted">{t("import.rules", { maxRows })}</p>
        <Form method="post" encType="multipart/form-data" className="stacked-form">
          <fieldset className="group">
            <legend>{t("import.kind")}</legend>
            <label className="checkbox">
              <input type="radio" name="kind" value="members" defaultChecked /> {t("import.kinds.members")}
            </label>
            <label className="checkbox">
              <input type="radio" name="kind" value="contacts" /> {t("import.kinds.contacts")}
            </label>
          </fieldset>
          <div className="field">
            <label htmlFor="file">{t("import.file")}</label>
            <input id="file" name="file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required />
          </div>
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={busy}>
              {busy ? t("import.checking") : t("import.check")}
            </button>
          </div>
        </Form>
        <p className="small">
          {t("import.templates")} <a href="/members/export?type=members&format=xlsx&template=1">{t("import.kinds.members")} (XLSX)</a> ·{" "}
          <a href="/members/export?type=members&format=csv&template=1">{t("import.kinds.members")} (CSV)</a> ·{" "}
          <a href="/members/export?type=contacts&format=xlsx&template=1">{t("import.kinds.contacts")} (XLSX)</a> ·{" "}
          <a href="/members/export?type=contacts&format=csv&template=1">{t("import.kinds.contacts")} (CSV)</a>
        </p>
      </section>

      <section className="panel" aria-labelledby="export-heading">
        <h2 id="export-heading">{t("export.title")}</h2>
        <p className="muted">{t("export.body")}</p>
        <ul className="export-links">
          <li>
            {t("import.kinds.members")}: <a href="/members/export?type=members&format=xlsx">XLSX</a> · <a href="/members/export?type=members&format=csv">CSV</a>
          </li>
          <li>
            {t("import.kinds.contacts")}: <a href="/members/export?type=contacts&format=xlsx">XLSX</a> ·{" "}
            <a href="/members/export?type=contacts&format=csv">CSV</a>
          </li>
        </ul>
      </section>
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
