import fs from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { allNamespaces, supportedLngs } from "~/i18n";
import { resources } from "~/locales/resources";
import { ROOT } from "../helpers/paths";

const LOCALES_DIR = path.join(ROOT, "app/locales");
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(full, value);
    else for (const [k, v] of flatten(value, full)) out.set(k, v);
  }
  return out;
}

/** Groups plural keys ("a.b_one", "a.b_other") under their base key. */
function byBaseKey(flat: Map<string, string>) {
  const out = new Map<string, { forms: Set<string>; values: string[] }>();
  for (const [key, value] of flat) {
    const match = key.match(PLURAL_SUFFIX);
    const base = match ? key.slice(0, -match[0].length) : key;
    const entry = out.get(base) ?? { forms: new Set<string>(), values: [] };
    if (match) entry.forms.add(match[1]);
    entry.values.push(value);
    out.set(base, entry);
  }
  return out;
}

function variables(values: string[]) {
  return [...new Set(values.flatMap((v) => [...v.matchAll(/\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g)].map((m) => m[1])))].sort();
}

/** The plural forms CLDR requires for whole numbers in a language (ru: one/few/many/other, ko: other). */
function requiredForms(lng: string) {
  return new Intl.PluralRules(lng).resolvedOptions().pluralCategories.filter((c) => c !== "zero" || lng === "ar");
}

const namespaces = fs.readdirSync(path.join(LOCALES_DIR, "en")).map((f) => f.replace(/\.json$/, ""));

describe("locale files", () => {
  it("the browser loads every namespace there is", () => {
    expect([...allNamespaces].sort()).toEqual([...namespaces].sort());
  });

  it("resources.ts bundles every locale file on disk, and only those", () => {
    for (const lng of supportedLngs) {
      const onDisk = fs
        .readdirSync(path.join(LOCALES_DIR, lng))
        .filter((f) => f.endsWith(".json"))
        .map((f) => f.replace(/\.json$/, ""))
        .sort();
      expect(onDisk, `files in app/locales/${lng}`).toEqual([...namespaces].sort());
      expect(Object.keys(resources[lng]).sort(), `resources.ts entries for ${lng}`).toEqual([...namespaces].sort());
      for (const ns of namespaces) {
        const file = JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, lng, `${ns}.json`), "utf8"));
        expect((resources as Record<string, Record<string, unknown>>)[lng][ns], `${lng}/${ns}`).toEqual(file);
      }
    }
  });

  for (const ns of namespaces) {
    const en = byBaseKey(flatten(resources.en[ns as keyof typeof resources.en] as Tree));
    for (const lng of supportedLngs) {
      describe(`${lng}/${ns}`, () => {
        const other = byBaseKey(flatten((resources as Record<string, Record<string, Tree>>)[lng][ns]));
        const required = requiredForms(lng);

        it("has every key that en has, and no key that en lacks", () => {
          expect(
            [...other.keys()].filter((k) => !en.has(k)),
            "keys not in en",
          ).toEqual([]);
          expect(
            [...en.keys()].filter((k) => !other.has(k)),
            "keys missing",
          ).toEqual([]);
        });

        it("uses the same interpolation variables as en", () => {
          for (const [key, entry] of en) {
            const translated = other.get(key);
            if (translated) expect(variables(translated.values), key).toEqual(variables(entry.values));
          }
        });

        it(`gives plural keys exactly the forms ${lng} needs (${required.join(", ")})`, () => {
          for (const [key, entry] of en) {
            if (!entry.forms.size) continue;
            const forms = other.get(key)?.forms ?? new Set();
            expect([...forms].sort(), key).toEqual([...required].sort());
          }
        });

        if (lng !== "en") {
          it("is translated, not an English copy", () => {
            const copies = [...other].filter(([key, entry]) => {
              const source = en.get(key)!.values;
              return entry.values.some((value) => source.includes(value) && /[A-Za-z]{4,}/.test(value.replace(/Plenary|\{\{[^}]+\}\}|\S+@\S+/g, "")));
            });
            expect(copies.map(([key]) => key)).toEqual([]);
          });
        }
      });
    }
  }
});
