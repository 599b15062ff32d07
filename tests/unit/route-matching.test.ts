// patches/ (applied by `npm install` through patch-package): on the server, route matching flattens and ranks the
// route tree once per routes array and compiles each path pattern once, instead of for every match (a reply page
// matched its 107 routes five times per request; issue 15's profile), and the document render reuses its routes.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import { matchRoutes } from "@remix-run/router";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);

describe("route matching on the server", () => {
  it("the installed router carries the patch (npm install applied patches/)", () => {
    const dist = path.dirname(require.resolve("@remix-run/router"));
    for (const file of ["router.cjs.js", "router.js"]) {
      const source = fs.readFileSync(path.join(dist, file), "utf8");
      expect(source, file).toContain("rankedBranchesCache.get(routes)");
      expect(source, file).toContain("compiledPathsCache.get(cacheKey)");
      expect(source, file).toContain("firstSegmentsOf(branches)");
    }
    // the render's own routes: made once per build (@remix-run/react) and converted once (react-router-dom)
    const remix = path.dirname(require.resolve("@remix-run/react"));
    for (const file of ["server.js", "esm/server.js"])
      expect(fs.readFileSync(path.join(remix, file), "utf8"), file).toContain("serverRoutesOf(manifest.routes");
    const dom = path.dirname(require.resolve("react-router-dom/server"));
    for (const file of ["server.js", "server.mjs", "dist/server.js", "dist/server.mjs"]) {
      expect(fs.readFileSync(path.join(dom, file), "utf8"), file).toContain("staticDataRoutesCache.get(routes)");
    }
  });

  it("matches the same way on the first and every later call, for every kind of path", () => {
    const routes = [
      {
        id: "root",
        path: "",
        children: [
          { id: "home", index: true },
          { id: "reply", path: "r/:token" },
          { id: "participants", path: "r/:token/participants" },
          { id: "event", path: "events/:eventId" },
          { id: "eventNew", path: "events/new" },
          { id: "optional", path: "docs/:lang?/guide" },
          { id: "splat", path: "files/*" },
          { id: "caseSensitive", path: "Exact", caseSensitive: true },
          { id: "dynamicFirst", path: ":lng/handbook" },
          { id: "dotted", path: "robots.txt" },
          { id: "layout", children: [{ id: "settings", path: "settings/system" }] },
        ],
      },
    ];
    const ids = (pathname: string) => matchRoutes(routes, pathname)?.map((m) => `${m.route.id}${JSON.stringify(m.params)}`) ?? null;
    const cases: [string, string | null][] = [
      ["/", "home"],
      ["/r/AbC_-1", "reply"],
      ["/r/AbC_-1/participants", "participants"],
      ["/events/new", "eventNew"],
      ["/events/42", "event"],
      ["/docs/guide", "optional"],
      ["/docs/ko/guide", "optional"],
      ["/files/a/b.pdf", "splat"],
      ["/Exact", "caseSensitive"],
      ["/exact", null],
      ["/nowhere/at/all", null],
      // branches are skipped by their literal first segment: that must change no answer
      ["/R/AbC_-1", "reply"],
      ["/ko/handbook", "dynamicFirst"],
      ["/r/handbook", "reply"],
      ["/robots.txt", "dotted"],
      ["/robotsXtxt", null],
      ["/SETTINGS/system", "settings"],
      ["/settings/other", null],
      ["//r/AbC", null],
      ["/r%2FAbC/participants", null],
      ["/r/%E2%9C%93", "reply"],
      ["/é/handbook", "dynamicFirst"],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [pathname, leaf] of cases) {
        const found = ids(pathname);
        if (leaf === null) expect(found, pathname).toBeNull();
        else expect(found?.at(-1), pathname).toMatch(new RegExp(`^${leaf}\\{`));
      }
    }
    expect(ids("/docs/ko/guide")?.at(-1)).toBe('optional{"lang":"ko"}');
    expect(ids("/files/a/b.pdf")?.at(-1)).toBe('splat{"*":"a/b.pdf"}');
    expect(ids("/r/%E2%9C%93")?.at(-1)).toBe('reply{"token":"✓"}');
    expect(ids("/é/handbook")?.at(-1)).toBe('dynamicFirst{"lng":"é"}');
  });
});
