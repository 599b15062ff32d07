// npm run user:create -- --email ana@example.org --role admin [--name "Ana Kim"] [--locale ko] [--password-stdin]
// Creates a staff account. The password is read from a hidden prompt, or from standard input with --password-stdin.
import { parseArgs } from "node:util";

import * as z from "zod";

import { closeDb, getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { supportedLngs } from "~/i18n";
import { hashPassword } from "~/lib/password.server";
import { EmailSchema, NewPasswordSchema, parseMessage, singleLine } from "~/lib/validation";
import { audited } from "~/models/audit.server";
import { createStaffUser, staffEmailExists } from "~/models/staff-user.server";
import { migrateToLatest } from "../../db/migrator";

const MESSAGES: Record<string, string> = {
  "validation.required": "is required",
  "validation.tooLong": "is too long (at most {{count}} characters)",
  "validation.email": "is not a valid email address",
  "validation.controlCharacters": "contains control characters",
  "validation.passwordTooShort": "must have at least {{count}} characters",
};

const ArgsSchema = z.object({
  email: EmailSchema,
  name: singleLine(100).optional(),
  role: z.enum(["admin", "staff", "visa_officer", "viewer"], { error: "must be admin, staff, visa_officer or viewer" }),
  locale: z.enum(supportedLngs, { error: `must be one of ${supportedLngs.join(", ")}` }).optional(),
});

function explain(issues: z.core.$ZodIssue[]) {
  return issues.map((issue) => {
    const { key, values } = parseMessage(issue.message);
    const text = (MESSAGES[key] ?? issue.message).replace("{{count}}", String(values.count ?? ""));
    return `  --${issue.path.join(".") || "value"} ${text}`;
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

/** A prompt that does not echo what is typed. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    if (!stdin.isTTY) return reject(new Error("No terminal to ask for the password: use --password-stdin"));
    process.stdout.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    let value = "";
    const onData = (char: string) => {
      for (const c of char) {
        if (c === "\r" || c === "\n") {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off("data", onData);
          process.stdout.write("\n");
          return resolve(value);
        }
        if (c === "\u0003") {
          stdin.setRawMode(false);
          process.stdout.write("\n");
          process.exit(130);
        }
        if (c === "\u007f") value = value.slice(0, -1);
        else value += c;
      }
    };
    stdin.on("data", onData);
  });
}

async function main() {
  const { values } = parseArgs({
    options: {
      email: { type: "string" },
      name: { type: "string" },
      role: { type: "string", default: "staff" },
      locale: { type: "string" },
      "password-stdin": { type: "boolean", default: false },
    },
  });
  const parsed = ArgsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(`Cannot create the user:\n${explain(parsed.error.issues).join("\n")}`);
    return 1;
  }
  const { email, role, locale } = parsed.data;
  const name = parsed.data.name ?? email.split("@")[0];

  let password: string;
  if (values["password-stdin"]) {
    password = await readStdin();
  } else {
    password = await promptHidden("Password: ");
    if ((await promptHidden("Repeat the password: ")) !== password) {
      console.error("The two passwords do not match.");
      return 1;
    }
  }
  const pw = NewPasswordSchema.safeParse(password);
  if (!pw.success) {
    console.error(`Cannot create the user:\n${explain(pw.error.issues).join("\n").replace("--value", "password")}`);
    return 1;
  }

  getEnv();
  const db = getDb();
  try {
    await migrateToLatest(db);
    if (await staffEmailExists(db, { email })) {
      console.error(`A staff account with the email ${email} already exists.`);
      return 1;
    }
    const passwordHash = await hashPassword(pw.data);
    const user = await audited(
      db,
      (trx) => createStaffUser(trx, { email, displayName: name, passwordHash, role, locale: locale ?? null }),
      (user) => ({ actor: { label: "command line" }, action: "staff.created", objectType: "staff_user", objectId: user.id, details: { role } }),
    );
    console.log(`Created ${role} ${user.email}.`);
    return 0;
  } finally {
    await closeDb();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`Cannot create the user: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
