import argon2 from "argon2";
import { describe, expect, it } from "vitest";

import { hashPassword, needsRehash, verifyDummyPassword, verifyPassword } from "~/lib/password.server";

describe("staff passwords", () => {
  it("are hashed with argon2id at OWASP's minimum or above (m=19 MiB, t=2, p=1)", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=(\d+),p=1,t=(\d+)\$/);
    const [, m, t] = hash.match(/m=(\d+),p=1,t=(\d+)/)!;
    expect(Number(m)).toBeGreaterThanOrEqual(19456);
    expect(Number(t)).toBeGreaterThanOrEqual(2);
    expect(await verifyPassword(hash, "correct horse battery staple")).toBe(true);
    expect(await verifyPassword(hash, "Correct horse battery staple")).toBe(false);
    expect(needsRehash(hash)).toBe(false);
  });

  it("flags a weaker legacy hash for rehashing after sign-in", async () => {
    const legacy = await argon2.hash("pw", { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    expect(needsRehash(legacy)).toBe(true);
  });

  it("treats a garbage hash as a wrong password, and the dummy check always fails", async () => {
    expect(await verifyPassword("not-a-hash", "x")).toBe(false);
    expect(await verifyDummyPassword("anything")).toBe(false);
  });
});
