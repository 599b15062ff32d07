import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/**
 * A file of the project, by its path from the project's root: the app runs from its bundle (build/index.js) or
 * from its sources (tests, the CLI), and the root is the first folder above this module with a package.json.
 */
export function projectFile(...parts: string[]): string {
  if (!root) {
    let dir = path.dirname(fileURLToPath(import.meta.url));
    while (!fs.existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    root = dir;
  }
  return path.join(root, ...parts);
}
