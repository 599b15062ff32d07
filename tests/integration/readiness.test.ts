import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { databaseLabel, type PreparedDatabase, prepareServerDatabase, usingPostgres, withServerDb } from "../helpers/db";
import { startTestServer, type TestServer } from "../helpers/server";
import { TcpProxy } from "../helpers/tcp-proxy";

/** Issue 20 §3 and §5: readiness for proxies and units, and the Prometheus endpoint's access rule. */
describe(`readiness and metrics (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  const TOKEN = "t0ken-for-the-monitoring-host";

  beforeAll(async () => {
    database = await prepareServerDatabase();
    server = await startTestServer({ METRICS_TOKEN: TOKEN }, database);
  });
  afterAll(async () => {
    await server?.dispose();
    await database?.dispose();
  });

  it("/readyz is 200 when the database answers and its schema is the code's; /healthz says alive", async () => {
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it.skipIf(!usingPostgres)("a schema newer than the code (another process migrated further) makes the process not ready", async () => {
    await withServerDb(server, database.env, (db) =>
      sql`insert into kysely_migration (name, timestamp) values ('2099_01_01_0000_from_the_future', now()::text)`.execute(db),
    );
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(503);
    expect((await response.json()).reason).toMatch(/schema at 2099_01_01_0000_from_the_future, code expects 2026_/);
    await withServerDb(server, database.env, (db) => sql`delete from kysely_migration where name = '2099_01_01_0000_from_the_future'`.execute(db));
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it("/metrics answers loopback without a proxy, a proxied request only with the token", async () => {
    // some traffic first, so that the histogram has a sample of each kind (read to the end: a request is counted
    // when its response has finished, and a compressed page streams until the client reads it)
    await (await fetch(`${server.url}/login`)).text();
    const direct = await fetch(`${server.url}/metrics`);
    expect(direct.status).toBe(200);
    expect(direct.headers.get("content-type")).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const text = await direct.text();
    expect(text).toMatch(/^plenary_http_request_duration_seconds_count\{kind="page",method="GET",status="2xx"\} [1-9]/m);
    expect(text).toMatch(/^plenary_event_loop_lag_p99_seconds \d/m);
    expect(text).toMatch(/^plenary_mail_queue_paused 0$/m);
    expect(text).toMatch(/^plenary_process_resident_memory_bytes \d+/m);
    expect((await fetch(`${server.url}/metrics`, { headers: { "X-Forwarded-For": "203.0.113.9" } })).status).toBe(403);
    expect(
      (await fetch(`${server.url}/metrics`, { headers: { "X-Forwarded-For": "203.0.113.9", Authorization: "Bearer wrong-token-of-the-same-length!" } })).status,
    ).toBe(403);
    expect((await fetch(`${server.url}/metrics`, { headers: { "X-Forwarded-For": "203.0.113.9", Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });
});

describe.skipIf(!usingPostgres)("readiness when the database goes away (PostgreSQL server)", () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let proxy: TcpProxy;

  beforeAll(async () => {
    database = await prepareServerDatabase();
    const direct = new URL(database.env.DATABASE_URL);
    proxy = await new TcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) }).start();
    server = await startTestServer({ DATABASE_URL: proxy.proxied(database.env.DATABASE_URL), MAIL_WORKER: "false" }, database);
  });
  afterAll(async () => {
    await server?.dispose();
    await proxy?.stop();
    await database?.dispose();
  });

  it("a process that cannot reach the database is not ready, and is ready again when it can", async () => {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    proxy.cut();
    const started = Date.now();
    const down = await fetch(`${server.url}/readyz`);
    expect(down.status).toBe(503);
    expect((await down.json()).reason).toMatch(/database unavailable/);
    // answered within the 2 s budget, not after a connection timeout
    expect(Date.now() - started).toBeLessThan(5_000);
    proxy.restore();
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await fetch(`${server.url}/readyz`)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(200);
  });
});
