import pino from "pino";

/**
 * Paths pino censors wherever they appear. Logs must never hold passwords, tokens, session ids,
 * cookies or passport data (RELIABILITY D7); request logs carry only the route, never the URL query.
 */
const REDACT = [
  "password",
  "*.password",
  "token",
  "*.token",
  "sessionId",
  "*.sessionId",
  "cookie",
  "*.cookie",
  "headers.cookie",
  "headers.authorization",
  "*.headers.cookie",
  "*.headers.authorization",
  "passport",
  "*.passport",
];

function level() {
  const value = process.env.LOG_LEVEL;
  return value && ["fatal", "error", "warn", "info", "debug", "trace", "silent"].includes(value) ? value : "info";
}

export const logger = pino({
  level: level(),
  base: { app: "plenary" },
  redact: { paths: REDACT, censor: "[redacted]" },
});
