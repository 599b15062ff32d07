import type { LoaderFunctionArgs } from "@remix-run/node";
import * as z from "zod";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { getAttachment } from "~/models/attachment.server";
import { requireEvent } from "~/services/event-view.server";

/** A file attached to the event's invitations, as staff uploaded it: always a download, never shown in the page's origin. */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "staff");
  const event = await requireEvent(args.params.eventId);
  const id = z.uuid().safeParse(args.params.attachmentId);
  const file = id.success ? await getAttachment(getDb(), { eventId: event.id, id: id.data }) : undefined;
  if (!file) throw new Response("Not Found", { status: 404 });
  const ascii =
    file.filename
      .normalize("NFKD")
      .replace(/[^\x20-\x7E]/g, "")
      .replace(/["\\;]/g, "")
      .trim() || "attachment";
  return new Response(new Uint8Array(file.content), {
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(file.size),
      "Content-Disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
      "Content-Security-Policy": "sandbox; default-src 'none'",
      "Cache-Control": "private, no-store",
    },
  });
}
