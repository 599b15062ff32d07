import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { EnvError, parseEnv } from "~/env.server";
import { ROOT } from "../helpers/paths";

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "plenary-env-"));

describe("configuration", () => {
  it("defaults to port 3000, APP_URL on localhost and an embedded database in ./data", () => {
    const dir = tmpDir();
    const env = parseEnv({ DATA_DIR: dir });
    expect(env.PORT).toBe(3000);
    expect(env.APP_URL).toBe("http://localhost:3000");
    expect(env.isEmbedded).toBe(true);
    expect(env.isHttps).toBe(false);
    expect(env.MAIL_FROM).toBe("Plenary <noreply@localhost>");
    expect(parseEnv({}).DATA_DIR).toBe(path.resolve("./data"));
  });

  it("generates SESSION_SECRET once in embedded mode and keeps it across restarts", () => {
    const dir = tmpDir();
    const first = parseEnv({ DATA_DIR: dir }).SESSION_SECRET;
    expect(first.length).toBeGreaterThanOrEqual(43);
    expect(parseEnv({ DATA_DIR: dir }).SESSION_SECRET).toBe(first);
    expect(fs.statSync(path.join(dir, "session-secret")).mode & 0o777).toBe(0o600);
  });

  it("keeps the passport-data key in DATA_DIR (0600) unless DATA_ENCRYPTION_KEY gives one; a malformed key is refused", () => {
    const dir = tmpDir();
    const generated = parseEnv({ DATA_DIR: dir }).DATA_ENCRYPTION_KEY;
    expect(generated).toHaveLength(32);
    expect(parseEnv({ DATA_DIR: dir }).DATA_ENCRYPTION_KEY.equals(generated)).toBe(true);
    expect(fs.statSync(path.join(dir, "data-encryption-key")).mode & 0o777).toBe(0o600);
    const hex = "ab".repeat(32);
    expect(parseEnv({ DATA_DIR: dir, DATA_ENCRYPTION_KEY: hex }).DATA_ENCRYPTION_KEY.toString("hex")).toBe(hex);
    expect(parseEnv({ DATA_DIR: dir, DATA_ENCRYPTION_KEY: Buffer.from(hex, "hex").toString("base64") }).DATA_ENCRYPTION_KEY.toString("hex")).toBe(hex);
    expect(() => parseEnv({ DATA_DIR: dir, DATA_ENCRYPTION_KEY: "too-short" })).toThrow(EnvError);
  });

  it("derives the port into APP_URL and strips a trailing slash", () => {
    expect(parseEnv({ PORT: "8080", DATA_DIR: tmpDir() }).APP_URL).toBe("http://localhost:8080");
    const env = parseEnv({ APP_URL: "https://plenary.example.org/", DATA_DIR: tmpDir() });
    expect(env.APP_URL).toBe("https://plenary.example.org");
    expect(env.isHttps).toBe(true);
  });

  it("lists every problem at once", () => {
    let error: EnvError | undefined;
    try {
      parseEnv({
        PORT: "eighty",
        APP_URL: "ftp://x",
        DATABASE_URL: "mysql://db",
        SMTP_URL: "http://mail",
        LOG_LEVEL: "loud",
        SESSION_SECRET: "short",
      });
    } catch (e) {
      error = e as EnvError;
    }
    expect(error).toBeInstanceOf(EnvError);
    const fields = error!.problems.map((p) => p.split(" ")[0]).sort();
    expect(fields).toEqual(["APP_URL", "DATABASE_URL", "LOG_LEVEL", "PORT", "SESSION_SECRET", "SMTP_URL"]);
  });

  it("requires SESSION_SECRET with DATABASE_URL", () => {
    expect(() => parseEnv({ DATABASE_URL: "postgres://db/plenary" })).toThrow(/SESSION_SECRET is required/);
  });

  it("refuses an APP_URL with a path", () => {
    expect(() => parseEnv({ APP_URL: "https://example.org/plenary", DATA_DIR: tmpDir() })).toThrow(/APP_URL/);
  });

  it("npm start with bad values prints the list of problems and exits 1, without a stack trace", () => {
    const result = spawnSync(process.execPath, [path.join(ROOT, "app/server.js")], {
      cwd: ROOT,
      env: { NODE_ENV: "production", PATH: process.env.PATH, PORT: "70000", DATABASE_URL: "nope", DATA_DIR: tmpDir() },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Plenary cannot start");
    expect(result.stderr).toContain("PORT must be between 1 and 65535");
    expect(result.stderr).toContain("DATABASE_URL must be a postgres:// URL");
    expect(result.stderr).toContain("SESSION_SECRET is required");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("npm start with an unreachable database says so in one line and exits 1", () => {
    const result = spawnSync(process.execPath, [path.join(ROOT, "app/server.js")], {
      cwd: ROOT,
      env: {
        NODE_ENV: "production",
        PATH: process.env.PATH,
        PORT: "3299",
        DATABASE_URL: "postgres://postgres@127.0.0.1:9/plenary",
        SESSION_SECRET: "x".repeat(40),
      },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Plenary cannot start: the database at DATABASE_URL could not be reached");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
