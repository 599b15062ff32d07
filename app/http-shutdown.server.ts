import type { IncomingMessage, Server, ServerResponse } from "node:http";
import net from "node:net";

export type DrainOptions = {
  /** close the listening socket once no connection has arrived for this long */
  quietMs?: number;
  /** … or after this long, whatever arrives */
  maxDrainMs?: number;
  /** then cut connections still open after this long from the start */
  forceMs?: number;
  onForce?: () => void;
};

/**
 * Stops an HTTP server without losing a request (issue 20 §2). Node's own `server.close()` closes the listening
 * socket at once, which resets the connections still waiting in the kernel's accept queue, and destroys accepted
 * connections whose request has not been read yet: behind a proxy both reach the client as a 502 for a POST,
 * which the proxy may not retry. Instead:
 * 1. keep accepting while connections still arrive (the proxy has been told to stop sending, or is learning it
 *    from /readyz), and answer every request with `Connection: close`;
 * 2. close the listening socket once no connection came for `quietMs` (at most `maxDrainMs`); a later connection
 *    is refused, and a refused connection is retried elsewhere by the proxy, for every method;
 * 3. let requests in flight finish, closing connections as they fall idle; cut what is left at `forceMs`.
 * Resolves when the last connection has closed.
 */
export function drainAndClose(server: Server, { quietMs = 300, maxDrainMs = 5_000, forceMs = 10_000, onForce }: DrainOptions = {}): Promise<void> {
  const started = Date.now();
  let lastConnection = started;
  const onConnection = () => {
    lastConnection = Date.now();
  };
  const onRequest = (_req: IncomingMessage, res: ServerResponse) => {
    if (!res.headersSent) res.setHeader("Connection", "close");
  };
  server.on("connection", onConnection);
  server.prependListener("request", onRequest);

  return new Promise((resolve) => {
    let idleSweep: NodeJS.Timeout | undefined;
    const force = setTimeout(() => {
      onForce?.();
      server.closeAllConnections();
    }, forceMs);
    force.unref();
    const closeListener = () => {
      // net.Server's close, not http.Server's: that one would also destroy connections whose request is on its way
      net.Server.prototype.close.call(server, () => {
        clearTimeout(force);
        clearInterval(idleSweep);
        server.off("connection", onConnection);
        resolve();
      });
      // connections kept alive from before (no request on them now) are closed; one accepted in the last moment
      // has had `quietMs` to send its request, so it is busy, not idle
      server.closeIdleConnections();
      idleSweep = setInterval(() => server.closeIdleConnections(), 100);
    };
    const watch = setInterval(
      () => {
        const now = Date.now();
        if (now - lastConnection >= quietMs || now - started >= maxDrainMs) {
          clearInterval(watch);
          closeListener();
        }
      },
      Math.max(10, Math.min(50, quietMs / 3)),
    );
  });
}
