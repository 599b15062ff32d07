import type { AddressInfo } from "node:net";

import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/**
 * What the sink answers to the next messages at DATA: 250 by default; "451"/"550" reply codes; "452rate" a rate
 * limit; "stall" never answers; "drop" closes the connection in the middle of DATA.
 */
export type SinkReply = "250" | "421" | "451" | "550" | "452rate" | "stall" | "drop";

/** What the sink saw in one SMTP envelope (accepted or not). */
export type SinkEnvelope = { mailFrom: string; rcptTo: string[]; messageId?: string };

/**
 * A real SMTP server on 127.0.0.1 for tests. It parses every accepted message, can be told to answer with
 * transient or permanent errors, to refuse authentication (535), or to stall.
 */
export class SmtpSink {
  messages: ParsedMail[] = [];
  /** every accepted message with the time its SMTP connection was opened: tells which sending process sent it */
  accepted: { messageId: string; connectedAt: number; at: number }[] = [];
  private connectedAt = new Map<string, number>();
  lastAcceptedAt = 0;
  private script: SinkReply[] = [];
  private server: SMTPServer;
  port = 0;
  refuseAuth = false;
  received = 0;
  /** milliseconds before each 250, so that a test can interrupt a worker in the middle of sending */
  delayMs = 0;
  /** RCPT TO answers per address (lower case): e.g. 550 "5.1.1 no such user", 451 "4.2.1 mailbox busy" */
  recipientReplies = new Map<string, { code: number; text: string }>();
  /** until this time (ms), every new connection is greeted with 421 and closed */
  refuseConnectionsUntil = 0;
  /** after EHLO, MAIL FROM gets no answer at all (the client must time out) */
  stallAfterEhlo = false;
  connections = 0;
  /** envelopes of accepted messages: the return path (VERP) and the recipients the client asked for */
  envelopes: SinkEnvelope[] = [];
  /** the raw bytes of each accepted message, as received (DKIM is verified on these) */
  raw: Buffer[] = [];
  constructor(options: { requireAuth?: boolean } = {}) {
    this.server = new SMTPServer({
      authOptional: !options.requireAuth,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onConnect: (session, callback) => {
        this.connections++;
        this.connectedAt.set(session.id, Date.now());
        if (Date.now() < this.refuseConnectionsUntil) {
          const error = new Error("4.3.2 Service not available, closing transmission channel") as Error & { responseCode: number };
          error.responseCode = 421;
          return callback(error);
        }
        callback();
      },
      onMailFrom: (_address, _session, callback) => {
        if (this.stallAfterEhlo) return; // never answers
        callback();
      },
      onRcptTo: (address, _session, callback) => {
        const reply = this.recipientReplies.get(address.address.toLowerCase());
        if (reply) {
          const error = new Error(reply.text) as Error & { responseCode: number };
          error.responseCode = reply.code;
          return callback(error);
        }
        callback();
      },
      onAuth: (_auth, _session, callback) => {
        if (this.refuseAuth) {
          const error = new Error("5.7.8 Authentication credentials invalid") as Error & { responseCode: number };
          error.responseCode = 535;
          return callback(error);
        }
        callback(null, { user: "test" });
      },
      onData: (stream, session, callback) => {
        const reply = this.script.shift() ?? "250";
        this.received++;
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", async () => {
          if (reply === "stall") return; // never answer: the client must time out
          if (reply === "drop") {
            for (const connection of (this.server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections) {
              if (connection.id === session.id) connection._socket.destroy();
            }
            return;
          }
          if (reply !== "250") {
            const text =
              reply === "550" ? "5.1.1 Mailbox unavailable" : reply === "452rate" ? "4.7.0 Message rate limit exceeded, slow down" : "4.3.0 Try again later";
            const error = new Error(text) as Error & { responseCode: number };
            error.responseCode = reply === "452rate" ? 452 : Number(reply);
            return callback(error);
          }
          const bytes = Buffer.concat(chunks);
          const parsed = await simpleParser(bytes);
          if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
          // accepted = the moment the server answers 250
          this.messages.push(parsed);
          this.raw.push(bytes);
          this.envelopes.push({
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            messageId: parsed.messageId,
          });
          this.accepted.push({ messageId: parsed.messageId ?? "", connectedAt: this.connectedAt.get(session.id) ?? 0, at: Date.now() });
          this.lastAcceptedAt = Date.now();
          callback();
        });
      },
    });
  }

  /** The next replies, in order; then 250 again. */
  answer(...replies: SinkReply[]) {
    this.script.push(...replies);
  }

  async start() {
    // a client killed mid-session resets its connection; that is the client's problem, not the sink's
    this.server.on("error", () => undefined);
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", () => resolve()));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  url(auth = false) {
    return auth ? `smtp://user:secret@127.0.0.1:${this.port}` : `smtp://127.0.0.1:${this.port}`;
  }

  async stop() {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
