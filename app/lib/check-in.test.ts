import { describe, expect, it } from "vitest";

import { type DevicePerson, EVENT_SCOPE, findByCode, findPeople, isCheckedIn, newCheckInId, type QueuedItem, searchText } from "~/lib/check-in";

const person = (id: string, names: string[], member: string[], code: string, checkedIn: string[] = []): DevicePerson => ({
  id,
  name: names[0],
  latin: names[1] ?? "",
  nameLang: "ru",
  member: member[0],
  category: "delegate",
  code,
  search: searchText([...names, ...member, code]),
  checkedIn,
});

const oleg = person("p1", ["Кожемяко Олег", "KOZHEMIAKO Oleg"], ["Primorsky Krai", "Приморский край"], "AB12CD34EF");
const kana = person("p2", ["平井 かな", "HIRAI Kana"], ["Tottori Prefecture", "鳥取県"], "ZZ99YY88XX", [EVENT_SCOPE]);

describe("check-in on the device", () => {
  it("finds people by any form of the name or the delegation, ignoring case, width, spaces and dashes", () => {
    expect(findPeople([oleg, kana], "kozhemiako").map((p) => p.id)).toEqual(["p1"]);
    expect(findPeople([oleg, kana], "КОЖЕМЯКО ол").map((p) => p.id)).toEqual(["p1"]);
    expect(findPeople([oleg, kana], "平井かな").map((p) => p.id)).toEqual(["p2"]);
    expect(findPeople([oleg, kana], "ＨＩＲＡＩ").map((p) => p.id)).toEqual(["p2"]); // full-width Latin
    expect(findPeople([oleg, kana], "приморский").map((p) => p.id)).toEqual(["p1"]);
    expect(findPeople([oleg, kana], "  ")).toEqual([]);
    expect(findPeople([oleg, kana], "nobody")).toEqual([]);
  });

  it("finds the badge's owner by the code as scanned or typed", () => {
    expect(findByCode([oleg, kana], "AB12CD34EF")?.id).toBe("p1");
    expect(findByCode([oleg, kana], "ab12c-d34ef ")?.id).toBe("p1");
    expect(findByCode([oleg, kana], "AB12CD34EE")).toBeUndefined();
    expect(findByCode([oleg, kana], "")).toBeUndefined();
  });

  it("counts a person as checked in for a scope when the list says so or a check-in waits in the queue", () => {
    const queued: QueuedItem = { id: newCheckInId(), eventId: "e", delegateId: "p1", programmeItemId: "dinner", scannedAt: new Date().toISOString() };
    expect(isCheckedIn(kana, EVENT_SCOPE, [])).toBe(true);
    expect(isCheckedIn(kana, "dinner", [])).toBe(false);
    expect(isCheckedIn(oleg, EVENT_SCOPE, [queued])).toBe(false);
    expect(isCheckedIn(oleg, "dinner", [queued])).toBe(true);
    expect(isCheckedIn(oleg, EVENT_SCOPE, [{ ...queued, programmeItemId: null }])).toBe(true);
  });

  it("makes version 4 UUIDs without crypto.randomUUID, all different", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newCheckInId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newCheckInId((bytes) => bytes.fill(0xff))).toBe("ffffffff-ffff-4fff-bfff-ffffffffffff");
  });
});
