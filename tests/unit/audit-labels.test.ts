import fs from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import en from "~/locales/en/staff.json";
import { ROOT } from "../helpers/paths";

/** Every action code the app writes to the audit log as a literal, e.g. writeAudit(db, { action: "roster.exported" }). */
function writtenActions() {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
        const text = fs.readFileSync(file, "utf8");
        // `action: "a.b"` and ternaries `action: x ? "a.b" : "c.d"`
        for (const match of text.matchAll(/action:\s*([^,}\n]+)/g)) {
          for (const literal of match[1].matchAll(/"([a-z_]+\.[a-z_]+)"/g)) found.add(literal[1]);
        }
      }
    }
  };
  walk(path.join(ROOT, "app"));
  return [...found].sort();
}

describe("the audit log page names every action", () => {
  it("has an English label (and so, by the locale parity test, one in each language) for each action the app writes", () => {
    const actions = writtenActions();
    expect(actions.length).toBeGreaterThan(40);
    const labels = en.audit.actions as Record<string, Record<string, string>>;
    const prefixes = en.audit.prefixes as Record<string, string>;
    expect(actions.filter((code) => !labels[code.split(".")[0]]?.[code.split(".")[1]])).toEqual([]);
    expect([...new Set(actions.map((code) => code.split(".")[0]))].filter((prefix) => !prefixes[prefix])).toEqual([]);
  });
});
