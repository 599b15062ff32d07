import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { toCsv } from "~/lib/spreadsheet.server";
import { attachment, rosterForDownload, rosterTable } from "~/services/roster-output.server";

/** The List of Participants as CSV: UTF-8 with a BOM for Excel, every cell formula-safe. */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args); // again inside rosterForDownload; here so every route visibly guards itself
  const download = await rosterForDownload(args, "csv");
  const { headers, rows } = rosterTable(download.view, download.t);
  return attachment(toCsv(headers, rows), "text/csv; charset=utf-8", `${download.fileBase}.csv`);
}
