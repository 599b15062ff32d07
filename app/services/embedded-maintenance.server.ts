import type { DB } from "~/db.server";
import { logger } from "~/logger.server";
import { analyzeTable, staleStatisticsTables } from "~/models/system.server";
import { type PollingRunner, startPollingRunner } from "~/services/polling-runner.server";

const runners = new Set<PollingRunner>();

/**
 * Planner statistics for the embedded database, which runs no autovacuum: every minute, the tables whose size
 * moved by a tenth since their last ANALYZE are analyzed, one table a turn of the event loop (a 10,000-person
 * delegate table takes some tens of milliseconds). Without statistics the planner took every table for a few rows
 * and joined a 10,000-person list by nested loops (issue 15). PostgreSQL servers have autovacuum for this.
 */
export function startEmbeddedMaintenance({ db, pollMs = 60_000, loop = true }: { db: DB; pollMs?: number; loop?: boolean }): PollingRunner {
  return startPollingRunner({
    pass: async (stopping) => {
      const tables = await staleStatisticsTables(db);
      let analyzed = 0;
      for (const table of tables) {
        if (stopping()) break;
        await analyzeTable(db, { table });
        analyzed++;
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (analyzed) logger.debug({ tables: tables.slice(0, analyzed) }, "planner statistics updated");
      return analyzed;
    },
    pollMs,
    loop,
    registry: runners,
    failure: "planner statistics update failed",
  });
}
