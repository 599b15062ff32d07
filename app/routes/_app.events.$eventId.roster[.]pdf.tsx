import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { timeJob } from "~/metrics.server";
import { attachment, rosterForDownload, rosterPdf } from "~/services/roster-output.server";

/** The List of Participants as a PDF made on the server (every script with its own font). */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args); // again inside rosterForDownload; here so every route visibly guards itself
  const download = await rosterForDownload(args, "pdf");
  return attachment(await timeJob("roster_pdf", () => rosterPdf(download)), "application/pdf", `${download.fileBase}.pdf`);
}
