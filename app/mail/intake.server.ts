import type { AddressInfo } from "node:net";

import type { DB } from "~/db.server";
import type { Env } from "~/env.server";
import { isDatabaseUnavailable } from "~/lib/db-errors";
import { classifyInbound } from "~/lib/inbound-mail.server";
import { parseVerp } from "~/lib/verp.server";
import { logger } from "~/logger.server";
import { type InboundResult, recordInbound } from "~/models/inbound-mail.server";

export type MailIntake = { port: number; stop: () => Promise<void> };

/**
 * The built-in inbound SMTP listener (issue 16 §5), off unless MAIL_INBOUND_PORT is set. Point the return-path
 * domain's MX (or a forwarding rule of the secretariat's mailbox) at it: late bounces, auto-replies and replies
 * written by email arrive here, are classified (lib/inbound-mail.server.ts) and recorded (models/inbound-mail).
 *
 * It answers 250 only after the mail is stored; when the database is unreachable it answers 451 and the sending
 * server keeps the mail and tries again later, so nothing is lost. No authentication and no relaying: it only
 * receives. Size and client count are bounded.
 */
export async function startMailIntake({
  db,
  env,
  port,
  host,
  onRecorded,
}: {
  db: DB;
  env: Env;
  port?: number;
  host?: string;
  onRecorded?: (result: InboundResult) => void;
}): Promise<MailIntake> {
  // loaded here, where the intake is on, not at every start-up
  const { SMTPServer } = await import("smtp-server");
  const server = new SMTPServer({
    name: new URL(env.APP_URL).hostname,
    banner: "Plenary mail intake",
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    size: env.MAIL_INBOUND_MAX_BYTES,
    maxClients: 20,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes <= env.MAIL_INBOUND_MAX_BYTES) chunks.push(chunk);
      });
      stream.on("end", () => {
        if (stream.sizeExceeded) {
          const error = new Error("5.3.4 Message too big for Plenary's intake") as Error & { responseCode: number };
          error.responseCode = 552;
          return callback(error);
        }
        const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
        const rcpts = session.envelope.rcptTo.map((r) => r.address);
        const verp = env.MAIL_RETURN_PATH ? (rcpts.map((a) => parseVerp(a, env.MAIL_RETURN_PATH!, env.SESSION_SECRET)).find(Boolean) ?? null) : null;
        classifyInbound(Buffer.concat(chunks), { from: envelopeFrom })
          .then((mail) => recordInbound(db, { mail, verpMessageRowId: verp }))
          .then((result) => {
            logger.info({ kind: result.kind, message: result.emailMessageId, bounced: result.bounced.length }, "mail intake: received");
            onRecorded?.(result);
            callback();
          })
          .catch((error) => {
            logger[isDatabaseUnavailable(error) ? "warn" : "error"](
              { err: String(error) },
              "mail intake: could not store a message; the sender will try again",
            );
            const reply = new Error("4.3.0 Temporary failure, try again later") as Error & { responseCode: number };
            reply.responseCode = 451;
            callback(reply);
          });
      });
    },
  });
  server.on("error", (error) => logger.warn({ err: String(error) }, "mail intake: connection error"));
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(port ?? env.MAIL_INBOUND_PORT ?? 0, host ?? env.MAIL_INBOUND_HOST, () => {
      server.server.off("error", reject);
      resolve();
    });
  });
  const address = server.server.address() as AddressInfo;
  logger.info({ host: address.address, port: address.port }, "mail intake listening");
  return {
    port: address.port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Starts the intake when MAIL_INBOUND_PORT is set. With several worker processes on one host only the first
 * binds the port; the others carry on without it (one intake is enough: it writes to the shared database).
 */
export async function startConfiguredIntake(db: DB, env: Env): Promise<MailIntake | undefined> {
  if (!env.MAIL_INBOUND_PORT) return undefined;
  try {
    return await startMailIntake({ db, env });
  } catch (error) {
    logger.warn({ err: String(error), port: env.MAIL_INBOUND_PORT }, "mail intake not started (another process may hold the port)");
    return undefined;
  }
}
