import { defineConfig, devices } from "@playwright/test";

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3123);

export default defineConfig({
  testDir: "./e2e",
  testMatch: "**/*.test.ts",
  globalSetup: "./e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  outputDir: "../test-results",
  use: {
    baseURL: `http://localhost:${E2E_PORT}`,
    locale: "en-GB",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  // The first-run journey creates the administrator; every other journey signs in with it afterwards.
  projects: [
    { name: "first-run", testMatch: "first-run.test.ts", use: { ...devices["Desktop Chrome"], channel: undefined } },
    {
      name: "features",
      testIgnore: "first-run.test.ts",
      dependencies: ["first-run"],
      use: { ...devices["Desktop Chrome"], channel: undefined },
    },
  ],
});
