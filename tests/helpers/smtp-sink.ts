import { type AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/** What the sink answers to the next messages: 250 by default; "451"/"550" reply codes; "stall" never answers. */
export type SinkReply = "250" | "421" | "451" | "550" | "stall";

/**
 * A real SMTP server on 127.0.0.1 for tests. It parses every accepted message, can be told to answer with
 * transient or permanent errors, to refuse authentication (535), or to stall.
 */
export class SmtpSink {
  messages: ParsedMail[] = [];
  /** every accepted message with the time its SMTP connection was opened: tells which sending process sent it */
  accepted: { messageId: string; connectedAt: number }[] = [];
  private connectedAt = new Map<string, number>();
  lastAcceptedAt = 0;
  private script: SinkReply[] = [];
  private server: SMTPServer;
  port = 0;
  refuseAuth = false;
  received = 0;
  /** milliseconds before each 250, so that a test can interrupt a worker in the middle of sending */
  delayMs = 0;

  constructor(options: { requireAuth?: boolean } = {}) {
    this.server = new SMTPServer({
      authOptional: !options.requireAuth,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onConnect: (session, callback) => {
        this.connectedAt.set(session.id, Date.now());
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
          if (reply !== "250") {
            const error = new Error(reply === "550" ? "5.1.1 Mailbox unavailable" : "4.3.0 Try again later") as Error & { responseCode: number };
            error.responseCode = Number(reply);
            return callback(error);
          }
          const parsed = await simpleParser(Buffer.concat(chunks));
          if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
          // accepted = the moment the server answers 250
          this.messages.push(parsed);
          this.accepted.push({ messageId: parsed.messageId ?? "", connectedAt: this.connectedAt.get(session.id) ?? 0 });
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
