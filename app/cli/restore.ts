// npm run restore -- <file> [--force] — restores a backup made by `npm run backup` or downloaded from
// Settings → System into an empty DATA_DIR (embedded) or an empty database (DATABASE_URL). --force replaces
// a database that is not empty. The whole file is verified first; on any error nothing is changed.
import path from "node:path";
import { parseArgs } from "node:util";

import { getEnv } from "~/env.server";
import { BackupError, restoreBackup } from "~/services/backup.server";

async function main() {
  const { values, positionals } = parseArgs({ options: { force: { type: "boolean", default: false } }, allowPositionals: true });
  if (positionals.length !== 1) {
    console.error("Usage: npm run restore -- <file> [--force]");
    return 2;
  }
  const file = path.resolve(positionals[0]);
  const env = getEnv();
  try {
    const result = await restoreBackup({ file, env, force: values.force });
    const where = result.kind === "embedded" ? `the embedded database in ${env.DATA_DIR}` : "the database at DATABASE_URL";
    console.log(
      `Restored ${file} into ${where}${result.replaced ? ", replacing what was there" : ""}: ` +
        `${result.rows} rows in ${result.tables} tables, checked against the backup's checksums.`,
    );
    for (const warning of result.warnings) console.warn(`Warning: ${warning}`);
    console.log("Start Plenary as usual: it applies any newer migrations at start.");
    return 0;
  } catch (error) {
    if (error instanceof BackupError) {
      console.error(`Cannot restore: ${error.message} Nothing was changed.`);
      return 1;
    }
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`Cannot restore: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
