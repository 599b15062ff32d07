import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { documentForStaff } from "~/services/documents.server";

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A delegation's uploaded file (issue 18 §1), for staff: always as an attachment, never shown inline by the
 * browser (nosniff is on every response, app/http.server.ts); a passport scan only for administrators and visa
 * officers, each download audited.
 */
export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  const { eventId = "", documentId = "" } = args.params;
  if (!ID.test(eventId) || !ID.test(documentId)) throw new Response("Not Found", { status: 404 });
  const found = await documentForStaff(getDb(), { env: getEnv(), id: documentId, eventId, user, ip: args.context.clientIp });
  if (found.status === "notFound") throw new Response("Not Found", { status: 404 });
  if (found.status === "forbidden") throw new Response("Forbidden", { status: 403 });
  if (found.status === "sealed") throw new Response("The file was sealed with another data-encryption key", { status: 409 });
  const { file, content } = found;
  const ascii = file.fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return new Response(Uint8Array.from(content) as Uint8Array<ArrayBuffer>, {
    headers: {
      "Content-Type": file.mediaType,
      "Content-Length": String(content.length),
      "Content-Disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
      "Cache-Control": "private, no-store",
      "Content-Security-Policy": "default-src 'none'; sandbox",
    },
  });
}
