import type { LoaderFunctionArgs } from "@remix-run/node";
import * as z from "zod";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { COLUMNS, contactToRow, memberToRow } from "~/lib/directory-import.server";
import type { ContactInput, MemberInput } from "~/lib/directory-schemas";
import { toCsv } from "~/lib/spreadsheet.server";
import { recordAccess } from "~/models/audit.server";
import { listContacts } from "~/models/contact.server";
import { listMembers } from "~/models/member.server";
import { render } from "~/services/render-pool.server";

const QuerySchema = z.object({
  type: z.enum(["members", "contacts"]),
  format: z.enum(["csv", "xlsx"]),
  template: z.enum(["1"]).optional(),
});

/** Members or contacts as CSV (UTF-8 with BOM) or XLSX, in the import columns; `template=1` gives the header only. */
export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, "staff");
  const query = QuerySchema.safeParse(Object.fromEntries(new URL(args.request.url).searchParams));
  if (!query.success) throw new Response("Bad Request", { status: 400 });
  const { type, format, template } = query.data;
  const db = getDb();
  let rows: string[][] = [];
  if (!template && type === "members") {
    const members = await listMembers(db);
    members.sort((a, b) => a.country.localeCompare(b.country) || (a.names.en ?? "").localeCompare(b.names.en ?? ""));
    rows = members.map((m) =>
      memberToRow({
        ...m,
        nameKana: m.nameKana ?? undefined,
        officeEmail: m.officeEmail ?? undefined,
        postalAddress: m.postalAddress ?? undefined,
        notes: m.notes ?? undefined,
      } as unknown as MemberInput),
    );
  } else if (!template) {
    const contacts = await listContacts(db);
    rows = contacts.map((c) => contactToRow(c as unknown as ContactInput, { country: c.memberCountry, nameEn: c.memberNames.en ?? "" }));
    // Contacts are personal data: every export is recorded.
    await recordAccess(db, { actor: user, action: "directory.contacts_exported", ip: args.context.clientIp, details: { format, rows: rows.length } });
  }
  const stamp = new Date().toISOString().slice(0, 10);
  const name = template ? `plenary-${type}-template` : `plenary-${type}-${stamp}`;
  const headers = COLUMNS[type];
  if (format === "csv") {
    return new Response(toCsv(headers, rows), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${name}.csv"`,
        "Cache-Control": "no-store",
      },
    });
  }
  return new Response(await render({ kind: "xlsx", input: { sheetName: type, headers, rows } }), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="${name}.xlsx"`,
      "Cache-Control": "no-store",
    },
  });
}
