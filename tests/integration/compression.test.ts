import http from "node:http";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { databaseLabel } from "../helpers/db";
import { startTestServer, type TestServer } from "../helpers/server";

/** A GET that keeps the bytes as they travel (fetch would decode them): status, headers and the raw body. */
function rawGet(url: string, acceptEncoding: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: Buffer }>((resolve, reject) => {
    http
      .get(url, { headers: { "accept-encoding": acceptEncoding } }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, bytes: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}

describe(`responses are compressed (${databaseLabel})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  it("pages leave with brotli when the browser takes it, gzip otherwise, and as they are when it takes neither", async () => {
    const br = await rawGet(`${server.url}/login`, "gzip, deflate, br");
    expect(br.status).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    const gzip = await rawGet(`${server.url}/login`, "gzip");
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    const plain = await rawGet(`${server.url}/login`, "identity");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.bytes.toString("utf8")).toContain("<html");
    expect(br.bytes.length).toBeLessThan(plain.bytes.length / 2);
    // security headers stay on compressed responses
    expect(br.headers["content-security-policy"]).toMatch(/script-src/);
  });

  it("the reply page's scripts leave compressed to under a third, at most 150 KB on the wire (issue 15's phone budget)", async () => {
    const html = (await rawGet(`${server.url}/login`, "identity")).bytes.toString("utf8");
    const manifestUrl = html.match(/\/build\/manifest-[A-Z0-9]+\.js/)![0];
    const manifestSource = (await rawGet(`${server.url}${manifestUrl}`, "identity")).bytes.toString("utf8");
    const manifest = JSON.parse(manifestSource.replace(/^window\.__remixManifest=/, "").replace(/;$/, "")) as {
      entry: { module: string; imports?: string[] };
      routes: Record<string, { module: string; imports?: string[] }>;
    };
    const route = (id: string) => [manifest.routes[id].module, ...(manifest.routes[id].imports ?? [])];
    const scripts = [...new Set([manifestUrl, manifest.entry.module, ...(manifest.entry.imports ?? []), ...route("root"), ...route("routes/r.$token")])];
    let wire = 0;
    let plain = 0;
    for (const script of scripts) {
      const compressed = await rawGet(`${server.url}${script}`, "br");
      expect(compressed.status, script).toBe(200);
      if (compressed.bytes.length >= 1024) expect(compressed.headers["content-encoding"], script).toBe("br");
      wire += compressed.bytes.length;
      plain += (await rawGet(`${server.url}${script}`, "identity")).bytes.length;
    }
    console.log(`reply page scripts: ${scripts.length} files, ${Math.round(plain / 1024)} KB → ${Math.round(wire / 1024)} KB with brotli`);
    expect(wire).toBeLessThan(plain / 3);
    // issue 15's goal for a phone: at most 150 KB of scripts on the wire
    expect(wire).toBeLessThanOrEqual(150 * 1024);
    // the build's gzip copy for a browser without brotli, and the file as it is for one that takes neither
    const gzip = await rawGet(`${server.url}${manifest.entry.module}`, "gzip");
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gzip.headers["cache-control"]).toMatch(/immutable/);
    expect(gzip.headers.vary).toMatch(/Accept-Encoding/i);
  });
});
