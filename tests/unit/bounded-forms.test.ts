import fs from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { ROOT } from "../helpers/paths";

/** Issue 13 §2: every action reads its body through readForm / readBoundedForm (byte ceiling + list bounds). */
describe("bounded forms", () => {
  it("no route reads request.formData() itself", () => {
    const dir = path.join(ROOT, "app/routes");
    const offenders = fs
      .readdirSync(dir)
      .filter((file) => /\.formData\(\)/.test(fs.readFileSync(path.join(dir, file), "utf8").replace(/navigation\.formData|fetcher\.formData/g, "")));
    expect(offenders).toEqual([]);
  });
});
