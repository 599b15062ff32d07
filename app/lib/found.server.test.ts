import { describe, expect, it } from "vitest";

import { foundOr404 } from "~/lib/found.server";

const id = "0b7e1a52-6c2f-4c3e-9a53-2f1d7f0c9e11";
const status = (promise: Promise<unknown>) =>
  promise.then(
    () => 200,
    (error) => (error instanceof Response ? error.status : "thrown"),
  );

describe("foundOr404", () => {
  it("answers 404 for a malformed id without asking the database", async () => {
    let asked = false;
    expect(await status(foundOr404("not-a-uuid", async () => ((asked = true), {})))).toBe(404);
    expect(await status(foundOr404(undefined, async () => ({})))).toBe(404);
    expect(asked).toBe(false);
  });

  it("answers 404 when nothing has the id, and returns the row when something does", async () => {
    expect(await status(foundOr404(id, async () => undefined))).toBe(404);
    expect(await foundOr404(id, async (found) => ({ found }))).toEqual({ found: id });
  });

  it("lets a database failure through instead of calling it 'not found'", async () => {
    expect(await status(foundOr404(id, async () => Promise.reject(new Error("connection refused"))))).toBe("thrown");
  });
});
