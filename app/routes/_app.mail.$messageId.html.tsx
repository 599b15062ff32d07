import type { LoaderFunctionArgs } from "@remix-run/node";

import { canReadMessage, requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { foundOr404 } from "~/lib/found.server";
import { LINK_PLACEHOLDER, MASKED_LINK } from "~/lib/tokens.server";
import { getMessage } from "~/models/email-message.server";

/**
 * A message's HTML exactly as sent, for the sandboxed frame on the message page. Its own CSP: the email's
 * inline styles may apply, nothing may run or load, and only this site may frame it.
 */
export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, "staff");
  const message = await foundOr404(args.params.messageId, (id) => getMessage(getDb(), { id }));
  // staff-account mails carry a set-password link: administrators only
  if (!canReadMessage(user, message.kind)) throw new Response("Not Found", { status: 404 });
  // inline images (an e-badge's QR code) are shown from the stored copy, as the mail client shows its cid: part
  const html = message.inlineImages.reduce(
    (page, image) => page.replaceAll(`cid:${image.cid}`, `data:${image.contentType};base64,${image.content}`),
    message.html.replaceAll(LINK_PLACEHOLDER, MASKED_LINK),
  );
  return new Response(html, {
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      // the letterhead's logo comes from this site's /logo; nothing else may load
      "Content-Security-Policy": `default-src 'none'; style-src 'unsafe-inline'; img-src data: ${new URL(getEnv().APP_URL).origin}; frame-ancestors 'self'; sandbox`,
      "X-Frame-Options": "SAMEORIGIN",
      "Cache-Control": "no-store",
    },
  });
}
