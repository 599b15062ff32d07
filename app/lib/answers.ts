import type { InvitationResponse } from "../../db/schema";

/**
 * Whether an invited member still owes a final answer: none yet, or "undecided". Reminders go to exactly these,
 * and every page that counts "who has not answered" counts them, so the numbers agree.
 */
export function awaitsAnswer(response: string): boolean {
  return response === "pending" || response === "undecided";
}

/** The answers `awaitsAnswer` holds true for, for queries that filter by answer. */
export const AWAITING_RESPONSES = ["pending", "undecided"] as const satisfies readonly InvitationResponse[];
