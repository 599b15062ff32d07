import { describe, expect, it } from "vitest";

import { API_SCOPES, API_TOKEN_PATTERN, decodeCursor, encodeCursor, entityTag, isApiScope, problem, versionFromIfMatch } from "~/lib/api";
import { CheckInIn, MemberQuery, openApiDocument } from "~/lib/api-schemas";

const ID = "3f0c2f5e-8a1b-4c2d-9e3f-0a1b2c3d4e5f";

describe("API cursors", () => {
  it("round-trip a sort key and refuse anything that is not one", () => {
    const cursor = encodeCursor(["KR", "Gyeongsangbuk-do", ID]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 3)).toEqual(["KR", "Gyeongsangbuk-do", ID]);
    expect(decodeCursor(cursor, 2)).toBeNull();
    for (const bad of [
      "",
      "!!",
      "bm90IGpzb24",
      Buffer.from('{"a":1}').toString("base64url"),
      Buffer.from("[[1],2,3]").toString("base64url"),
      "x".repeat(601),
    ]) {
      expect(decodeCursor(bad, 3), bad).toBeNull();
    }
  });
});

describe("API entity tags", () => {
  it("name the record and its version; If-Match for another record or no tag of ours gives null", () => {
    const tag = entityTag("member", ID, 4);
    expect(versionFromIfMatch(tag, "member", ID)).toBe(4);
    expect(versionFromIfMatch(`W/${tag}`, "member", ID)).toBe(4);
    expect(versionFromIfMatch(tag, "contact", ID)).toBeNull();
    expect(versionFromIfMatch(tag, "member", "00000000-0000-4000-8000-000000000000")).toBeNull();
    expect(versionFromIfMatch('"4"', "member", ID)).toBeNull();
  });
});

describe("API scopes, tokens and problems", () => {
  it("knows its scopes and token shape", () => {
    expect(API_SCOPES.every(isApiScope)).toBe(true);
    expect(isApiScope("admin")).toBe(false);
    expect(API_TOKEN_PATTERN.test(`plenary_${"a".repeat(43)}`)).toBe(true);
    expect(API_TOKEN_PATTERN.test("a".repeat(43))).toBe(false);
    expect(problem(412, "stale", "Precondition failed")).toEqual({ type: "urn:plenary:problem:stale", title: "Precondition failed", status: 412 });
  });

  it("parses query strings strictly and check-ins as one of id or code", () => {
    expect(MemberQuery.parse({ country: "kr" })).toMatchObject({ country: "KR", limit: 50 });
    expect(MemberQuery.safeParse({ sort: "name" }).success).toBe(false);
    expect(MemberQuery.safeParse({ limit: "201" }).success).toBe(false);
    expect(CheckInIn.safeParse({ code: "AB12CD34" }).success).toBe(true);
    expect(CheckInIn.safeParse({ code: "AB12CD34", delegateId: ID }).success).toBe(false);
    expect(CheckInIn.safeParse({}).success).toBe(false);
  });

  it("documents every route with its scope in an OpenAPI 3.1 document built from the form schemas", () => {
    const doc = openApiDocument("https://plenary.example.org/");
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([{ url: "https://plenary.example.org/api/v1" }]);
    const operations = Object.values(doc.paths ?? {}).flatMap((item) => Object.values(item as Record<string, { security?: unknown[] }>));
    expect(operations.length).toBe(13);
    expect(operations.every((op) => Array.isArray(op.security) && op.security.length === 1)).toBe(true);
    const memberPatch = doc.components?.schemas?.MemberPatch as { properties: Record<string, { enum?: string[] }> };
    expect(memberPatch.properties.kind.enum).toContain("aimag");
  });
});
