import { describe, expect, it } from "vitest";

import { answerTallies } from "./answer-timeline";

const at = (minute: number) => new Date(Date.UTC(2027, 4, 1, 0, minute));

describe("answerTallies", () => {
  it("counts each member once, at their latest answer", () => {
    const points = answerTallies([
      { invitationId: "a", response: "attending", at: at(0) },
      { invitationId: "b", response: "undecided", at: at(1) },
      { invitationId: "b", response: "declining", at: at(2) },
      { invitationId: "a", response: "representative", at: at(3) },
      { invitationId: "c", response: "pending", at: at(4) },
    ]);
    expect(points.map(({ at: _, ...tally }) => tally)).toEqual([
      { attending: 1, representative: 0, declining: 0, undecided: 0 },
      { attending: 1, representative: 0, declining: 0, undecided: 1 },
      { attending: 1, representative: 0, declining: 1, undecided: 0 },
      { attending: 0, representative: 1, declining: 1, undecided: 0 },
      { attending: 0, representative: 1, declining: 1, undecided: 0 },
    ]);
  });

  it("keeps a few hundred points of a 5,000-answer event, ending at the true totals", () => {
    const changes = Array.from({ length: 5000 }, (_, i) => ({ invitationId: `m${i}`, response: i % 3 === 0 ? "declining" : "attending", at: at(i) }));
    const points = answerTallies(changes, 240);
    expect(points.length).toBeLessThanOrEqual(240);
    expect(points.length).toBeGreaterThan(200);
    expect(points.at(-1)).toMatchObject({ attending: 3333, declining: 1667 });
    for (let i = 1; i < points.length; i++) expect(points[i].at.getTime()).toBeGreaterThan(points[i - 1].at.getTime());
  });
});
