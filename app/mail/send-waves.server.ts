import crypto from "node:crypto";

import type { DB } from "~/db.server";
import type { Env } from "~/env.server";
import { logger } from "~/logger.server";
import { runSendWaveChunk } from "~/mail/invitations.server";
import { timeJob } from "~/metrics.server";
import { claimSendWave, releaseSendWave } from "~/models/send-wave.server";
import { type PollingRunner, startPollingRunner } from "~/services/polling-runner.server";

/** Members prepared in one transaction: a few hundred milliseconds of work, then the progress moves. */
export const WAVE_CHUNK = 50;
/** A runner that stops renewing for this long (it died) leaves its wave to another. */
const LEASE_SECONDS = 60;

export type SendWaveRunner = PollingRunner;

const local = new Set<SendWaveRunner>();

/** Starts this process's runners at once (a wave recorded here is prepared without waiting for the next poll). */
export function wakeSendWaveRunners() {
  for (const runner of local) runner.wake();
}

/**
 * Prepares send waves (issue 15), next to the mail worker: claims the oldest waiting wave (or one whose runner
 * died), prepares it chunk by chunk, each chunk in one transaction with the wave's progress, and goes on to
 * the next wave. Several runners on one database share the work; none holds a wave another holds.
 */
export function startSendWaveRunner({
  db,
  env,
  pollMs = 1000,
  loop = true,
  chunkSize = WAVE_CHUNK,
}: {
  db: DB;
  env: Env;
  pollMs?: number;
  loop?: boolean;
  chunkSize?: number;
}): SendWaveRunner {
  const runnerId = `${process.pid}-${crypto.randomBytes(4).toString("hex")}`;

  /** Prepares every wave that waits; the number of chunks done. */
  async function pass(stopping: () => boolean): Promise<number> {
    let chunks = 0;
    while (!stopping()) {
      const wave = await claimSendWave(db, { runnerId, leaseSeconds: LEASE_SECONDS });
      if (!wave) break;
      const outcome = await timeJob("send_wave", async () => {
        let step: Awaited<ReturnType<typeof runSendWaveChunk>> = "more";
        while (step === "more" && !stopping()) {
          step = await runSendWaveChunk(db, { env, wave, runnerId, chunkSize, leaseSeconds: LEASE_SECONDS });
          chunks++;
        }
        return step;
      });
      if (outcome === "more") await releaseSendWave(db, { id: wave.id, runnerId });
      if (outcome === "closed") logger.warn({ wave: wave.id }, "send wave stopped: the event is no longer open");
      if (outcome === "done") logger.info({ wave: wave.id, members: wave.total }, "send wave prepared");
    }
    return chunks;
  }

  return startPollingRunner({ pass, pollMs, loop, registry: local, failure: "send wave failed" });
}
