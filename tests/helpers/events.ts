import { expect } from "vitest";

import { locationOf, type TestClient } from "./http";

/** The 16th General Assembly in Pohang, created through the staff form; returns the event's path. */
export async function createAssembly(staff: TestClient, extra: Record<string, string> = {}) {
  const created = await staff.post("/events/new", {
    kind: "general_assembly",
    timeZone: "Asia/Seoul",
    start: "2027-06-16T09:00",
    end: "2027-06-17T18:00",
    rsvpDeadline: "2027-05-14T18:00",
    format: "in_person",
    quota: "5",
    categories: "delegate",
    "title.en": "16th NEAR General Assembly",
    "venue.en": "Pohang",
    ...extra,
  });
  const path = locationOf(created);
  expect(path).toMatch(/^\/events\/[0-9a-f-]{36}$/);
  return path;
}
