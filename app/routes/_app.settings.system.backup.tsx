import { type ActionFunctionArgs, createReadableStreamFromReadable, type LoaderFunctionArgs, redirect } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { getDb, getPglite } from "~/db.server";
import { getEnv } from "~/env.server";
import { getFixedT } from "~/i18next.server";
import { logger } from "~/logger.server";
import { writeAudit } from "~/models/audit.server";
import { recordBackup } from "~/models/backup-log.server";
import { backupDatabaseKind, backupFileName, createBackup } from "~/services/backup.server";

/** The download is a POST (it writes log and audit rows); a GET goes back to the System page. */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "admin");
  return redirect("/settings/system");
}

/**
 * Admin download of a full backup (the same file as `npm run backup`), taken from the running process:
 * PGlite's dump inside a transaction that holds its only connection, or pg_dump on a repeatable-read snapshot.
 * The backup_log and audit rows are written after the dump, so they are not inside the file.
 */
export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "admin");
  const env = getEnv();
  const db = getDb();
  const fileName = backupFileName();
  let backup;
  try {
    backup = await createBackup({ db, env, pglite: await getPglite() });
  } catch (error) {
    logger.error({ err: error instanceof Error ? error.message : String(error) }, "backup download failed");
    const t = await getFixedT(args.context.locale, "common");
    throw new Response(`${t("errors.server.title")}\n\n${t("errors.server.body")}\n`, {
      status: 500,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
  const databaseKind = backupDatabaseKind(env);
  try {
    await db.transaction().execute(async (trx) => {
      await recordBackup(trx, { kind: "download", databaseKind, fileName, bytes: backup.bytes, createdBy: user.id });
      await writeAudit(trx, {
        actor: user,
        action: "backup.downloaded",
        ip: args.context.clientIp,
        details: { file: fileName, bytes: backup.bytes, database: databaseKind },
      });
    });
  } catch (error) {
    await backup.dispose();
    throw error;
  }
  return new Response(createReadableStreamFromReadable(backup.stream()), {
    headers: {
      "Content-Type": "application/octet-stream",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Content-Length": String(backup.bytes),
      "Cache-Control": "no-store",
    },
  });
}
