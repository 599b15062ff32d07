import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { timeJob } from "~/metrics.server";
import { badgesDownload } from "~/services/badges.server";
import { attachment } from "~/services/roster-output.server";

/** Table place cards (tent cards): the member's name in the roster language and in its own. */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args); // again inside badgesDownload; here so every route visibly guards itself
  const { body, fileName } = await timeJob("place_cards_pdf", () => badgesDownload(args, "place_cards"));
  return attachment(body, "application/pdf", fileName);
}
