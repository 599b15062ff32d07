import http from "node:http";
import type { AddressInfo } from "node:net";

export type ReceivedWebhook = { headers: Record<string, string>; body: string; at: number };

/**
 * A real HTTP endpoint on 127.0.0.1 for webhook tests: records every request and answers with the status the
 * test scripts (`answers` are used in order, then `fallback`).
 */
export class WebhookReceiver {
  received: ReceivedWebhook[] = [];
  answers: number[] = [];
  fallback = 200;
  body = "ok";
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]));
      this.received.push({ headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      const status = this.answers.shift() ?? this.fallback;
      res.writeHead(status, { "content-type": "text/plain" }).end(this.body);
    });
  });

  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this;
  }

  get port() {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = "/hooks/plenary") {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
