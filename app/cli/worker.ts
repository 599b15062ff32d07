// npm run worker — the mail worker alone (several may run against one PostgreSQL). With the embedded
// database the worker already runs inside `npm start`, which holds the database.
import { closeDb, getDb, holdPresenceLock } from "~/db.server";
import { getEnv } from "~/env.server";
import { logger } from "~/logger.server";
import { startConfiguredIntake } from "~/mail/intake.server";
import { startSendWaveRunner } from "~/mail/send-waves.server";
import { startMailWorker } from "~/mail/worker.server";
import { startWebhookRunner } from "~/services/webhooks.server";
import { migrateToLatest } from "../../db/migrator";

const env = getEnv();
if (env.isEmbedded) {
  console.error("npm run worker needs DATABASE_URL: with the embedded database the mail worker runs inside npm start.");
  process.exit(1);
}
const db = getDb();
await migrateToLatest(db);
// tells `npm run restore` that this worker runs, even while its pool is idle
const presence = holdPresenceLock(env.DATABASE_URL!);
const worker = startMailWorker({ db, env });
// send waves recorded by the web processes are prepared here too (issue 15)
const waves = startSendWaveRunner({ db, env });
// and signed webhooks (issue 19)
const webhooks = startWebhookRunner({ db, env });
const intake = await startConfiguredIntake(db, env);
logger.info({ transport: env.SMTP_URL ? "smtp" : "local mailbox" }, "mail worker started");

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, async () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "mail worker stopping");
    await intake?.stop();
    await waves.stop();
    await webhooks.stop();
    await worker.stop();
    await presence.release();
    await closeDb();
    process.exit(0);
  });
}
