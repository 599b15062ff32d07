// A fast SMTP sink in its own process for benchmarks: accepts everything, parses nothing, prints its port, then one
// line "received <n>" each time a message has come in whole (the benchmark waits for its count instead of asking
// the server under test).
import { SMTPServer } from "smtp-server";

let received = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onData(stream, _session, callback) {
    stream.on("data", () => undefined);
    stream.on("end", () => {
      received++;
      process.stdout.write(`received ${received}\n`);
      callback();
    });
  },
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`${server.server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
