import fs from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { supportedLngs } from "~/i18n";
import { pageTitle, PRODUCT_NAME } from "~/lib/page-title";
import { ROOT } from "../helpers/paths";

/** Every page names its title in its handle, and every title key is translated in all six languages (issue 14 §8). */
const ROUTES = path.join(ROOT, "app/routes");
const pages = fs
  .readdirSync(ROUTES)
  .filter((name) => /\.tsx$/.test(name) && !/\.test\.tsx$/.test(name))
  .map((name) => ({ name, source: fs.readFileSync(path.join(ROUTES, name), "utf8") }))
  // a route whose component renders nothing (its loader always answers with a redirect or an error page) needs no title
  .filter(({ source }) => /export default function/.test(source) && !/export default function \w+\(\) \{\n {2}return null;\n\}/.test(source));

/** The text of the route's `export const handle = { … }` (however prettier wraps it), or "". */
function handleLine(source: string) {
  const start = source.indexOf("export const handle = {");
  if (start < 0) return "";
  const end = source.indexOf("};", start);
  return source.slice(start, end + 2);
}

function lookup(lng: string, key: string): unknown {
  const [ns, rest] = key.split(":");
  const file = path.join(ROOT, "app/locales", lng, `${ns}.json`);
  if (!fs.existsSync(file)) return undefined;
  return rest
    .split(".")
    .reduce<unknown>(
      (node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined),
      JSON.parse(fs.readFileSync(file, "utf8")),
    );
}

describe("page titles", () => {
  it("every page (not a layout) has a title in its handle, and no route hard-codes one in meta", () => {
    expect(pages.length).toBeGreaterThan(40);
    const missing = pages.filter(({ source }) => !/<Outlet/.test(source) && !/\btitle: /.test(handleLine(source))).map((p) => p.name);
    expect(missing).toEqual([]);
    const inMeta = pages.filter(({ source }) => /export (const|function) meta[\s\S]{0,200}\btitle:/.test(source)).map((p) => p.name);
    expect(inMeta).toEqual([]);
  });

  it("every title key exists in all six languages", () => {
    const keys = [...new Set(pages.flatMap(({ source }) => [...handleLine(source).matchAll(/"([a-z]+:[A-Za-z0-9_.]+)"/g)].map((m) => m[1])))];
    expect(keys.length).toBeGreaterThan(25);
    const missing = keys.flatMap((key) => supportedLngs.filter((lng) => typeof lookup(lng, key) !== "string").map((lng) => `${lng} ${key}`));
    expect(missing).toEqual([]);
  });

  it("the deepest route with a title wins, with the product name after it; data-driven titles and the fallback", () => {
    const t = (key: string, values?: Record<string, string>) => `[${key}${values ? ` ${Object.values(values).join(",")}` : ""}]`;
    const settings = { handle: { title: "common:nav.settings" } };
    expect(pageTitle([{ handle: {} }, settings, { handle: { title: "staff:audit.title" } }], t)).toBe(`[staff:audit.title] · ${PRODUCT_NAME}`);
    expect(pageTitle([settings, { handle: { i18n: ["staff"] } }], t)).toBe(`[common:nav.settings] · ${PRODUCT_NAME}`);
    const byData = { handle: { title: (data: { name?: string } | undefined) => (data?.name ? { text: data.name } : null) } };
    expect(pageTitle([{ ...byData, data: { name: "Liaoning Province" } }], t)).toBe(`Liaoning Province · ${PRODUCT_NAME}`);
    // a page whose data is missing (an error) falls back to the product name, not to a parent's title
    expect(pageTitle([settings, { ...byData, data: undefined }], t)).toBe(PRODUCT_NAME);
    expect(pageTitle([{ handle: { title: () => ({ key: "events:form.editTitle", values: { title: "16th General Assembly" } }) } }], t)).toBe(
      `[events:form.editTitle 16th General Assembly] · ${PRODUCT_NAME}`,
    );
    expect(pageTitle([], t)).toBe(PRODUCT_NAME);
  });
});
