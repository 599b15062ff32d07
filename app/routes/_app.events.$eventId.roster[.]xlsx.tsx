import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { timeJob } from "~/metrics.server";
import { render } from "~/services/render-pool.server";
import { attachment, rosterForDownload, rosterTable } from "~/services/roster-output.server";

/** The List of Participants as an Excel workbook, every cell formula-safe. */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args); // again inside rosterForDownload; here so every route visibly guards itself
  const download = await rosterForDownload(args, "xlsx");
  const { headers, rows } = rosterTable(download.view, download.t);
  return attachment(
    await timeJob("roster_xlsx", () => render({ kind: "xlsx", input: { sheetName: download.t("rosters:roster.title"), headers, rows } })),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    `${download.fileBase}.xlsx`,
  );
}
