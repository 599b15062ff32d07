// Run by `npm run build` (app/cli/build.js): the embedded database template, build/pgdata-template.tar.gz
// (writePgliteTemplate in app/pglite-template.server.ts).
import path from "node:path";

import { pgliteTemplateFile } from "~/db.server";
import { writePgliteTemplate } from "~/pglite-template.server";

const started = Date.now();
await writePgliteTemplate(pgliteTemplateFile());
console.log(`[info] embedded database template: ${path.relative(process.cwd(), pgliteTemplateFile())} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
