import { type LoaderFunctionArgs } from "@remix-run/node";
import { attachment, rosterForDownload, rosterPdf } from "~/lib/roster-output.server";

/** The List of Participants as a PDF made on the server (every script with its own font). */
export async function loader(args: LoaderFunctionArgs) {
  const download = await rosterForDownload(args, "pdf");
  return attachment(await rosterPdf(download), "application/pdf", `${download.fileBase}.pdf`);
}
