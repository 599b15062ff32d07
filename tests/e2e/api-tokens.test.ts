import fs from "node:fs";
import path from "node:path";

import { ROOT } from "../helpers/paths";
import { expect, signIn, test } from "./fixtures";
import { open } from "./hydrated";

const api = JSON.parse(fs.readFileSync(path.join(ROOT, "app/locales/en/api.json"), "utf8"));
const NAME = "Registration desk";

test("an administrator creates an API token, copies it the one time it is shown, sees its use, and revokes it", async ({ page, request }) => {
  await signIn(page);
  await open(page, "/settings/api-tokens");
  await page.getByLabel(api.tokens.name).fill(NAME);
  await page.getByRole("checkbox", { name: /directory:read/ }).check();
  await page.getByLabel(api.tokens.lifetime).selectOption("30");
  await page.getByRole("button", { name: api.tokens.create }).click();
  const shown = page.getByTestId("new-token");
  await expect(shown).toHaveText(/^plenary_[A-Za-z0-9_-]{43}$/);
  const token = (await shown.textContent())!;

  const members = await request.get("/api/v1/members?limit=1", { headers: { authorization: `Bearer ${token}` } });
  expect(members.status()).toBe(200);
  expect((await members.json()).data).toHaveLength(1);

  // shown once: a fresh visit lists the token by name and last use, never the token itself
  await open(page, "/settings/api-tokens");
  await expect(page.getByText(token)).toHaveCount(0);
  const row = page.locator("tr", { hasText: NAME });
  await expect(row).toContainText("directory:read");
  await expect(row).not.toContainText(api.tokens.never);

  await row.getByRole("button", { name: api.tokens.revokeNamed.replace("{{name}}", NAME) }).click();
  await expect(page.getByRole("status").filter({ hasText: NAME })).toBeVisible();
  await expect(row).toContainText(api.tokens.states.revoked);
  expect((await request.get("/api/v1/members?limit=1", { headers: { authorization: `Bearer ${token}` } })).status()).toBe(401);

  // the reference is one click away and needs no script from elsewhere
  await page.getByRole("link", { name: api.tokens.reference }).click();
  await expect(page.getByRole("heading", { level: 1, name: api.docs.title })).toBeVisible();
  await expect(page.getByRole("link", { name: "GET /members", exact: true })).toBeVisible();
});
