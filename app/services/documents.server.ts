import { redirect } from "@remix-run/node";

import { canHandlePassports } from "~/auth.server";
import { type DB, inTransaction } from "~/db.server";
import type { Env } from "~/env.server";
import { actionError } from "~/lib/action-error";
import { readBoundedBody, UPLOAD_FORM_LIMITS } from "~/lib/bounded-form.server";
import { DocumentFormSchema, type DocumentKind, type DocumentProblem, formatBytes, MAX_DOCUMENT_BYTES, MAX_IMAGE_PIXELS } from "~/lib/documents";
import { checkDocument } from "~/lib/documents.server";
import { keyId, sealBytes, SealedValueError, unsealBytes } from "~/lib/sealed.server";
import { audited } from "~/models/audit.server";
import { delegateInInvitation, deleteDocument, getDocumentFile, listDocuments, replaceDocument } from "~/models/document.server";
import type { StaffUser } from "~/models/staff-user.server";

const STATUS: Record<DocumentProblem, number> = {
  noFile: 400,
  empty: 400,
  tooLarge: 413,
  type: 415,
  pdfCorrupt: 415,
  imageCorrupt: 415,
  dimensions: 413,
  fileName: 400,
  noPassport: 403,
  unknownPerson: 404,
  notFound: 404,
  closed: 410,
};

export function documentRefusal(problem: DocumentProblem) {
  return actionError(
    `documents:errors.${problem}`,
    STATUS[problem],
    { maxMb: MAX_DOCUMENT_BYTES / 1024 / 1024, maxMegapixels: MAX_IMAGE_PIXELS / 1_000_000 },
    { documents: true },
  );
}

/** The reply page's document forms are the only multipart ones it has. */
export const isDocumentPost = (request: Request) => (request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data");

export type UploadOutcome = { ok: true; id: string } | { ok: false; problem: DocumentProblem };

/**
 * Stores one upload for an invitation after checking it by content (app/lib/documents.server.ts); a passport
 * scan only where the event collects passport data, sealed like the passport number. One transaction: the old
 * file of the same kind goes only when the new one is stored.
 */
export async function uploadDocument(
  db: DB,
  input: {
    env: Pick<Env, "DATA_ENCRYPTION_KEY">;
    invitationId: string;
    kind: DocumentKind;
    delegateId?: string;
    passportAllowed: boolean;
    bytes: Uint8Array;
    name: string;
  },
): Promise<UploadOutcome> {
  const delegateId = input.kind === "note_verbale" ? null : (input.delegateId ?? null);
  if (input.kind === "passport_scan" && !input.passportAllowed) return { ok: false, problem: "noPassport" };
  if (input.kind !== "note_verbale" && (!delegateId || !(await delegateInInvitation(db, { invitationId: input.invitationId, delegateId })))) {
    return { ok: false, problem: "unknownPerson" };
  }
  const checked = await checkDocument({ kind: input.kind, bytes: input.bytes, name: input.name });
  if (!checked.ok) return checked;
  const { document } = checked;
  const key = input.env.DATA_ENCRYPTION_KEY;
  const sealed = input.kind === "passport_scan";
  const stored = await inTransaction(db, async (trx) => {
    // the person may have been removed since the check; the foreign key would refuse, this says so kindly
    if (delegateId && !(await delegateInInvitation(trx, { invitationId: input.invitationId, delegateId }))) return null;
    return replaceDocument(trx, {
      invitationId: input.invitationId,
      delegateId,
      kind: input.kind,
      mediaType: document.mediaType,
      content: sealed ? sealBytes(key, document.data) : document.data,
      byteSize: document.data.length,
      sha256: document.sha256,
      fileName: document.fileName,
      width: document.width,
      height: document.height,
      keyId: sealed ? keyId(key) : null,
    });
  });
  return stored ? { ok: true, id: stored.id } : { ok: false, problem: "unknownPerson" };
}

/** Reads a document form (multipart, bounded while streaming); an oversized one is answered as "too large". */
export async function readDocumentForm(request: Request): Promise<FormData | Response> {
  try {
    return (await readBoundedBody(request, UPLOAD_FORM_LIMITS)).form;
  } catch (error) {
    if (error instanceof Response && error.status === 413) return documentRefusal("tooLarge");
    throw error;
  }
}

/**
 * The reply page's document forms: upload or remove, for the invitation the link belongs to. Answers a refusal
 * as `{ error }` in the reader's language, or a redirect back to the page's documents.
 */
export async function documentFormAction(
  db: DB,
  {
    form,
    env,
    invitationId,
    passportAllowed,
    open,
    backTo,
  }: { form: FormData; env: Env; invitationId: string; passportAllowed: boolean; open: boolean; backTo: string },
): Promise<Response> {
  if (!open) return documentRefusal("closed");
  const parsed = DocumentFormSchema.safeParse(Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === "string" && v !== "")));
  if (!parsed.success) throw Response.json({ messageKey: "errors.formShape" }, { status: 400 });
  if (parsed.data.intent === "remove-document") {
    if (!(await deleteDocument(db, { id: parsed.data.documentId, invitationId }))) return documentRefusal("notFound");
    return redirect(`${backTo}?documents=removed#documents`, 303);
  }
  const file = form.get("file");
  if (!(file instanceof File) || (file.size === 0 && !file.name)) return documentRefusal("noFile");
  const outcome = await uploadDocument(db, {
    env,
    invitationId,
    kind: parsed.data.kind,
    delegateId: parsed.data.delegateId,
    passportAllowed,
    bytes: new Uint8Array(await file.arrayBuffer()),
    name: file.name,
  });
  if (!outcome.ok) return documentRefusal(outcome.problem);
  return redirect(`${backTo}?documents=saved#documents`, 303);
}

/** What the reply pages list of an invitation's files (sizes in the reader's language). */
export async function documentsView(db: DB, { invitationId, locale }: { invitationId: string; locale: string }) {
  const documents = await listDocuments(db, { invitationId });
  return documents.map((d) => ({ id: d.id, kind: d.kind, delegateId: d.delegateId, fileName: d.fileName, size: formatBytes(d.byteSize, locale) }));
}
export type DocumentView = Awaited<ReturnType<typeof documentsView>>[number];

/**
 * A file for staff to download: only from the event it belongs to; a passport scan only for those who may
 * handle passport data (RELIABILITY D4), unsealed, with an audit row naming who downloaded it.
 */
export async function documentForStaff(db: DB, { env, id, eventId, user, ip }: { env: Env; id: string; eventId: string; user: StaffUser; ip: string | null }) {
  const file = await getDocumentFile(db, { id });
  if (!file || file.eventId !== eventId) return { status: "notFound" as const };
  if (file.kind !== "passport_scan") return { status: "ok" as const, file, content: file.content };
  if (!canHandlePassports(user)) return { status: "forbidden" as const };
  let content: Buffer;
  try {
    content = unsealBytes(env.DATA_ENCRYPTION_KEY, file.keyId ?? "", file.content);
  } catch (error) {
    if (error instanceof SealedValueError) return { status: "sealed" as const };
    throw error;
  }
  await audited(db, async () => null, {
    actor: user,
    action: "replies.passport_scan_downloaded",
    objectType: "delegate",
    objectId: file.delegateId ?? undefined,
    ip,
    details: { invitationId: file.invitationId, documentId: file.id },
  });
  return { status: "ok" as const, file, content };
}
