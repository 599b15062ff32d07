import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import type { Env } from "~/env.server";
import { parseMailFrom } from "~/mail/transport.server";

export type DkimSettings = { domainName: string; keySelector: string; privateKey: string; publicKey: string };

/**
 * DKIM signing (issue 16 §6) when MAIL_DKIM=on. The private key comes from MAIL_DKIM_PRIVATE_KEY (the PEM text,
 * with "\n" allowed for line breaks, or the path of a PEM file) or is generated once in the data directory
 * (`dkim-<selector>.pem`, mode 0600; processes on one host share it). publicKey is the base64 value of the DNS
 * record's p= tag.
 */
export function dkimSettings(env: Env): DkimSettings | null {
  if (env.MAIL_DKIM !== "on") return null;
  // read (and derived) once per process and settings: Settings → System asks on every page load
  const cacheKey = [env.DATA_DIR, env.MAIL_DKIM_SELECTOR, env.MAIL_DKIM_DOMAIN ?? "", env.MAIL_FROM, env.MAIL_DKIM_PRIVATE_KEY ?? ""].join("\n");
  const cached = settingsCache.get(cacheKey);
  if (cached) return cached;
  const settings = loadSettings(env);
  settingsCache.set(cacheKey, settings);
  return settings;
}

const settingsCache = new Map<string, DkimSettings>();

function loadSettings(env: Env): DkimSettings {
  const domainName = (env.MAIL_DKIM_DOMAIN ?? parseMailFrom(env.MAIL_FROM).address.split("@")[1] ?? "").toLowerCase();
  const privateKey = readKey(env);
  const publicKey = crypto.createPublicKey(privateKey).export({ type: "spki", format: "der" }).toString("base64");
  return { domainName, keySelector: env.MAIL_DKIM_SELECTOR, privateKey, publicKey };
}

function readKey(env: Env): string {
  const configured = env.MAIL_DKIM_PRIVATE_KEY?.trim();
  if (configured) {
    const pem = configured.startsWith("-----BEGIN") ? configured.replace(/\\n/g, "\n") : fs.readFileSync(configured, "utf8");
    // fails early, with the parser's reason, on a key that is not a private key
    crypto.createPrivateKey(pem);
    return pem;
  }
  const file = path.join(env.DATA_DIR, `dkim-${env.MAIL_DKIM_SELECTOR}.pem`);
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  fs.mkdirSync(env.DATA_DIR, { recursive: true });
  try {
    fs.writeFileSync(file, pem, { mode: 0o600, flag: "wx" });
    return pem;
  } catch (error) {
    // another process wrote it first: use theirs
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return fs.readFileSync(file, "utf8");
    throw error;
  }
}

/** The DNS records to publish for the sending domain (shown on Settings → System). */
export function dnsAdvice(env: Env, dkim: DkimSettings | null) {
  const domain = dkim?.domainName ?? (parseMailFrom(env.MAIL_FROM).address.split("@")[1] ?? "").toLowerCase();
  const report = env.MAIL_RETURN_PATH ?? parseMailFrom(env.MAIL_FROM).address;
  return {
    domain,
    spf: { name: domain, value: "v=spf1 include:<your relay's SPF domain> -all" },
    dkim: dkim ? { name: `${dkim.keySelector}._domainkey.${domain}`, value: `v=DKIM1; k=rsa; p=${dkim.publicKey}` } : null,
    dmarc: { name: `_dmarc.${domain}`, value: `v=DMARC1; p=none; rua=mailto:${report}; adkim=r; aspf=r` },
  };
}
