import { type LoaderFunctionArgs } from "@remix-run/node";
import { attachment, rosterForDownload, rosterTable } from "~/lib/roster-output.server";
import { toXlsx } from "~/lib/spreadsheet.server";

/** The List of Participants as an Excel workbook, every cell formula-safe. */
export async function loader(args: LoaderFunctionArgs) {
  const download = await rosterForDownload(args, "xlsx");
  const { headers, rows } = rosterTable(download.view, download.t);
  return attachment(
    await toXlsx(download.t("rosters:roster.title"), headers, rows),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    `${download.fileBase}.xlsx`,
  );
}
