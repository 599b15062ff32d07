import { createRequire } from "node:module";
import path from "node:path";

import type * as Esbuild from "esbuild";
import { describe, expect, it } from "vitest";

import { ROOT } from "../helpers/paths";

/** The esbuild of the Remix classic compiler (not the newer one vite brings), which builds the browser bundle. */
const esbuild = createRequire(path.join(ROOT, "node_modules/@remix-run/dev/package.json"))("esbuild") as typeof Esbuild;

/** Bundles `source` (a module of app/) for the browser the way the Remix compiler does: minified, tree-shaken, with package.json's sideEffects. */
async function browserBundle(source: string) {
  const result = await esbuild.build({
    stdin: { contents: source, resolveDir: path.join(ROOT, "app"), loader: "ts", sourcefile: "probe.ts" },
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    minify: true,
    treeShaking: true,
    tsconfig: path.join(ROOT, "tsconfig.json"),
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}

/**
 * app/lib/validation.ts turns zod's JIT off (`z.config({ jitless: true })`): zod would otherwise probe `new Function`
 * and the CSP reports the probe. package.json declares the app free of side effects except this module, so a bare
 * `import "~/lib/validation"` is kept in the browser bundle instead of being dropped.
 */
describe("the browser bundle keeps the zod configuration", () => {
  it("keeps a bare import of ~/lib/validation", async () => {
    const out = await browserBundle('import "~/lib/validation";\nimport * as z from "zod";\nexport const schema = z.object({ name: z.string() });\n');
    expect(out).toMatch(/\(\{jitless:!0\}\)/);
  });

  it("still drops a bare import of a module without side effects (the rest of the app stays tree-shaken)", async () => {
    const out = await browserBundle('import "~/lib/bulk";\nexport const x = 1;\n');
    expect(out).not.toMatch(/BULK_MAX|reissue/);
    expect(out).not.toMatch(/jitless/);
  });
});
