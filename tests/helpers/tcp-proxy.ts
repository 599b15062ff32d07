import net from "node:net";

/**
 * A TCP proxy on 127.0.0.1 in front of a server (PostgreSQL), so a test can make the database unreachable
 * for one process without touching the shared server: cut() drops every open connection and refuses new
 * ones until restore().
 */
export class TcpProxy {
  private server: net.Server;
  private sockets = new Set<net.Socket>();
  private cutOff = false;
  port = 0;

  constructor(private target: { host: string; port: number }) {
    this.server = net.createServer((client) => {
      client.on("error", () => undefined);
      if (this.cutOff) return void client.resetAndDestroy();
      const upstream = net.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.setNoDelay(true);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => undefined);
      }
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", () => resolve()));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  /** `url` with its host and port replaced by the proxy's. */
  proxied(url: string) {
    const u = new URL(url);
    u.hostname = "127.0.0.1";
    u.port = String(this.port);
    return u.toString();
  }

  /** The database goes away: open connections are reset, new ones are closed at once. */
  cut() {
    this.cutOff = true;
    for (const socket of this.sockets) socket.resetAndDestroy();
  }

  restore() {
    this.cutOff = false;
  }

  async stop() {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
