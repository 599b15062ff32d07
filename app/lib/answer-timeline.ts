/** One moment of the answers chart: how many members stood at each answer just after a change. */
export type AnswerTally = { at: Date; attending: number; representative: number; declining: number; undecided: number };

const COUNTED = ["attending", "representative", "declining", "undecided"] as const;
type Counted = (typeof COUNTED)[number];
const counted = (response: string): response is Counted => (COUNTED as readonly string[]).includes(response);

/**
 * Replays every change of answer (oldest first) into running tallies, in one pass whatever the number of
 * invitations, and keeps at most `maxPoints` of them: the last tally of each equal slice of time, and always the
 * latest, so a 5,000-answer event draws the same curve from a few hundred points.
 */
export function answerTallies(changes: readonly { invitationId: string; response: string; at: Date | string }[], maxPoints = 240): AnswerTally[] {
  const state = new Map<string, string>();
  const tally = { attending: 0, representative: 0, declining: 0, undecided: 0 };
  const all: AnswerTally[] = [];
  for (const change of changes) {
    const before = state.get(change.invitationId);
    if (before !== undefined && counted(before)) tally[before]--;
    state.set(change.invitationId, change.response);
    if (counted(change.response)) tally[change.response]++;
    all.push({ at: new Date(change.at), ...tally });
  }
  if (all.length <= maxPoints) return all;
  const first = all[0].at.getTime();
  const span = Math.max(1, all[all.length - 1].at.getTime() - first);
  const kept: AnswerTally[] = [];
  let slice = -1;
  for (const point of all) {
    const s = Math.min(maxPoints - 1, Math.floor(((point.at.getTime() - first) / span) * maxPoints));
    if (s === slice) kept[kept.length - 1] = point;
    else kept.push(point);
    slice = s;
  }
  return kept;
}
