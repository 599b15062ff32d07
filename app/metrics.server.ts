import { monitorEventLoopDelay } from "node:perf_hooks";

import client from "prom-client";

import { type DB, poolStats } from "~/db.server";
import { mailMetrics } from "~/models/system.server";
import { countDeliveriesByStatus } from "~/models/webhook.server";

/**
 * Prometheus metrics (issue 20 §5), one registry per process. Request latency by route kind and the process's
 * event-loop lag are this process's own; the mail figures are read from the database at scrape time, so every
 * web process reports the same queue, and they add up to what the relay received.
 */
export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: "plenary_" });

const requestDuration = new client.Histogram({
  name: "plenary_http_request_duration_seconds",
  help: "HTTP requests by route kind, method and status class",
  labelNames: ["kind", "method", "status"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

const jobDuration = new client.Histogram({
  name: "plenary_job_duration_seconds",
  help: "Long jobs: PDF documents, spreadsheets and send waves",
  labelNames: ["job"] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [registry],
});

let inFlight = 0;
new client.Gauge({
  name: "plenary_requests_in_flight",
  help: "HTTP requests this process is answering now",
  registers: [registry],
  collect() {
    this.set(inFlight);
  },
});

/** Counts a request until its response is finished or its connection closed (see busy()). */
export function trackInFlight(response: { once: (event: "close", listener: () => void) => unknown }) {
  inFlight++;
  response.once("close", () => void inFlight--);
}

/** More requests open at once than a quiet portal ever has: background work (the mail worker) makes way. */
export const BUSY_REQUESTS = 8;
export const requestsBusy = () => inFlight >= BUSY_REQUESTS;

const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
new client.Gauge({
  name: "plenary_event_loop_lag_p99_seconds",
  help: "99th percentile of the event loop's delay since the last scrape",
  registers: [registry],
  collect() {
    this.set(lag.percentile(99) / 1e9);
    lag.reset();
  },
});

/** What each request is, for the latency histogram: the label set stays small and free of ids. */
export function routeKind(path: string, method: string): string {
  if (path === "/healthz" || path === "/readyz" || path === "/metrics") return "health";
  if (path.startsWith("/build/") || /\.(js|css|svg|ico|png|woff2?)$/.test(path)) return "asset";
  if (path.startsWith("/r/")) return method === "GET" || method === "HEAD" ? "reply_page" : "reply_post";
  if (/\.(pdf|csv|xlsx|ics)$/.test(path)) return "export";
  if (path.endsWith(".data")) return "data";
  return method === "GET" || method === "HEAD" ? "page" : "action";
}

export function observeRequest(path: string, method: string, status: number, seconds: number) {
  requestDuration.observe({ kind: routeKind(path, method), method: method === "HEAD" ? "GET" : method, status: `${Math.floor(status / 100)}xx` }, seconds);
}

/** Measures a long job (a PDF, a spreadsheet, a send wave). */
export async function timeJob<T>(job: string, run: () => Promise<T> | T): Promise<T> {
  const end = jobDuration.startTimer({ job });
  try {
    return await run();
  } finally {
    end();
  }
}

let database: DB | undefined;

/** Registers the database-backed gauges once the process has its database. */
export function registerDatabaseMetrics(db: DB) {
  if (database) return;
  database = db;
  let cached: { at: number; value: Awaited<ReturnType<typeof mailMetrics>> } | undefined;
  // several gauges read one query, at most once a second
  const read = async () => {
    if (!cached || Date.now() - cached.at > 1000) cached = { at: Date.now(), value: await mailMetrics(db) };
    return cached.value;
  };
  new client.Gauge({
    name: "plenary_mail_messages",
    help: "Messages in the outbox by status (sent, bounced … only grow: use deriv() or delta() for rates)",
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const [status, count] of Object.entries((await read()).byStatus)) this.set({ status }, count);
    },
  });
  new client.Gauge({
    name: "plenary_mail_sent_last_hour",
    help: "Messages the relay accepted in the last hour",
    registers: [registry],
    async collect() {
      this.set((await read()).sentLastHour);
    },
  });
  new client.Gauge({
    name: "plenary_mail_retries",
    help: "Attempts beyond the first, over all messages (deferrals)",
    registers: [registry],
    async collect() {
      this.set((await read()).retries);
    },
  });
  new client.Gauge({
    name: "plenary_mail_suppressed_addresses",
    help: "Addresses on the suppression list",
    registers: [registry],
    async collect() {
      this.set((await read()).suppressed);
    },
  });
  new client.Gauge({
    name: "plenary_mail_queue_paused",
    help: "1 while the whole queue is paused (configuration or rate)",
    registers: [registry],
    async collect() {
      this.set((await read()).paused ? 1 : 0);
    },
  });
  new client.Gauge({
    name: "plenary_webhook_deliveries",
    help: "Webhook deliveries by status (delivered and failed ones are kept 30 days)",
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const [status, count] of Object.entries(await countDeliveriesByStatus(db))) this.set({ status }, count);
    },
  });
  new client.Gauge({
    name: "plenary_db_pool_connections",
    help: "Database pool connections of this process by state (PostgreSQL server only)",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const stats = poolStats();
      if (!stats) return;
      this.set({ state: "total" }, stats.total);
      this.set({ state: "idle" }, stats.idle);
      this.set({ state: "waiting" }, stats.waiting);
    },
  });
}
