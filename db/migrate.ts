// npm run db:migrate — applies pending migrations to the configured database (DATABASE_URL or DATA_DIR).
// `down` reverts the last one (development only).
import { closeDb, getDb } from "~/db.server";
import { createMigrator, migrateToLatest } from "./migrator";

const command = process.argv[2] ?? "latest";
const db = getDb();
try {
  if (command === "latest") {
    const { results } = await migrateToLatest(db);
    const applied = results?.filter((r) => r.status === "Success").map((r) => r.migrationName) ?? [];
    console.log(applied.length ? `Applied: ${applied.join(", ")}` : "The database is up to date.");
  } else if (command === "down") {
    const { error, results } = await createMigrator(db).migrateDown();
    if (error) throw error;
    console.log(`Reverted: ${results?.map((r) => r.migrationName).join(", ") || "nothing"}`);
  } else {
    console.error(`Unknown command "${command}". Use: latest | down`);
    process.exitCode = 2;
  }
} catch (error) {
  console.error(`Migration failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await closeDb();
}
