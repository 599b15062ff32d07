import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  root,
  resolve: { alias: { "~": fileURLToPath(new URL("../app", import.meta.url)) } },
  test: {
    include: ["app/**/*.test.{ts,tsx}", "tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts"],
    globalSetup: ["tests/setup/global-setup.ts"],
    environment: "node",
    // the built server bundle, imported by in-process test servers (tests/helpers/server.ts), runs as Node runs it
    server: { deps: { external: [/\/build\/index\.js/] } },
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
