import { describe, expect, it } from "vitest";

import { canTransition } from "~/lib/event-status";
import { EVENT_STATUSES } from "../../db/schema";

// Every pair of states: the workflow as a table (from, to, allowed).
const ALLOWED = new Set([
  "draft>open",
  "draft>cancelled",
  "open>closed",
  "open>cancelled",
  "closed>open",
  "closed>archived",
  "closed>cancelled",
  "cancelled>archived",
]);

describe("event status transitions", () => {
  const pairs = EVENT_STATUSES.flatMap((from) => EVENT_STATUSES.map((to) => [from, to, ALLOWED.has(`${from}>${to}`)] as const));
  it.each(pairs)("%s → %s allowed: %s", (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it("cancellation is possible from every state before archived, and nothing leaves archived", () => {
    for (const from of ["draft", "open", "closed"] as const) expect(canTransition(from, "cancelled")).toBe(true);
    expect(EVENT_STATUSES.some((to) => canTransition("archived", to))).toBe(false);
  });
});
