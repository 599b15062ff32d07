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

/**
 * Standard output, unless a test harness that runs the server inside its own process hands over a stream for
 * this copy of the app (set before the server bundle is imported; tests/helpers/server.ts).
 */
const destination = (globalThis as { __plenaryLogStream?: { write: (line: string) => void } }).__plenaryLogStream;

export const logger = pino(
  {
    level: level(),
    base: { app: "plenary" },
    redact: { paths: REDACT, censor: "[redacted]" },
  },
  destination,
);
