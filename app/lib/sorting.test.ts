import { describe, expect, it } from "vitest";

import { sortedBy, sortFrom, sortQuery } from "./sorting";

describe("sorting a list from its URL", () => {
  const keys = ["name", "country", "contacts"] as const;

  it("reads the key and direction, and anything else as the default", () => {
    expect(sortFrom(new URLSearchParams("sort=country&dir=desc"), keys, "name")).toEqual({ key: "country", dir: "desc" });
    expect(sortFrom(new URLSearchParams("sort=password_hash&dir=sideways"), keys, "name")).toEqual({ key: "name", dir: "asc" });
    expect(sortFrom(new URLSearchParams(""), keys, "name")).toEqual({ key: "name", dir: "asc" });
  });

  it("a header link turns the current order around, starts another ascending, keeps filters and goes back to page 1", () => {
    const params = new URLSearchParams("q=aimag&page=3&sort=name&dir=asc");
    expect(sortQuery(params, "name", { key: "name", dir: "asc" })).toBe("?q=aimag&sort=name&dir=desc");
    expect(sortQuery(params, "country", { key: "name", dir: "asc" })).toBe("?q=aimag&sort=country&dir=asc");
  });

  it("sorts either way and keeps ties in their first order", () => {
    const rows = [
      { n: "b", c: 2 },
      { n: "a", c: 1 },
      { n: "c", c: 2 },
    ];
    expect(sortedBy(rows, (x, y) => x.c - y.c, "asc").map((r) => r.n)).toEqual(["a", "b", "c"]);
    expect(sortedBy(rows, (x, y) => x.c - y.c, "desc").map((r) => r.n)).toEqual(["b", "c", "a"]);
  });
});
