/** An event's mail on its way, as the event page's progress bar shows it (issue 15: polled, not the whole page). */
export type Delivery = { delivered: number; pending: number; failed: number; local: number; total: number };

/** From the count of the event's messages per status. */
export function deliveryOf(counts: Partial<Record<string, number>>): Delivery {
  const delivered = (counts.sent ?? 0) + (counts.local ?? 0);
  const pending = (counts.queued ?? 0) + (counts.sending ?? 0) + (counts.deferred ?? 0);
  // not delivered: failed after the retry window, bounced (now or later), or not sent to a suppressed address
  const failed = (counts.failed ?? 0) + (counts.bounced ?? 0) + (counts.suppressed ?? 0);
  return { delivered, pending, failed, local: counts.local ?? 0, total: delivered + pending + failed };
}
