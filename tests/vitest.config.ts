import os from "node:os";
import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * Tests that touch no database: pure helpers (app/lib, a rule checked by tests/unit/structure.test.ts), the unit
 * tests, and the fresh-checkout start (embedded by design). They run in the PGlite pass; the PostgreSQL pass
 * (TEST_DATABASE_URL) runs every test that does touch a database a second time, and skips these.
 */
const DATABASE_FREE = ["app/lib/**/*.test.{ts,tsx}", "app/mail/transport.server.test.ts", "tests/unit/**/*.test.ts", "tests/integration/first-start.test.ts"];

export default defineConfig({
  root,
  resolve: { alias: { "~": fileURLToPath(new URL("../app", import.meta.url)) } },
  test: {
    include: ["app/**/*.test.{ts,tsx}", "db/**/*.test.ts", "tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts"],
    exclude: ["**/node_modules/**", ...(process.env.TEST_DATABASE_URL ? DATABASE_FREE : [])],
    globalSetup: ["tests/setup/global-setup.ts"],
    environment: "node",
    // the built server bundle, imported by in-process test servers (tests/helpers/server.ts), runs as Node runs it
    server: { deps: { external: [/\/build\/index\.js/] } },
    pool: "forks",
    // two test files at a time even on two cores: HTTP and PostgreSQL tests wait more than they compute (the
    // PostgreSQL pass takes 149 s instead of 264 s here); TEST_WORKERS overrides
    maxWorkers: Number(process.env.TEST_WORKERS) || Math.max(2, os.availableParallelism() - 1),
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
