import type { Page } from "@playwright/test";

/**
 * Opens a page of the app and waits until React has hydrated it (app/root.tsx marks <html data-hydrated>).
 * Clicking the server-rendered HTML while React is still hydrating the document can make React throw
 * (minified error #345, seen in CI); the tests act on the app, not on the bare HTML.
 */
export async function open(page: Page, url: string) {
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.hydrated === "true");
}

/** After an action that loads a new document (a language switch, a form that reloads the page): wait for hydration again. */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => document.documentElement.dataset.hydrated === "true");
}
