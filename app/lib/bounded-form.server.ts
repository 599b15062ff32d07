import { MAX_DOCUMENT_BYTES } from "~/lib/documents";
import { checkFormShape, type FormShape } from "~/lib/form-limits";

type FormLimits = { maxBytes: number; shape: FormShape };
export type BoundedForm = { form: FormData; bytes: number };

/**
 * Reads a posted form with a byte ceiling and checks its shape (app/lib/form-limits.ts) before anyone parses it.
 * Refusals are thrown as 400 / 413 responses whose `messageKey` the error boundaries show in the reader's language.
 */
export async function readBoundedForm(request: Request, limits: FormLimits): Promise<FormData> {
  return (await readBoundedBody(request, limits)).form;
}

/**
 * The same, for a route that learns its tighter limits (an event's quota) from the database only after reading:
 * the body is read and checked against the route's ceiling first, then against `requireWithin`'s limits.
 */
export function requireWithin({ form, bytes }: BoundedForm, { maxBytes, shape }: FormLimits): FormData {
  if (bytes > maxBytes) throw refusal(413, "errors.formTooLarge");
  if (checkFormShape(form.entries(), shape)) throw refusal(400, "errors.formShape");
  return form;
}

export async function readBoundedBody(request: Request, { maxBytes, shape }: FormLimits): Promise<BoundedForm> {
  const declared = Number(request.headers.get("Content-Length") ?? NaN);
  if (declared > maxBytes) throw refusal(413, "errors.formTooLarge");
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw refusal(413, "errors.formTooLarge");
      }
      chunks.push(value);
    }
  }
  let form: FormData;
  try {
    form = await new Request(request.url, { method: "POST", headers: request.headers, body: Buffer.concat(chunks) }).formData();
  } catch {
    throw refusal(400, "errors.formShape");
  }
  if (checkFormShape(form.entries(), shape)) throw refusal(400, "errors.formShape");
  return { form, bytes: size };
}

function refusal(status: 400 | 413, messageKey: string) {
  return Response.json({ messageKey }, { status, headers: { "Cache-Control": "no-store" } });
}

/** Every staff and sign-in form: 2 MiB (a logo upload included) and no list longer than 200 items. */
export const GENERAL_FORM_LIMITS = { maxBytes: 2 * 1024 * 1024, shape: { maxItems: 200, maxNested: 50, maxFields: 5_000 } };

/** The public forms (sign-in, first-run setup, set password, language): a few fields of a few hundred bytes. */
export const PUBLIC_FORM_LIMITS = { maxBytes: 16 * 1024, shape: { maxItems: 10, maxNested: 10, maxFields: 50 } };

/** `request.formData()` for actions, bounded before parsed (a test keeps routes from calling formData() directly). */
export function readForm(request: Request, limits: FormLimits = GENERAL_FORM_LIMITS): Promise<FormData> {
  return readBoundedForm(request, limits);
}

/**
 * A document upload (issue 18 §1): one file of at most MAX_DOCUMENT_BYTES plus a few small fields. The same
 * streamed ceiling as every form, so an oversized upload is cut off after 5 MiB, not read to its end.
 */
export const UPLOAD_FORM_LIMITS = { maxBytes: MAX_DOCUMENT_BYTES + 64 * 1024, shape: { maxItems: 5, maxNested: 5, maxFields: 10 } };
