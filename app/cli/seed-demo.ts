// npm run seed:demo — loads the NEAR demo directory (82 members, 19 subcommittees, fictional contacts).
// Idempotent. With the embedded database, stop the server first (or use "Load demo data" in the app).
import { closeDb, getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { audited } from "~/models/audit.server";
import { loadDemoData } from "~/models/demo.server";
import { migrateToLatest } from "../../db/migrator";

getEnv();
const db = getDb();
try {
  await migrateToLatest(db);
  const result = await audited(
    db,
    (trx) => loadDemoData(trx),
    (result) => ({ actor: { label: "command line" }, action: "directory.demo_loaded", details: result }),
  );
  console.log(`Demo directory ready: ${result.members} members, ${result.subcommittees} subcommittees, ${result.contacts} fictional contacts.`);
} catch (error) {
  console.error(`Cannot load the demo data: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await closeDb();
}
