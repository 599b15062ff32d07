/** What the event page shows of a send wave while it is prepared, and when it is done (issue 15). */
export type WaveProgress = {
  id: string;
  /** invitations, or reminders (issue 15: a reminder to many members is a wave too) */
  kind: "invitation" | "reminder";
  status: "queued" | "running" | "done" | "stopped";
  total: number;
  done: number;
  queued: number;
  alreadyInvited: number;
  noEmail: number;
};

export function waveProgress({ id, kind, status, total, done, queued, alreadyInvited, noEmail }: WaveProgress): WaveProgress {
  return { id, kind, status, total, done, queued, alreadyInvited, noEmail };
}

export const waveFinished = (wave: Pick<WaveProgress, "status">) => wave.status === "done" || wave.status === "stopped";
