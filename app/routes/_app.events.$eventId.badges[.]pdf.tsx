import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { timeJob } from "~/metrics.server";
import { badgesDownload } from "~/services/badges.server";
import { attachment } from "~/services/roster-output.server";

/** Badges with a QR check-in code, A4 sheets of 8 (`layout=sheet`) or one per page (`layout=single`). */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args); // again inside badgesDownload; here so every route visibly guards itself
  const { body, fileName } = await timeJob("badges_pdf", () => badgesDownload(args, "badges"));
  return attachment(body, "application/pdf", fileName);
}
