import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import * as z from "zod";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
    PORT: z.coerce
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(1, "must be between 1 and 65535")
      .max(65535, "must be between 1 and 65535")
      .default(3000),
    HOST: z
      .string()
      .regex(/^[A-Za-z0-9.:-]+$/, "must be an IP address or a host name to listen on, e.g. 127.0.0.1")
      .optional(),
    APP_URL: z
      .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
      .refine((value) => ["", "/"].includes(new URL(value).pathname), {
        error: "must be an origin without a path, e.g. https://plenary.example.org",
      })
      .optional(),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// URL" }).optional(),
    DATA_DIR: z.string().min(1).default("./data"),
    SMTP_URL: z.url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL" }).optional(),
    MAIL_FROM: z
      .string()
      .regex(/^[^\r\n]*<?[^\s@<>]+@[^\s@<>]+>?$/, "must be an address like Plenary <noreply@example.org>")
      .optional(),
    SESSION_SECRET: z.string().min(32, "must be at least 32 characters long").optional(),
    DATA_ENCRYPTION_KEY: z
      .string()
      .refine((value) => decodeKey(value) !== null, "must be 32 random bytes as base64 or 64 hex digits (openssl rand -base64 32)")
      .optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
    // worker threads that render PDFs and XLSX off the request thread (issue 15); 0 = render on the request thread
    RENDER_THREADS: z.coerce
      .number({ error: "must be a number" })
      .int()
      .min(0, "must be 0 (on the request thread) or more")
      .max(32, "must be at most 32")
      .default(Math.max(1, Math.min(4, os.availableParallelism() - 1))),
    // RELIABILITY E5: a conservative default, one message a second; 0 = no limit
    MAIL_RATE_PER_MINUTE: z.coerce.number({ error: "must be a number" }).int().min(0, "must be 0 (no limit) or more").default(60),
    MAIL_MAX_PER_DAY: z.coerce.number({ error: "must be a number" }).int().min(0, "must be 0 (no limit) or more").default(0),
    MAIL_RATE_PAUSE_SECONDS: z.coerce.number({ error: "must be a number" }).min(1, "must be at least 1").default(300),
    MAIL_RETRY_BASE_SECONDS: z.coerce.number({ error: "must be a number" }).min(0.1, "must be at least 0.1").default(60),
    MAIL_RETRY_MAX_DELAY_SECONDS: z.coerce.number({ error: "must be a number" }).min(1, "must be at least 1").default(3600),
    MAIL_RETRY_WINDOW_HOURS: z.coerce
      .number({ error: "must be a number" })
      .min(0.001, "must be more than 0")
      .max(24 * 30, "must be at most 720")
      .default(48),
    MAIL_MAX_ATTEMPTS: z.coerce.number({ error: "must be a number" }).int().min(1, "must be at least 1").max(10_000, "must be at most 10000").optional(),
    MAIL_RETURN_PATH: z
      .string()
      .regex(/^[A-Za-z0-9._%-]+@[A-Za-z0-9.-]+$/, "must be a plain address like bounces@near.example.org")
      .optional(),
    MAIL_INBOUND_PORT: z.coerce
      .number({ error: "must be a number" })
      .int()
      .min(1, "must be between 1 and 65535")
      .max(65535, "must be between 1 and 65535")
      .optional(),
    MAIL_INBOUND_HOST: z
      .string()
      .regex(/^[A-Za-z0-9.:-]+$/, "must be an IP address or a host name to listen on, e.g. 127.0.0.1")
      .default("127.0.0.1"),
    MAIL_INBOUND_MAX_BYTES: z.coerce
      .number({ error: "must be a number" })
      .int()
      .min(10_000, "must be at least 10000")
      .default(10 * 1024 * 1024),
    MAIL_DKIM: z.enum(["on", "off"], { error: "must be on or off" }).default("off"),
    MAIL_DKIM_SELECTOR: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,63}$/, "must be letters, digits and hyphens, e.g. plenary")
      .default("plenary"),
    MAIL_DKIM_DOMAIN: z
      .string()
      .regex(/^[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/, "must be a domain name, e.g. near.example.org")
      .optional(),
    MAIL_DKIM_PRIVATE_KEY: z.string().optional(),
    BACKUP_EVERY_HOURS: z.coerce.number({ error: "must be a number" }).min(0, "must be 0 (off) or more").default(0),
    BACKUP_KEEP: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").default(7),
    BACKUP_DIR: z.string().min(1).optional(),
    METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
    MAIL_SMTP_TIMEOUT_SECONDS: z.coerce.number({ error: "must be a number" }).min(1, "must be at least 1").default(30),
    MAIL_LEASE_SECONDS: z.coerce.number({ error: "must be a number" }).min(1, "must be at least 1").optional(),
    MAIL_MAX_IN_FLIGHT: z.coerce
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(20, "must be at most 20")
      .default(2),
    MAIL_WORKER: z.enum(["true", "false"], { error: "must be true or false" }).default("true"),
    TRUST_PROXY: z.enum(["true", "false", "0", "1", "2", "3"], { error: "must be true, false or a number of proxies (1-3)" }).default("false"),
    // single sign-on (issue 19 item 4): an OpenID Connect provider; https, or http on this machine's loopback only
    OIDC_ISSUER: z
      .url({ protocol: /^https?$/, error: "must be the provider's https:// issuer URL" })
      .refine((value) => isSecureIssuer(new URL(value)), { error: "must use https:// (http:// only on 127.0.0.1, ::1 or localhost)" })
      .optional(),
    OIDC_CLIENT_ID: z.string().max(500, "must be at most 500 characters").optional(),
    OIDC_CLIENT_SECRET: z.string().max(2000, "must be at most 2000 characters").optional(),
    OIDC_PROVIDER_NAME: z
      .string()
      .max(60, "must be at most 60 characters")
      .regex(/^[^\p{Cc}]*$/u, "must be one line of text")
      .optional(),
    // break-glass: "always" offers the password form whatever Settings → Sign-in says
    PASSWORD_SIGN_IN: z.enum(["settings", "always"], { error: "must be settings or always" }).default("settings"),
  })
  .superRefine((value, ctx) => {
    if (Boolean(value.OIDC_ISSUER) !== Boolean(value.OIDC_CLIENT_ID)) {
      ctx.addIssue({
        code: "custom",
        path: [value.OIDC_ISSUER ? "OIDC_CLIENT_ID" : "OIDC_ISSUER"],
        message: "is required with the other (single sign-on needs both OIDC_ISSUER and OIDC_CLIENT_ID)",
      });
    }
    if (value.DATABASE_URL && !value.SESSION_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["SESSION_SECRET"],
        message: "is required when DATABASE_URL is set (every web process must share it)",
      });
    }
  });

/** Every variable the configuration reads (the deployment files may name no other). */
export const EnvSchemaKeys: string[] = Object.keys(EnvSchema.shape);

export type Env = Omit<z.infer<typeof EnvSchema>, "APP_URL" | "SESSION_SECRET" | "MAIL_FROM" | "DATA_ENCRYPTION_KEY"> & {
  APP_URL: string;
  SESSION_SECRET: string;
  /** the 32-byte key that encrypts passport numbers and dates of birth; never stored in the database */
  DATA_ENCRYPTION_KEY: Buffer;
  MAIL_FROM: string;
  /** true when DATABASE_URL is unset and PGlite runs in DATA_DIR */
  isEmbedded: boolean;
  isHttps: boolean;
};

export class EnvError extends Error {
  constructor(public problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** Parses an environment; throws EnvError listing every problem. Pure except for the embedded secret file. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`));
  }
  const value = result.data;
  const dataDir = path.resolve(value.DATA_DIR);
  const appUrl = (value.APP_URL ?? `http://localhost:${value.PORT}`).replace(/\/$/, "");
  const isEmbedded = !value.DATABASE_URL;
  return {
    ...value,
    DATA_DIR: dataDir,
    APP_URL: appUrl,
    MAIL_FROM: value.MAIL_FROM ?? `Plenary <noreply@${new URL(appUrl).hostname}>`,
    SESSION_SECRET: value.SESSION_SECRET ?? readOrCreateSecret(dataDir, "session-secret"),
    DATA_ENCRYPTION_KEY: decodeKey(value.DATA_ENCRYPTION_KEY ?? readOrCreateSecret(dataDir, "data-encryption-key"))!,
    isEmbedded,
    isHttps: appUrl.startsWith("https:"),
  };
}

/** Plain http is accepted only for a provider on this machine's loopback (a provider started by the tests). */
export function isSecureIssuer(url: URL) {
  return url.protocol === "https:" || isLoopbackHost(url.hostname);
}

export function isLoopbackHost(hostname: string) {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** A 256-bit key written as 64 hex digits or as base64/base64url; null when it is not exactly 32 bytes. */
export function decodeKey(value: string): Buffer | null {
  const text = value.trim();
  const bytes = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, "hex") : /^[A-Za-z0-9+/_-]{43}=?$/.test(text) ? Buffer.from(text, "base64") : null;
  return bytes && bytes.length === 32 ? bytes : null;
}

/** Embedded mode keeps generated secrets in DATA_DIR (mode 0600) so they survive restarts. */
export function readOrCreateSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const secret = crypto.randomBytes(32).toString("base64url");
  try {
    fs.writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
    return secret;
  } catch (error) {
    // another process created it first: use theirs
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return fs.readFileSync(file, "utf8").trim();
    throw error;
  }
}

let cached: Env | undefined;

/** The one parsed environment. On bad values prints every problem and exits with code 1. */
export function getEnv(): Env {
  if (cached) return cached;
  try {
    cached = parseEnv(process.env);
    return cached;
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`Plenary cannot start. ${error.message}\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw error;
  }
}
