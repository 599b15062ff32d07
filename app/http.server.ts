import crypto from "node:crypto";
import type { Server } from "node:http";
import path from "node:path";
import zlib from "node:zlib";

import { createRequestHandler } from "@remix-run/express";
import { broadcastDevReady, type ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type NextFunction, type Request as ExpressRequest, type Response as ExpressResponse } from "express";
import expressStaticGzip from "express-static-gzip";

import { readSessionToken } from "~/auth.server";
import type { RequestContext } from "~/context";
import { closeDb, databaseKind, getDb, holdPresenceLock, markLongRunningProcess } from "~/db.server";
import { getEnv } from "~/env.server";
import { drainAndClose } from "~/http-shutdown.server";
import { htmlLang, isSupportedLng, type Lng } from "~/i18n";
import { detectLocale, getFixedT, lngCookie } from "~/i18next.server";
import { isDatabaseUnavailable } from "~/lib/db-errors";
import { badgeLocale } from "~/lib/ebadge";
import { TOKEN_PATTERN } from "~/lib/tokens.server";
import { logger } from "~/logger.server";
import { startConfiguredIntake } from "~/mail/intake.server";
import { startSendWaveRunner } from "~/mail/send-waves.server";
import { type MailWorker, startMailWorker } from "~/mail/worker.server";
import { observeRequest, registerDatabaseMetrics, registry, requestsBusy, trackInFlight } from "~/metrics.server";
import { findBadgeByToken } from "~/models/ebadge.server";
import { findInvitationByToken } from "~/models/invitation.server";
import { issueSetupTokenIfNoAdmin } from "~/models/setup-token.server";
import { flushSignInThrottle } from "~/models/sign-in-throttle.server";
import { getSessionUser } from "~/models/staff-session.server";
import { findUsableStaffToken } from "~/models/staff-token.server";
import { latestAppliedMigration } from "~/models/system.server";
import { OUTAGE_HEADERS, withOutageResponses } from "~/outage.server";
import { startEmbeddedMaintenance } from "~/services/embedded-maintenance.server";
import { closeRenderPool } from "~/services/render-pool.server";
import { startWebhookRunner } from "~/services/webhooks.server";
import { migrations } from "../db/migrations/index";
import { migrateToLatest } from "../db/migrator";

type Mode = "production" | "development";

function contentSecurityPolicy(nonce: string, mode: Mode) {
  const connect = mode === "development" ? "'self' ws://localhost:*" : "'self'";
  return [
    "default-src 'self'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join("; ");
}

/** Builds a Fetch Request from express's request for the helpers that read headers and cookies. */
function toFetchRequest(req: ExpressRequest) {
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(key, value);
    else if (Array.isArray(value)) headers.set(key, value.join(", "));
  }
  return new Request(`http://localhost${req.originalUrl}`, { headers });
}

/** The path for logs: link tokens in the path are masked, the query string is dropped. */
export function loggablePath(url: string) {
  const pathname = url.replace(/^[a-z]+:\/\/[^/]+/i, "").split("?")[0];
  return pathname
    .split("/")
    .map((segment) => (TOKEN_PATTERN.test(segment) ? "[token]" : segment))
    .join("/");
}

/**
 * CSRF: a state-changing request must come from a page of this site. Browsers send Origin on every POST;
 * when it is absent we accept only Sec-Fetch-Site: same-origin. Anything else (including neither) is refused.
 */
export function isSameOriginRequest(req: Pick<ExpressRequest, "headers" | "protocol">, appUrl: string) {
  const origin = req.headers.origin;
  if (origin) {
    const own = req.headers.host ? `${req.protocol}://${req.headers.host}` : undefined;
    return origin === new URL(appUrl).origin || origin === own;
  }
  return req.headers["sec-fetch-site"] === "same-origin";
}

/**
 * The JSON API (/api/v1/…) takes no cookies, only `Authorization: Bearer`. A page of another site cannot send that
 * header without a CORS preflight, which Plenary never grants, so API writes need no Origin check: tools such as
 * curl send none.
 */
export function isApiRequest(req: Pick<ExpressRequest, "originalUrl">) {
  // the path as Remix will route it (WHATWG URL: "/api/v1/%2e%2e/login" is "/login"), never express's raw one
  try {
    return new URL(`http://localhost${req.originalUrl}`).pathname.startsWith("/api/v1/");
  } catch {
    return false;
  }
}

/** Above this, a request body is refused before anything reads it (uploads have their own, smaller limits). */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024;
const DRAIN_LIMIT_BYTES = 32 * 1024 * 1024;

async function renderNotice(res: ExpressResponse, context: Pick<RequestContext, "locale">, status: number, key: "forbidden" | "tooLarge" | "unavailable") {
  const t = await getFixedT(context.locale, "common");
  const title = t(`errors.${key}.title`);
  const body = t(`errors.${key}.body`);
  const home = t("errors.backHome");
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  // during a database outage: come back later, and a link that tries the same address again
  const again = key === "unavailable" && res.req.method === "GET" ? `<a href="${escape(res.req.originalUrl)}">${escape(t("errors.tryAgain"))}</a> · ` : "";
  if (key === "unavailable") res.set(OUTAGE_HEADERS);
  res
    .status(status)
    .type("html")
    .send(
      `<!doctype html><html lang="${htmlLang[context.locale]}"><head><meta charset="utf-8">` +
        `<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(title)} · Plenary</title></head>` +
        `<body><main><h1>${escape(title)}</h1><p>${escape(body)}</p><p>${again}<a href="/">${escape(home)}</a></p></main></body></html>`,
    );
}

/** The database is unreachable before Remix runs (session, reply-link language): 503 in the reader's language. */
async function renderOutage(req: ExpressRequest, res: ExpressResponse, error: unknown) {
  logger.warn({ err: error instanceof Error ? error.message : String(error), method: req.method, path: loggablePath(req.originalUrl) }, "database unavailable");
  const locale = (res.locals.context as RequestContext | undefined)?.locale ?? (await detectLocale(toFetchRequest(req)));
  await renderNotice(res, { locale }, 503, "unavailable");
}

/** Set on SIGTERM: /readyz answers 503 from then on, so a proxy or orchestrator stops sending new work. */
let shuttingDown = false;
const LATEST_MIGRATION = Object.keys(migrations).sort().at(-1) ?? null;

/**
 * Readiness (issue 20 §3): not shutting down, the database answers within 2 s, and its schema is the one this
 * code expects (a process started against an older or newer schema is not ready). Liveness is /healthz.
 */
async function readiness(db: ReturnType<typeof getDb>) {
  if (shuttingDown) return { ready: false, reason: "shutting down" };
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("database timeout")), 2_000).unref());
  try {
    const latest = await Promise.race([latestAppliedMigration(db), timeout]);
    if (latest !== LATEST_MIGRATION) return { ready: false, reason: `schema at ${latest ?? "nothing"}, code expects ${LATEST_MIGRATION}` };
    return { ready: true, reason: null };
  } catch (error) {
    return { ready: false, reason: `database unavailable: ${(error as Error).message}` };
  }
}

/** /metrics: from the loopback interface without a proxy in between, or with METRICS_TOKEN as a bearer token. */
function mayReadMetrics(req: ExpressRequest) {
  const token = getEnv().METRICS_TOKEN;
  const given = req.headers.authorization?.match(/^Bearer\s+(\S+)$/)?.[1];
  if (token && given && given.length === token.length && crypto.timingSafeEqual(Buffer.from(given), Buffer.from(token))) return true;
  const local = ["127.0.0.1", "::1", "::ffff:127.0.0.1"].includes(req.socket.remoteAddress ?? "");
  return local && !req.headers["x-forwarded-for"];
}

export function createApp({ build, rootDir, mode }: { build: ServerBuild; rootDir: string; mode: Mode }) {
  const env = getEnv();
  const db = getDb();
  registerDatabaseMetrics(db);
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", env.TRUST_PROXY === "true" ? true : env.TRUST_PROXY === "false" ? false : Number(env.TRUST_PROXY));

  // Behind a proxy with TRUST_PROXY unset, every visitor has the proxy's address: one scanner's burst of bad
  // links would put every delegate over the link rate limit. Say so once, loudly.
  let warnedAboutProxy = env.TRUST_PROXY !== "false";
  app.use((req, _res, next) => {
    if (!warnedAboutProxy && req.headers["x-forwarded-for"]) {
      warnedAboutProxy = true;
      logger.warn(
        { from: req.socket.remoteAddress },
        "requests arrive with X-Forwarded-For while TRUST_PROXY is false: every visitor counts as the proxy's address for rate limits. " +
          "Set TRUST_PROXY=1 (the number of proxies in front of Plenary).",
      );
    }
    next();
  });

  app.use((req, res, next) => {
    const nonce = crypto.randomBytes(16).toString("base64");
    res.locals.nonce = nonce;
    res.setHeader("Content-Security-Policy", contentSecurityPolicy(nonce, mode));
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Permissions-Policy", "camera=(self), microphone=(), geolocation=()");
    if (env.isHttps) res.setHeader("Strict-Transport-Security", "max-age=31536000");
    // The Remix adapter appends headers. A route that sets its own CSP or framing rule (the mail preview
    // frame) must replace the defaults above, not add a second policy that would be enforced as well.
    const append = res.append.bind(res);
    res.append = (field: string, value?: string | string[]) =>
      ["content-security-policy", "x-frame-options", "referrer-policy"].includes(field.toLowerCase()) && value !== undefined
        ? res.set(field, value)
        : append(field, value);
    next();
  });

  // Pages, scripts, styles and text exports leave compressed (brotli when the browser takes it, else gzip): the
  // reply page's scripts shrink to a fifth on a phone. Files already compressed (PDF, XLSX, PNG, backups) are
  // left as they are; so is anything under 1 KB. Brotli at quality 4: nearly gzip's speed, a smaller result.
  app.use(
    compression({
      threshold: 1024,
      brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
    }),
  );

  app.get("/readyz", async (_req, res) => {
    const { ready, reason } = await readiness(db);
    res
      .status(ready ? 200 : 503)
      .set("Cache-Control", "no-store")
      .json(ready ? { status: "ready" } : { status: "not ready", reason });
  });
  app.get("/metrics", async (req, res) => {
    if (!mayReadMetrics(req)) return void res.status(403).type("text").send("Forbidden");
    try {
      res
        .set("Content-Type", registry.contentType)
        .set("Cache-Control", "no-store")
        .send(await registry.metrics());
    } catch (error) {
      res
        .status(503)
        .type("text")
        .send(`metrics unavailable: ${(error as Error).message}`);
    }
  });

  // the browser build, with the brotli / gzip copies written by app/cli/build.js when the browser takes them
  app.use(
    "/build",
    expressStaticGzip(path.join(rootDir, "public/build"), {
      enableBrotli: true,
      orderPreference: ["br", "gz"],
      serveStatic: { immutable: true, maxAge: "1y" },
    }),
  );
  // files of public/ (favicon, fonts): only names with an extension are looked for on disk, so a page such as
  // /r/<token> costs no file-system lookup
  const publicFiles = express.static(path.join(rootDir, "public"), { maxAge: "1h", index: false });
  app.use((req, res, next) => (path.extname(req.path) ? publicFiles(req, res, next) : next()));

  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    trackInFlight(res);
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      observeRequest(req.path, req.method, res.statusCode, ms / 1000);
      logger.info({ method: req.method, path: loggablePath(req.originalUrl), status: res.statusCode, ms: Math.round(ms) }, "request");
    });
    next();
  });

  app.use(async (req, res, next) => {
    try {
      const request = toFetchRequest(req);
      // the JSON API authenticates by bearer token alone: a session cookie is not even read (see isApiRequest)
      const sessionToken = isApiRequest(req) ? null : await readSessionToken(request);
      const user = sessionToken ? ((await getSessionUser(db, { token: sessionToken })) ?? null) : null;
      const replyLink = await replyLinkLookup(request, user?.locale);
      const context: RequestContext = {
        nonce: res.locals.nonce,
        locale: replyLink?.locale ?? (await detectLocale(request, user?.locale)),
        replyLink: replyLink?.found,
        user,
        sessionToken: user ? sessionToken : null,
        sessionEnded: Boolean(sessionToken) && !user,
        clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
      };
      res.locals.context = context;
      next();
    } catch (error) {
      if (isDatabaseUnavailable(error)) return renderOutage(req, res, error).catch(next);
      next(error);
    }
  });

  // A response that starts before the request body was read to the end (an upload refused as too large)
  // must close the connection: a half-read socket reused by the client would stall its next request.
  app.use((req, res, next) => {
    const writeHead = res.writeHead;
    res.writeHead = function (this: typeof res, ...args: Parameters<typeof writeHead>) {
      if (!req.complete && !res.headersSent) res.setHeader("Connection", "close");
      return writeHead.apply(this, args);
    } as typeof writeHead;
    next();
  });

  app.use((req, res, next) => {
    const length = Number(req.headers["content-length"] ?? 0);
    if (length <= MAX_REQUEST_BYTES) return next();
    res.setHeader("Connection", "close");
    const answer = () =>
      isApiRequest(req)
        ? void res
            .status(413)
            .type("application/problem+json")
            .send(JSON.stringify({ type: "urn:plenary:problem:too_large", title: "Body too large", status: 413 }))
        : renderNotice(res, res.locals.context, 413, "tooLarge").catch(next);
    // Read and discard a moderately oversized body first, so the client is not reset mid-upload and sees the
    // page; beyond DRAIN_LIMIT_BYTES answer at once and let the connection close.
    if (length > DRAIN_LIMIT_BYTES) return void answer();
    req.on("error", () => res.destroy());
    req.on("end", answer);
    req.resume();
  });

  app.use((req, res, next) => {
    if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return next();
    if (isApiRequest(req)) return next();
    if (isSameOriginRequest(req, env.APP_URL)) {
      // Remix repeats the check against X-Forwarded-Host or Host, which a reverse proxy rewrites (nginx sends its
      // upstream address) and would answer 500. The Origin was just checked against APP_URL and our own Host:
      // hand Remix that host, so its check agrees with ours.
      if (req.headers.origin && req.headers.origin !== "null") req.headers["x-forwarded-host"] = new URL(req.headers.origin).host;
      return next();
    }
    logger.warn({ method: req.method, path: loggablePath(req.originalUrl), origin: req.headers.origin ?? null }, "cross-origin request refused");
    renderNotice(res, res.locals.context, 403, "forbidden").catch(next);
  });

  app.all("*", createRequestHandler({ build: withOutageResponses(build), mode, getLoadContext: (_req, res) => res.locals.context as RequestContext }));

  app.use((error: unknown, req: ExpressRequest, res: ExpressResponse, _next: NextFunction) => {
    if (isDatabaseUnavailable(error) && !res.headersSent) {
      renderOutage(req, res, error).catch(() => res.status(503).set(OUTAGE_HEADERS).type("text").send("Service Unavailable"));
      return;
    }
    logger.error({ err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) }, "unhandled error");
    if (!res.headersSent) res.status(500).type("text").send("Internal Server Error");
  });
  return app;
}

/**
 * A reply link opens in its invitation's language unless the reader chose one (the language switcher's
 * cookie, or a staff user's saved preference).
 */
async function replyLinkLookup(
  request: Request,
  userLocale: string | null | undefined,
): Promise<{ locale: Lng | undefined; found?: RequestContext["replyLink"] } | undefined> {
  const path = new URL(request.url).pathname;
  // the page's own data requests too (`/r/<token>.data`: the form posted after hydration, and the reload after it)
  // and the List of Participants reached from it (issue 18 §2)
  const reply = /^\/r\/([A-Za-z0-9_-]{43})(?:\.data|\/|\/participants(?:\.data|\.pdf)?)?$/.exec(path);
  // a colleague's set-password link opens in the interface language the inviting admin chose for them
  const account = /^\/account\/password\/([A-Za-z0-9_-]{43})(?:\.data|\/)?$/.exec(path);
  // a delegate's e-badge (issue 18 §5) opens in their interpretation language, else their letter's
  const badge = /^\/b\/([A-Za-z0-9_-]{43})(?:\.data|\/)?$/.exec(path);
  if ((!reply && !account && !badge) || isSupportedLng(userLocale) || isSupportedLng(await lngCookie.parse(request.headers.get("Cookie")))) return undefined;
  if (badge) {
    const found = await findBadgeByToken(getDb(), { token: badge[1] });
    return { locale: found ? badgeLocale(found.holder.interpretation, found.letterLocale) : undefined };
  }
  if (reply) {
    const link = await findInvitationByToken(getDb(), { token: reply[1] });
    return { locale: link?.letterLocale, found: { token: reply[1], link } };
  }
  const locale = (await findUsableStaffToken(getDb(), { token: account![1] }))?.locale;
  return { locale: isSupportedLng(locale) ? locale : undefined };
}

/** A problem the operator can fix; the launcher prints its message without a stack trace. */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StartupError";
  }
}

async function openAndMigrate() {
  const env = getEnv();
  try {
    await migrateToLatest(getDb());
  } catch (error) {
    if ((error as Error).name === "DataDirLockedError") throw error;
    await closeDb().catch(() => undefined);
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new StartupError(
      env.isEmbedded
        ? `the embedded database in ${env.DATA_DIR} could not be opened or migrated (${reason}). ` +
            `If the directory was copied or changed while Plenary ran, restore it from a backup.`
        : `the database at DATABASE_URL could not be reached or migrated (${reason}).`,
      { cause: error },
    );
  }
}

type ServerOptions = {
  build: ServerBuild;
  rootDir: string;
  mode: Mode;
  /** where the start banner and the setup link go (the console; a test harness collects them) */
  print?: (text: string) => void;
};

export type RunningServer = {
  server: Server;
  /** drains requests, stops the mail worker and intake, flushes the sign-in audit, closes the database */
  stop: () => Promise<void>;
};

/** Everything `npm start` runs in this process, without the signal handlers: migrations, HTTP, worker, intake. */
export async function runServer({ build, rootDir, mode, print = (text) => void process.stdout.write(text) }: ServerOptions): Promise<RunningServer> {
  const env = getEnv();
  const db = getDb();
  await openAndMigrate();
  // with PostgreSQL: tells `npm run restore` that this process runs, even while its pool is idle
  const presence = env.DATABASE_URL ? holdPresenceLock(env.DATABASE_URL) : undefined;
  const app = createApp({ build, rootDir, mode });

  const server: Server = await new Promise((resolve, reject) => {
    // HOST: the address to bind (unset: every interface, as Node does by default)
    const s = env.HOST ? app.listen(env.PORT, env.HOST, () => resolve(s)) : app.listen(env.PORT, () => resolve(s));
    s.once("error", reject);
  });
  server.keepAliveTimeout = 65_000;
  logger.info({ port: env.PORT, database: databaseKind(), mail: env.SMTP_URL ? "smtp" : "local mailbox" }, "Plenary started");

  const token = await issueSetupTokenIfNoAdmin(db);
  const lines = [``, `  Plenary is running at ${env.APP_URL}`];
  if (token) {
    lines.push(
      ``,
      `  No administrator exists yet. Open this one-time link to create the first one:`,
      `    ${env.APP_URL}/setup/${token}`,
      `  (It works until the first administrator is created. A restart prints a new one.)`,
    );
  }
  // The setup link goes to the console only, never through the structured logger.
  print(lines.join("\n") + "\n\n");

  if (mode === "development") await broadcastDevReady(build);

  const worker: MailWorker | undefined = env.MAIL_WORKER === "true" ? startMailWorker({ db, env, busy: requestsBusy }) : undefined;
  // send waves are prepared next to the mail worker (issue 15)
  const waves = env.MAIL_WORKER === "true" ? startSendWaveRunner({ db, env }) : undefined;
  // signed webhooks are delivered next to the mail worker too (issue 19)
  const webhooks = env.MAIL_WORKER === "true" ? startWebhookRunner({ db, env }) : undefined;
  // late bounces and replies by email (MAIL_INBOUND_PORT), next to the worker
  const intake = env.MAIL_WORKER === "true" ? await startConfiguredIntake(db, env) : undefined;
  // the embedded database's planner statistics (PostgreSQL servers keep theirs by autovacuum)
  const maintenance = env.isEmbedded ? startEmbeddedMaintenance({ db }) : undefined;

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      shuttingDown = true;
      await drainAndClose(server, { onForce: () => logger.warn("requests still open after 10 s; closing anyway") });
      await intake?.stop();
      await waves?.stop();
      await webhooks?.stop();
      await worker?.stop();
      await maintenance?.stop();
      await closeRenderPool();
      await flushSignInThrottle(db, { all: true }).catch((error) => logger.warn({ err: String(error) }, "sign-in audit flush failed"));
      await presence?.release();
      await closeDb();
      logger.info("stopped");
    })());
  return { server, stop };
}

/** Runs the portal (`npm start`): runServer, then a graceful shutdown on SIGTERM or SIGINT. */
export async function startServer(options: ServerOptions) {
  markLongRunningProcess();
  const running = await runServer(options);
  const shutdown = (signal: string) => {
    logger.info({ signal }, "shutting down");
    void running.stop().then(() => process.exit(0));
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
  return running.server;
}
