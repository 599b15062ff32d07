import http from "node:http";
import net from "node:net";

import { afterEach, describe, expect, it } from "vitest";

import { drainAndClose } from "./http-shutdown.server";

/** A server whose handler takes `delayMs` per request, on a free loopback port. */
async function slowServer(delayMs: number) {
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => setTimeout(() => res.end(`got ${body.length}`), delayMs));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as net.AddressInfo).port };
}

/** A raw HTTP/1.1 exchange: connects, waits `pauseMs`, sends a POST, returns the status line and headers, or the error. */
function rawPost(port: number, pauseMs = 0): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let text = "";
    socket.on("connect", () =>
      setTimeout(() => {
        if (!socket.destroyed) socket.write("POST /reply HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
      }, pauseMs),
    );
    socket.on("data", (chunk) => (text += chunk));
    socket.on("end", () => resolve(text || "closed without an answer"));
    socket.on("error", (error) => resolve(`${(error as NodeJS.ErrnoException).code}`));
  });
}

let open: http.Server | undefined;
afterEach(() => {
  open?.closeAllConnections();
  open?.close();
});

describe("a web process told to stop loses no request (issue 20 §2)", () => {
  it("connections waiting in the kernel's accept queue when the stop comes are answered (Node's close() resets them)", async () => {
    const { server, port } = await slowServer(50);
    open = server;
    // net.connect starts each handshake at once; loopback completes it in the kernel, which queues the connection
    // until the process accepts it. The stop comes before the event loop turns, with all 50 in the queue.
    const pending = Array.from({ length: 50 }, () => rawPost(port, 100));
    const closed = drainAndClose(server, { quietMs: 300 });
    const answers = await Promise.all(pending);
    expect(answers.filter((answer) => !/^HTTP\/1\.1 200 OK[\s\S]*Connection: close[\s\S]*got 5$/.test(answer))).toEqual([]);
    await closed;
  });

  it("connections that keep arriving while it drains are served, with Connection: close; once they stop, new ones are refused", async () => {
    const { server, port } = await slowServer(20);
    open = server;
    const closed = drainAndClose(server, { quietMs: 200, maxDrainMs: 5_000 });
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      answers.push(await rawPost(port));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const answer of answers) expect(answer).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*Connection: close/);
    await closed;
    expect(await rawPost(port)).toBe("ECONNREFUSED");
  });

  it("200 requests in flight when the stop comes all complete; an idle kept-alive connection is closed", async () => {
    const { server, port } = await slowServer(300);
    open = server;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    // a kept-alive connection from before the stop, idle now
    await new Promise<void>((resolve) => http.get({ port, host: "127.0.0.1", agent, path: "/" }, (res) => res.resume().on("end", resolve)));
    const inFlight = Array.from({ length: 200 }, () => rawPost(port));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await drainAndClose(server, { quietMs: 100 });
    const answers = await Promise.all(inFlight);
    expect(answers.filter((answer) => !answer.startsWith("HTTP/1.1 200 OK"))).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5_000);
    agent.destroy();
  });

  it("a request that never ends is cut at forceMs, and the server still closes", async () => {
    const server = http.createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    open = server;
    const port = (server.address() as net.AddressInfo).port;
    const hanging = rawPost(port);
    await new Promise((resolve) => setTimeout(resolve, 50));
    let forced = false;
    await drainAndClose(server, { quietMs: 50, forceMs: 500, onForce: () => (forced = true) });
    expect(forced).toBe(true);
    expect(await hanging).toMatch(/closed without an answer|ECONNRESET/);
  });
});
