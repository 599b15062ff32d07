import type { EventStatus } from "../../db/schema";

/**
 * draft → open (invitations may be sent) → closed (no more answers) → archived; a closed event may be
 * reopened (a deadline extended); cancelled, with a reason, from any state before archived.
 */
const TRANSITIONS: Record<EventStatus, EventStatus[]> = {
  draft: ["open", "cancelled"],
  open: ["closed", "cancelled"],
  closed: ["open", "archived", "cancelled"],
  cancelled: ["archived"],
  archived: [],
};

export function allowedTransitions(from: EventStatus): EventStatus[] {
  return TRANSITIONS[from];
}

export function canTransition(from: EventStatus, to: EventStatus): boolean {
  return TRANSITIONS[from].includes(to);
}
