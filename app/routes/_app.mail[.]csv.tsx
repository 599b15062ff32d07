import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { mailFilter } from "~/lib/mail-log";
import { toCsv } from "~/lib/spreadsheet.server";
import { recordAccess } from "~/models/audit.server";
import { listMessages } from "~/models/email-message.server";
import type { Address, RecipientOutcome } from "../../db/schema";

/** More than a secretariat sends in years; a larger export is cut here and says so in the audit row. */
const MAX_ROWS = 100_000;

/**
 * The Mail log's filtered messages as CSV (UTF-8 with BOM, every cell formula-safe): one row per message with
 * each recipient's outcome. It holds addresses, so each export is recorded in the audit log.
 */
export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, "staff");
  const db = getDb();
  const filter = mailFilter(new URL(args.request.url));
  const rows = await listMessages(db, { ...filter, limit: MAX_ROWS });
  const iso = (value: Date | string | null) => (value ? new Date(value).toISOString() : "");
  const addresses = (list: unknown) => (list as Address[]).map((a) => a.address).join(" ");
  // fixed column names, like the other exports: a script reading the file does not depend on the language
  const headers = [
    "created_utc",
    "kind",
    "language",
    "status",
    "subject",
    "to",
    "cc",
    "attempts",
    "last_reply",
    "next_attempt_utc",
    "sent_utc",
    "to_undelivered",
    "recipients",
  ];
  const body = rows.map((m) => [
    iso(m.createdAt),
    m.kind,
    m.locale,
    m.status,
    m.subject,
    addresses(m.to),
    addresses(m.cc),
    String(m.attempts),
    m.lastReply ?? "",
    m.status === "deferred" || m.status === "queued" ? iso(m.nextAttemptAt) : "",
    iso(m.sentAt),
    m.toUndelivered ? "yes" : "no",
    ((m.recipients ?? []) as RecipientOutcome[]).map((r) => `${r.address}=${r.state}`).join(" "),
  ]);
  await recordAccess(db, {
    actor: user,
    action: "mail.exported",
    ip: args.context.clientIp,
    details: { rows: body.length, filter: Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) },
  });
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(toCsv(headers, body), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="plenary-mail-${stamp}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
