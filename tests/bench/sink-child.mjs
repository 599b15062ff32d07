// A fast SMTP sink in its own process for benchmarks: accepts everything, parses nothing, prints its port.
import { SMTPServer } from "smtp-server";

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onData(stream, _session, callback) {
    stream.on("data", () => undefined);
    stream.on("end", () => callback());
  },
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`${server.server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
