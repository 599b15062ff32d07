import type { z } from "zod";

import { supportedLngs } from "~/i18n";
import { contactNameFields } from "~/lib/contact-display";
import { type ContactInput, ContactSchema, type MemberInput, MemberSchema } from "~/lib/directory-schemas";
import type { Sheet } from "~/lib/spreadsheet.server";

export type ImportKind = "members" | "contacts";

const perLanguage = (prefix: string) => supportedLngs.map((lng) => `${prefix}_${lng}`);

/** Column names of the import files, the templates and the exports (same columns both ways). */
export const COLUMNS: Record<ImportKind, string[]> = {
  members: [
    "country",
    "kind",
    "status",
    ...perLanguage("name"),
    "name_kana",
    ...perLanguage("head_title"),
    "default_locale",
    "time_zone",
    "office_email",
    "postal_address",
    "notes",
  ],
  contacts: [
    "member_country",
    "member_name_en",
    "name_locale",
    "family_name",
    "given_name",
    "patronymic",
    "clan_name",
    "latin_family_name",
    "latin_given_name",
    "gender",
    "honorific",
    ...perLanguage("position"),
    "is_head",
    "is_focal_point",
    "emails",
    "phone",
    "preferred_locale",
  ],
};

export const REQUIRED_COLUMNS: Record<ImportKind, string[]> = {
  members: ["country", "kind", "name_en", "time_zone"],
  contacts: ["member_country", "member_name_en", "name_locale", "given_name", "emails"],
};

const blank = (value: string | undefined) => (value === undefined || value === "" ? undefined : value);
const texts = (row: Record<string, string>, prefix: string) => Object.fromEntries(supportedLngs.map((lng) => [lng, blank(row[`${prefix}_${lng}`])]));

function memberShape(row: Record<string, string>) {
  return {
    country: row.country ?? "",
    kind: blank(row.kind),
    status: blank(row.status),
    names: texts(row, "name"),
    nameKana: blank(row.name_kana),
    headTitle: texts(row, "head_title"),
    defaultLocale: blank(row.default_locale),
    timeZone: row.time_zone ?? "",
    officeEmail: blank(row.office_email),
    postalAddress: blank(row.postal_address),
    notes: blank(row.notes),
  };
}

function contactShape(row: Record<string, string>) {
  return {
    nameLocale: blank(row.name_locale),
    familyName: blank(row.family_name),
    givenName: row.given_name ?? "",
    patronymic: blank(row.patronymic),
    clanName: blank(row.clan_name),
    latinFamilyName: blank(row.latin_family_name),
    latinGivenName: blank(row.latin_given_name),
    gender: blank(row.gender),
    honorific: blank(row.honorific),
    position: texts(row, "position"),
    isHead: row.is_head ?? "",
    isFocalPoint: row.is_focal_point ?? "",
    emails: row.emails ?? "",
    phone: blank(row.phone),
    preferredLocale: blank(row.preferred_locale),
  };
}

/** Which file column a schema path came from, so errors name the column the user sees. */
function columnOf(kind: ImportKind, path: PropertyKey[]): string {
  const [first, second] = path.map(String);
  const map: Record<string, string> = {
    names: `name_${second}`,
    headTitle: `head_title_${second}`,
    position: `position_${second}`,
    nameKana: "name_kana",
    defaultLocale: "default_locale",
    timeZone: "time_zone",
    officeEmail: "office_email",
    postalAddress: "postal_address",
    nameLocale: "name_locale",
    familyName: "family_name",
    givenName: "given_name",
    clanName: "clan_name",
    latinFamilyName: "latin_family_name",
    latinGivenName: "latin_given_name",
    isHead: "is_head",
    isFocalPoint: "is_focal_point",
    preferredLocale: "preferred_locale",
  };
  return map[first] ?? (first || (kind === "members" ? "name_en" : "given_name"));
}

export type RowError = { column: string; message: string };
export type CheckedRow =
  | { line: number; ok: true; key: string; member?: MemberInput; contact?: ContactInput; memberKey?: { country: string; nameEn: string } }
  | { line: number; ok: false; errors: RowError[]; label: string };

export type CheckedFile = { fileErrors: RowError[]; rows: CheckedRow[]; valid: boolean };

function issuesToErrors(kind: ImportKind, issues: z.core.$ZodIssue[]): RowError[] {
  return issues.map((issue) => ({ column: columnOf(kind, issue.path), message: issue.message }));
}

/**
 * Validates every row of an uploaded sheet with the form schemas. Nothing is written here; the caller stores
 * a batch only when every row is valid. `line` is the spreadsheet line (header = 1).
 */
export function checkSheet(kind: ImportKind, sheet: Sheet): CheckedFile {
  const missing = REQUIRED_COLUMNS[kind].filter((column) => !sheet.headers.includes(column));
  const unknown = sheet.headers.filter((h) => h && !COLUMNS[kind].includes(h));
  const fileErrors: RowError[] = [
    ...missing.map((column) => ({ column, message: "directory:import.errors.missingColumn" })),
    ...unknown.map((column) => ({ column, message: "directory:import.errors.unknownColumn" })),
  ];
  if (fileErrors.length) return { fileErrors, rows: [], valid: false };

  const seen = new Map<string, number>();
  const rows: CheckedRow[] = sheet.rows.map((row, index) => {
    const line = index + 2;
    const label =
      kind === "members" ? `${row.country ?? ""} ${row.name_en ?? ""}`.trim() : `${row.given_name ?? ""} ${row.family_name ?? ""} ${row.emails ?? ""}`.trim();
    if (kind === "members") {
      const parsed = MemberSchema.safeParse(memberShape(row));
      if (!parsed.success) return { line, ok: false, errors: issuesToErrors(kind, parsed.error.issues), label };
      const key = `${parsed.data.country}|${parsed.data.names.en.toLowerCase()}`;
      if (seen.has(key)) return { line, ok: false, label, errors: [{ column: "name_en", message: `directory:import.errors.duplicate#${seen.get(key)}` }] };
      seen.set(key, line);
      return { line, ok: true, key, member: parsed.data };
    }
    const parsed = ContactSchema.safeParse(contactShape(row));
    const memberErrors: RowError[] = [];
    const country = (row.member_country ?? "").trim().toUpperCase();
    const nameEn = (row.member_name_en ?? "").normalize("NFC").trim();
    if (!country) memberErrors.push({ column: "member_country", message: "validation.required" });
    if (!nameEn) memberErrors.push({ column: "member_name_en", message: "validation.required" });
    const errors = [...memberErrors, ...(parsed.success ? [] : issuesToErrors(kind, parsed.error.issues))];
    if (parsed.success && parsed.data.emails.length === 0) errors.push({ column: "emails", message: "directory:import.errors.emailRequired" });
    if (errors.length || !parsed.success) return { line, ok: false, errors, label };
    const key = `${country}|${nameEn.toLowerCase()}|${parsed.data.emails[0]}`;
    if (seen.has(key)) return { line, ok: false, label, errors: [{ column: "emails", message: `directory:import.errors.duplicate#${seen.get(key)}` }] };
    seen.set(key, line);
    return { line, ok: true, key, contact: parsed.data, memberKey: { country, nameEn } };
  });
  return { fileErrors, rows, valid: rows.every((r) => r.ok) };
}

/** One exported row per record, in COLUMNS order. */
export function memberToRow(m: MemberInput | (Omit<MemberInput, "names"> & { names: Record<string, string | undefined> })): string[] {
  const cells: Record<string, string> = {
    country: m.country,
    kind: m.kind,
    status: m.status,
    name_kana: m.nameKana ?? "",
    default_locale: m.defaultLocale,
    time_zone: m.timeZone,
    office_email: m.officeEmail ?? "",
    postal_address: m.postalAddress ?? "",
    notes: m.notes ?? "",
  };
  for (const lng of supportedLngs) {
    cells[`name_${lng}`] = m.names[lng] ?? "";
    cells[`head_title_${lng}`] = (m.headTitle as Record<string, string | undefined>)[lng] ?? "";
  }
  return COLUMNS.members.map((c) => cells[c] ?? "");
}

export function contactToRow(c: ContactInput, member: { country: string; nameEn: string }): string[] {
  const cells: Record<string, string> = {
    member_country: member.country,
    member_name_en: member.nameEn,
    // name_locale, family_name, given_name … : the name fields as the contact form has them
    ...Object.fromEntries(Object.entries(contactNameFields(c)).map(([field, value]) => [field.replace(/[A-Z]/g, (l) => `_${l.toLowerCase()}`), value])),
    is_head: c.isHead ? "yes" : "",
    is_focal_point: c.isFocalPoint ? "yes" : "",
    emails: c.emails.join("; "),
    phone: c.phone ?? "",
    preferred_locale: c.preferredLocale ?? "",
  };
  for (const lng of supportedLngs) cells[`position_${lng}`] = (c.position as Record<string, string | undefined>)[lng] ?? "";
  return COLUMNS.contacts.map((col) => cells[col] ?? "");
}
