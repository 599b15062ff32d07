import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import * as z from "zod";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { readForm } from "~/lib/bounded-form.server";
import { toPersonName } from "~/lib/contact-display";
import { LngSchema } from "~/lib/validation";
import { composeLetter, loadLetterIdentity } from "~/mail/compose.server";
import { listAudience } from "~/models/audience.server";
import { getEvent } from "~/models/event.server";
import { LETTER_KINDS } from "../../db/schema";

const PreviewSchema = z.object({
  kind: z.enum(LETTER_KINDS),
  locale: LngSchema,
  subject: z.string().max(300),
  body: z.string().max(10000),
  memberId: z.string().uuid(),
});

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The letter exactly as it would be sent to one member, from the unsaved text in the editor; opened in the
 * editor's sandboxed frame, with a CSP that lets the email's inline styles apply and nothing run.
 */
/** Only posted to; an anonymous visitor is sent to sign in like everywhere else, a colleague gets 405. */
export function loader(args: LoaderFunctionArgs) {
  requireUser(args, "staff");
  throw new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
}

export async function action(args: ActionFunctionArgs) {
  requireUser(args, "staff");
  const parsed = PreviewSchema.safeParse(Object.fromEntries(await readForm(args.request)));
  const db = getDb();
  const event = await getEvent(db, { id: args.params.eventId ?? "" }).catch(() => undefined);
  if (!parsed.success || !event) throw new Response("Bad Request", { status: 400 });
  const [member] = await listAudience(db, { mode: "picked", memberIds: [parsed.data.memberId] });
  if (!member) throw new Response("Not Found", { status: 404 });
  const head = member.contacts.find((c) => c.isHead);
  const env = getEnv();
  const message = await composeLetter({
    kind: parsed.data.kind,
    locale: parsed.data.locale,
    letter: { subject: parsed.data.subject, body: parsed.data.body },
    event,
    member,
    head: head ? toPersonName(head, parsed.data.locale) : null,
    rsvpUrl: `${env.APP_URL}/r/${"x".repeat(43)}`,
    identity: await loadLetterIdentity(db, env.APP_URL),
  });
  const page = `<!doctype html><meta charset="utf-8"><p style="font:600 15px system-ui;margin:12px">${escape(message.subject)}</p>${message.html}<hr><pre style="white-space:pre-wrap;font:13px ui-monospace,monospace;margin:12px">${escape(message.text)}</pre>`;
  return new Response(page, {
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      // the letterhead's logo is the only thing it may load (from this site, as the member's mail client would)
      "Content-Security-Policy": `default-src 'none'; style-src 'unsafe-inline'; img-src data: ${new URL(env.APP_URL).origin}; frame-ancestors 'self'; sandbox`,
      "X-Frame-Options": "SAMEORIGIN",
      "Cache-Control": "no-store",
    },
  });
}
