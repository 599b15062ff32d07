import { checkFormShape, type FormShape } from "~/lib/form-limits";

/**
 * Reads a posted form with a byte ceiling and checks its shape (app/lib/form-limits.ts) before anyone parses it.
 * Refusals are thrown as 400 / 413 responses whose `messageKey` the error boundaries show in the reader's language.
 */
export async function readBoundedForm(request: Request, { maxBytes, shape }: { maxBytes: number; shape: FormShape }): Promise<FormData> {
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
  return form;
}

function refusal(status: 400 | 413, messageKey: string) {
  return Response.json({ messageKey }, { status, headers: { "Cache-Control": "no-store" } });
}

/** Every staff and sign-in form: 2 MiB (a logo upload included) and no list longer than 200 items. */
export const GENERAL_FORM_LIMITS = { maxBytes: 2 * 1024 * 1024, shape: { maxItems: 200, maxNested: 50, maxFields: 5_000 } };

/** `request.formData()` for actions, bounded before parsed (a test keeps routes from calling formData() directly). */
export function readForm(request: Request): Promise<FormData> {
  return readBoundedForm(request, GENERAL_FORM_LIMITS);
}
