import { describe, expect, it } from "vitest";

import { pageWindow } from "./paging";

describe("pageWindow", () => {
  it("shows the asked page of a long list with the rows it holds", () => {
    expect(pageWindow(250, "2", 100)).toEqual({ page: 2, pages: 3, offset: 100, size: 100, total: 250, from: 101, to: 200 });
    expect(pageWindow(250, "3", 100)).toMatchObject({ from: 201, to: 250 });
  });

  it("reads a hostile or stale page number as the nearest real page", () => {
    expect(pageWindow(250, "abc", 100).page).toBe(1);
    expect(pageWindow(250, "0", 100).page).toBe(1);
    expect(pageWindow(250, "-4", 100).page).toBe(1);
    expect(pageWindow(250, "1e308", 100).page).toBe(1);
    expect(pageWindow(250, "99", 100)).toMatchObject({ page: 3, offset: 200 });
    expect(pageWindow(250, null, 100).page).toBe(1);
  });

  it("has one empty page for an empty list", () => {
    expect(pageWindow(0, "5", 100)).toEqual({ page: 1, pages: 1, offset: 0, size: 100, total: 0, from: 0, to: 0 });
  });
});
