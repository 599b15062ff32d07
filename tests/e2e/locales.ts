import fs from "node:fs";
import path from "node:path";

import { ROOT } from "../helpers/paths";

/** Reads a locale file the way the app bundles it (Playwright's loader cannot import JSON modules). */
export function messages(lng: string, ns: "common" | "auth" | "directory" | "events" | "invitations" | "settings") {
  return JSON.parse(fs.readFileSync(path.join(ROOT, "app/locales", lng, `${ns}.json`), "utf8"));
}
