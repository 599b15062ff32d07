// The SMTP thread of the mail worker (app/mail/transport.server.ts, issue 15): it owns the pooled nodemailer
// transport, builds each message (MIME, quoted-printable, DKIM) and writes it to the relay, so that this work
// does not hold the request thread while a 5,000-letter wave goes out. Plain JavaScript: it needs nothing but
// nodemailer. One message per call; the answer or the error comes back as plain data.
import { parentPort, workerData } from "node:worker_threads";

import nodemailer from "nodemailer";

const transport = nodemailer.createTransport(workerData.options);

/** An error or an answer as plain data: its message and its own fields (code, command, responseCode, response…). */
function plain(value) {
  if (Array.isArray(value)) return value.map(plain);
  if (!value || typeof value !== "object") return value;
  const out = value instanceof Error ? { message: value.message, name: value.name } : {};
  for (const [key, field] of Object.entries(value)) {
    if (field === null || ["string", "number", "boolean"].includes(typeof field)) out[key] = field;
    else if (Array.isArray(field) || field instanceof Error) out[key] = plain(field);
  }
  return out;
}

/** Structured cloning turns a Buffer into a plain Uint8Array; nodemailer takes Buffers and strings. */
const revive = (attachments) =>
  attachments?.map((a) => (a.content instanceof Uint8Array && !Buffer.isBuffer(a.content) ? { ...a, content: Buffer.from(a.content) } : a));

parentPort.on("message", async (request) => {
  if (request.close) {
    transport.close();
    parentPort.close();
    return;
  }
  try {
    const info = await transport.sendMail({ ...request.mail, attachments: revive(request.mail.attachments) });
    parentPort.postMessage({ id: request.id, info: plain(info) });
  } catch (error) {
    parentPort.postMessage({ id: request.id, error: plain(error) });
  }
});
