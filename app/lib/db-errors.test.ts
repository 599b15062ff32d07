import { describe, expect, it } from "vitest";

import { isDatabaseUnavailable } from "~/lib/db-errors";

const withCode = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("database outage errors are told apart from bugs", () => {
  it.each([
    ["pg_terminate_backend (57P01)", withCode("57P01", "terminating connection due to administrator command")],
    ["server crash (57P02)", withCode("57P02", "terminating connection because of crash of another server process")],
    ["server starting up (57P03)", withCode("57P03", "the database system is starting up")],
    ["statement_timeout (57014)", withCode("57014", "canceling statement due to statement timeout")],
    ["too many connections (53300)", withCode("53300", "sorry, too many clients already")],
    ["connection failure (08006)", withCode("08006", "connection failure")],
    ["connection refused", withCode("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432")],
    ["connection reset", withCode("ECONNRESET", "read ECONNRESET")],
    ["a dropped connection", new Error("Connection terminated unexpectedly")],
    ["pg-pool connect timeout", new Error("Connection terminated due to connection timeout", { cause: new Error("Connection terminated unexpectedly") })],
    ["pg-pool waiting for a free client", new Error("timeout exceeded when trying to connect")],
    ["pg query_timeout", new Error("Query read timeout")],
    ["a client that lost its connection", new Error("Client has encountered a connection error and is not queryable")],
    ["the embedded database shutting down", new Error("PGlite is closed")],
    ["a wrapped cause", new Error("could not load the page", { cause: withCode("57P01") })],
    ["localhost refused on both address families", new AggregateError([withCode("ECONNREFUSED"), withCode("ECONNREFUSED")], "")],
  ])("%s → unavailable", (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a unique violation (23505)", withCode("23505", "duplicate key value violates unique constraint")],
    ["a syntax error (42601)", withCode("42601", 'syntax error at or near "selct"')],
    ["a serialization failure (40001)", withCode("40001", "could not serialize access")],
    ["a plain bug", new TypeError("Cannot read properties of undefined (reading 'id')")],
    ["an SMTP connection error (not the database's)", withCode("ECONNECTION", "Connection closed")],
    ["a thrown Response", new Response(null, { status: 404 })],
    ["a string", "Connection terminated unexpectedly"],
    ["nothing", undefined],
  ])("%s → not an outage", (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it("does not loop on a cause cycle", () => {
    const a = new Error("a") as Error & { cause?: unknown };
    const b = new Error("b", { cause: a });
    a.cause = b;
    expect(isDatabaseUnavailable(a)).toBe(false);
  });
});
