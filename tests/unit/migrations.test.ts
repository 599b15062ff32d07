import fs from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { migrations } from "../../db/migrations/index";
import { ROOT } from "../helpers/paths";

describe("migrations", () => {
  it("lists every migration file in db/migrations/index.ts, named YYYY_MM_DD_HHMM_<verb>_<thing>", () => {
    const files = fs
      .readdirSync(path.join(ROOT, "db/migrations"))
      .filter((f) => f !== "index.ts")
      .map((f) => f.replace(/\.ts$/, ""));
    for (const file of files) expect(file).toMatch(/^\d{4}_\d{2}_\d{2}_\d{4}_[a-z]+(_[a-z0-9]+)+$/);
    expect(Object.keys(migrations).sort()).toEqual(files.sort());
  });
});
