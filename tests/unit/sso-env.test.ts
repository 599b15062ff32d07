import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { EnvError, parseEnv } from "~/env.server";

const dataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "plenary-sso-env-"));

function problems(source: Record<string, string>) {
  try {
    parseEnv({ DATA_DIR: dataDir(), ...source });
    return [];
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
}

describe("single sign-on configuration (issue 19 item 4)", () => {
  it("is off by default, and the password form follows Settings", () => {
    const env = parseEnv({ DATA_DIR: dataDir() });
    expect(env.OIDC_ISSUER).toBeUndefined();
    expect(env.PASSWORD_SIGN_IN).toBe("settings");
  });

  it("takes an https issuer with a client id (the secret and the button's name optional)", () => {
    const env = parseEnv({
      DATA_DIR: dataDir(),
      OIDC_ISSUER: "https://login.microsoftonline.com/tenant/v2.0",
      OIDC_CLIENT_ID: "plenary",
      OIDC_PROVIDER_NAME: "NEAR Microsoft 365",
    });
    expect(env.OIDC_ISSUER).toBe("https://login.microsoftonline.com/tenant/v2.0");
    expect(problems({ OIDC_ISSUER: "https://accounts.example.org", OIDC_CLIENT_ID: "x", OIDC_CLIENT_SECRET: "s" })).toEqual([]);
  });

  it("refuses plain http except on loopback (the tests' own provider)", () => {
    expect(problems({ OIDC_ISSUER: "http://idp.example.org", OIDC_CLIENT_ID: "x" })).toEqual([
      "OIDC_ISSUER must use https:// (http:// only on 127.0.0.1, ::1 or localhost)",
    ]);
    expect(problems({ OIDC_ISSUER: "http://127.0.0.1:4000", OIDC_CLIENT_ID: "x" })).toEqual([]);
    expect(problems({ OIDC_ISSUER: "http://localhost:4000", OIDC_CLIENT_ID: "x" })).toEqual([]);
    expect(problems({ OIDC_ISSUER: "http://[::1]:4000", OIDC_CLIENT_ID: "x" })).toEqual([]);
    // a name that only starts like a loopback address is not one
    expect(problems({ OIDC_ISSUER: "http://127.0.0.1.evil.example", OIDC_CLIENT_ID: "x" })).toHaveLength(1);
  });

  it("needs the issuer and the client id together, a one-line button name, and settings or always", () => {
    expect(problems({ OIDC_ISSUER: "https://idp.example.org" })[0]).toMatch(/^OIDC_CLIENT_ID is required/);
    expect(problems({ OIDC_CLIENT_ID: "plenary" })[0]).toMatch(/^OIDC_ISSUER is required/);
    expect(problems({ OIDC_ISSUER: "https://idp.example.org", OIDC_CLIENT_ID: "x", OIDC_PROVIDER_NAME: "a\nb" })).toEqual([
      "OIDC_PROVIDER_NAME must be one line of text",
    ]);
    expect(problems({ PASSWORD_SIGN_IN: "never" })).toEqual(["PASSWORD_SIGN_IN must be settings or always"]);
    expect(parseEnv({ DATA_DIR: dataDir(), PASSWORD_SIGN_IN: "always" }).PASSWORD_SIGN_IN).toBe("always");
  });
});
