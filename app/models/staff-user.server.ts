import { type Locale, type StaffRole } from "../../db/schema";
import { type DB } from "~/db.server";

export type StaffUser = {
  id: string;
  email: string;
  displayName: string;
  role: StaffRole;
  locale: Locale | null;
};

const PUBLIC_COLUMNS = ["id", "email", "display_name as displayName", "role", "locale"] as const;

export function normalizeEmail(email: string) {
  return email.trim().normalize("NFC").toLowerCase();
}

export function getStaffUserById(db: DB, { id }: { id: string }) {
  return db
    .selectFrom("staff_user")
    .select(PUBLIC_COLUMNS)
    .where("id", "=", id)
    .where("disabled_at", "is", null)
    .executeTakeFirst() as Promise<StaffUser | undefined>;
}

/** For sign-in only: the one query that reads password_hash. */
export function getStaffUserForSignIn(db: DB, { email }: { email: string }) {
  return db
    .selectFrom("staff_user")
    .select([...PUBLIC_COLUMNS, "password_hash as passwordHash", "disabled_at as disabledAt"])
    .where("email", "=", normalizeEmail(email))
    .executeTakeFirst();
}

export async function createStaffUser(
  db: DB,
  input: { email: string; displayName: string; passwordHash: string; role: StaffRole; locale?: Locale | null },
): Promise<StaffUser> {
  return (await db
    .insertInto("staff_user")
    .values({
      email: normalizeEmail(input.email),
      display_name: input.displayName,
      password_hash: input.passwordHash,
      role: input.role,
      locale: input.locale ?? null,
    })
    .returning(PUBLIC_COLUMNS)
    .executeTakeFirstOrThrow()) as StaffUser;
}

export async function staffEmailExists(db: DB, { email }: { email: string }) {
  const row = await db
    .selectFrom("staff_user")
    .select("id")
    .where("email", "=", normalizeEmail(email))
    .executeTakeFirst();
  return Boolean(row);
}

export async function hasActiveAdmin(db: DB) {
  const row = await db
    .selectFrom("staff_user")
    .select("id")
    .where("role", "=", "admin")
    .where("disabled_at", "is", null)
    .limit(1)
    .executeTakeFirst();
  return Boolean(row);
}

export async function recordSignIn(db: DB, { id, passwordHash }: { id: string; passwordHash?: string }) {
  await db
    .updateTable("staff_user")
    .set((eb) => ({
      last_sign_in_at: eb.fn("now"),
      ...(passwordHash ? { password_hash: passwordHash, updated_at: eb.fn("now") } : {}),
    }))
    .where("id", "=", id)
    .execute();
}

export async function setStaffUserLocale(db: DB, { id, locale }: { id: string; locale: Locale }) {
  await db
    .updateTable("staff_user")
    .set((eb) => ({ locale, updated_at: eb.fn("now") }))
    .where("id", "=", id)
    .execute();
}
