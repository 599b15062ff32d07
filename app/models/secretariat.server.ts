import { sql } from "kysely";

import { type DB, inTransaction } from "~/db.server";
import type { Lng } from "~/i18n";
import { localized } from "~/lib/directory";
import type { LogoType } from "~/lib/logo.server";
import { type AuditEntry, writeAudit } from "~/models/audit.server";
import { ConflictError } from "~/models/errors";
import { compact } from "~/models/member.server";
import type { Locale, LocalizedText } from "../../db/schema";

/** The secretariat's identity (one row, id = 1), without the logo's bytes. */
export type Secretariat = {
  name: LocalizedText;
  shortName: string | null;
  address: LocalizedText;
  phone: string | null;
  website: string | null;
  senderName: string | null;
  replyTo: string | null;
  signature: LocalizedText;
  timeZone: string;
  defaultLocale: Locale;
  /** `version` goes into the logo's URL (/logo?v=…), so a new logo is never served from a cache */
  logo: { type: LogoType; version: string } | null;
  version: number;
  updatedAt: Date;
};

export type SecretariatInput = {
  name: LocalizedText & { en: string };
  shortName?: string;
  address: LocalizedText;
  phone?: string;
  website?: string;
  senderName?: string;
  replyTo?: string;
  signature: LocalizedText;
  timeZone: string;
  defaultLocale: Locale;
};

type Actor = AuditEntry["actor"];

const EMPTY: Secretariat = {
  name: {},
  shortName: null,
  address: {},
  phone: null,
  website: null,
  senderName: null,
  replyTo: null,
  signature: {},
  timeZone: "Asia/Seoul",
  defaultLocale: "en",
  logo: null,
  version: 1,
  updatedAt: new Date(0),
};

const logoVersion = (at: Date | string) => new Date(at).getTime().toString(36);

/** The zone staff pages write the times of logs and accounts in (Settings → Identity → Default time zone). */
export async function getStaffTimeZone(db: DB): Promise<string> {
  const row = await db.selectFrom("secretariat").select("time_zone").where("id", "=", 1).executeTakeFirst();
  return row?.time_zone ?? EMPTY.timeZone;
}

export async function getSecretariat(db: DB): Promise<Secretariat> {
  const row = await db
    .selectFrom("secretariat")
    .select([
      "name",
      "short_name",
      "address",
      "phone",
      "website",
      "sender_name",
      "reply_to",
      "signature",
      "time_zone",
      "default_locale",
      "logo_type",
      "logo_updated_at",
      "version",
      "updated_at",
    ])
    .where("id", "=", 1)
    .executeTakeFirst();
  // The migration inserts the row; a database restored from elsewhere without it still shows a working app.
  if (!row) return EMPTY;
  return {
    name: row.name,
    shortName: row.short_name,
    address: row.address,
    phone: row.phone,
    website: row.website,
    senderName: row.sender_name,
    replyTo: row.reply_to,
    signature: row.signature,
    timeZone: row.time_zone,
    defaultLocale: row.default_locale,
    logo: row.logo_type && row.logo_updated_at ? { type: row.logo_type, version: logoVersion(row.logo_updated_at) } : null,
    version: row.version,
    updatedAt: row.updated_at,
  };
}

function toColumns(input: SecretariatInput) {
  return {
    name: JSON.stringify(compact(input.name)),
    short_name: input.shortName || null,
    address: JSON.stringify(compact(input.address)),
    phone: input.phone || null,
    website: input.website || null,
    sender_name: input.senderName || null,
    reply_to: input.replyTo || null,
    signature: JSON.stringify(compact(input.signature)),
    time_zone: input.timeZone,
    default_locale: input.defaultLocale,
  };
}

/** Which fields a save changes (the audit row names them; the values are in the identity itself). */
function changedFields(before: Secretariat, input: SecretariatInput) {
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const pairs: [string, unknown, unknown][] = [
    ["name", before.name, compact(input.name)],
    ["shortName", before.shortName, input.shortName || null],
    ["address", before.address, compact(input.address)],
    ["phone", before.phone, input.phone || null],
    ["website", before.website, input.website || null],
    ["senderName", before.senderName, input.senderName || null],
    ["replyTo", before.replyTo, input.replyTo || null],
    ["signature", before.signature, compact(input.signature)],
    ["timeZone", before.timeZone, input.timeZone],
    ["defaultLocale", before.defaultLocale, input.defaultLocale],
  ];
  const sortKeys = (value: unknown) =>
    value && typeof value === "object" ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))) : value;
  return pairs.filter(([, a, b]) => !same(sortKeys(a), sortKeys(b))).map(([field]) => field);
}

/**
 * Saves the identity if nobody saved it since `version` was read (else ConflictError, nothing written), and
 * audits the change in the same transaction. Returns the new version.
 */
export async function updateSecretariat(
  db: DB,
  { version, input, actor, ip }: { version: number; input: SecretariatInput; actor: Actor & { id: string }; ip?: string },
) {
  return inTransaction(db, async (trx) => {
    const before = await getSecretariat(trx);
    const row = await trx
      .updateTable("secretariat")
      .set((eb) => ({ ...toColumns(input), version: eb("version", "+", 1), updated_by: actor.id, updated_at: sql`now()` }))
      .where("id", "=", 1)
      .where("version", "=", version)
      .returning(["version"])
      .executeTakeFirst();
    if (!row) throw new ConflictError("secretariat");
    await writeAudit(trx, {
      actor,
      action: "settings.identity_updated",
      objectType: "secretariat",
      objectId: "1",
      ip,
      details: { fields: changedFields(before, input), version: row.version },
    });
    return row.version;
  });
}

export async function setLogo(
  db: DB,
  {
    version,
    data,
    type,
    width,
    height,
    actor,
    ip,
  }: { version: number; data: Buffer; type: LogoType; width?: number | null; height?: number | null; actor: Actor & { id: string }; ip?: string },
) {
  return inTransaction(db, async (trx) => {
    const row = await trx
      .updateTable("secretariat")
      .set((eb) => ({
        logo: data,
        logo_type: type,
        logo_updated_at: sql`clock_timestamp()`,
        version: eb("version", "+", 1),
        updated_by: actor.id,
        updated_at: sql`now()`,
      }))
      .where("id", "=", 1)
      .where("version", "=", version)
      .returning(["version"])
      .executeTakeFirst();
    if (!row) throw new ConflictError("secretariat");
    await writeAudit(trx, {
      actor,
      action: "settings.logo_updated",
      objectType: "secretariat",
      objectId: "1",
      ip,
      details: { type, bytes: data.length, width: width ?? null, height: height ?? null, version: row.version },
    });
    return row.version;
  });
}

export async function removeLogo(db: DB, { version, actor, ip }: { version: number; actor: Actor & { id: string }; ip?: string }) {
  return inTransaction(db, async (trx) => {
    const row = await trx
      .updateTable("secretariat")
      .set((eb) => ({ logo: null, logo_type: null, logo_updated_at: null, version: eb("version", "+", 1), updated_by: actor.id, updated_at: sql`now()` }))
      .where("id", "=", 1)
      .where("version", "=", version)
      .returning(["version"])
      .executeTakeFirst();
    if (!row) throw new ConflictError("secretariat");
    await writeAudit(trx, { actor, action: "settings.logo_removed", objectType: "secretariat", objectId: "1", ip, details: { version: row.version } });
    return row.version;
  });
}

/** The logo's bytes for /logo and for PDFs. */
export async function getLogo(db: DB): Promise<{ data: Buffer; type: LogoType; version: string } | undefined> {
  const row = await db.selectFrom("secretariat").select(["logo", "logo_type", "logo_updated_at"]).where("id", "=", 1).executeTakeFirst();
  if (!row?.logo || !row.logo_type || !row.logo_updated_at) return undefined;
  // PGlite returns bytea as a Uint8Array, pg as a Buffer
  const bytes = row.logo as Uint8Array;
  return { data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), type: row.logo_type, version: logoVersion(row.logo_updated_at) };
}

export type Letterhead = {
  name: string;
  shortName: string;
  address: string;
  phone: string;
  website: string;
  signature: string;
  logo?: { data: Buffer; type: LogoType };
};

/** The identity in one language (falling back to English) for letters and PDFs, with the logo's bytes. */
export async function letterhead(db: DB, lang: Lng): Promise<Letterhead> {
  const [identity, logo] = await Promise.all([getSecretariat(db), getLogo(db)]);
  return {
    name: localized(identity.name, lang),
    shortName: identity.shortName ?? "",
    address: localized(identity.address, lang),
    phone: identity.phone ?? "",
    website: identity.website ?? "",
    signature: localized(identity.signature, lang),
    ...(logo ? { logo: { data: logo.data, type: logo.type } } : {}),
  };
}

/** What the page header shows: the short name (or the name in the UI language) and the logo's URL. */
export async function getBrand(db: DB, locale: Lng): Promise<{ name: string | null; fullName: string | null; logoUrl: string | null }> {
  const identity = await getSecretariat(db);
  const fullName = localized(identity.name, locale) || null;
  return { name: identity.shortName || fullName, fullName, logoUrl: identity.logo ? `/logo?v=${identity.logo.version}` : null };
}

/** The display name and Reply-To of outgoing mail (the sender's address always comes from MAIL_FROM). */
export async function getMailSender(db: DB): Promise<{ senderName: string | null; replyTo: string | null }> {
  const row = await db.selectFrom("secretariat").select(["sender_name", "reply_to"]).where("id", "=", 1).executeTakeFirst();
  return { senderName: row?.sender_name ?? null, replyTo: row?.reply_to ?? null };
}

/** Demo data: fills the identity only while it has never been set (no name yet). Returns whether it did. */
export async function fillIdentityIfEmpty(db: DB, input: SecretariatInput): Promise<boolean> {
  const result = await db
    .updateTable("secretariat")
    .set((eb) => ({ ...toColumns(input), version: eb("version", "+", 1), updated_at: sql`now()` }))
    .where("id", "=", 1)
    .where(sql<boolean>`name = '{}'::jsonb`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
