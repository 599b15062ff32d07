import { sql } from "kysely";

import { type DB, inTransaction } from "~/db.server";
import { createToken, hashToken, isWellFormedToken } from "~/lib/tokens.server";
import { writeAudit } from "~/models/audit.server";
import { createStaffUser, hasActiveAdmin, type StaffUser } from "~/models/staff-user.server";
import type { Locale } from "../../db/schema";

/**
 * First run: while no admin exists each start adds a setup token (printed to the console only).
 * Every token stays valid until the first admin is created; then all are deleted.
 */
export async function issueSetupTokenIfNoAdmin(db: DB): Promise<string | undefined> {
  if (await hasActiveAdmin(db)) return undefined;
  const token = createToken();
  await db
    .insertInto("setup_token")
    .values({ token_hash: hashToken(token) })
    .execute();
  return token;
}

export async function isSetupTokenValid(db: DB, { token }: { token: string }) {
  if (!isWellFormedToken(token)) return false;
  const row = await db.selectFrom("setup_token").select("token_hash").where("token_hash", "=", hashToken(token)).executeTakeFirst();
  return Boolean(row) && !(await hasActiveAdmin(db));
}

export class SetupTokenInvalidError extends Error {}

/** Creates the first admin with a setup token, atomically: two clicks or two tokens never make two admins. */
export async function createFirstAdmin(
  db: DB,
  input: { token: string; email: string; displayName: string; passwordHash: string; locale: Locale; ip?: string },
): Promise<StaffUser> {
  return inTransaction(db, async (trx) => {
    await sql`select pg_advisory_xact_lock(4242001)`.execute(trx);
    const row = isWellFormedToken(input.token)
      ? await trx.selectFrom("setup_token").select("token_hash").where("token_hash", "=", hashToken(input.token)).executeTakeFirst()
      : undefined;
    if (!row || (await hasActiveAdmin(trx))) throw new SetupTokenInvalidError();
    const user = await createStaffUser(trx, { ...input, role: "admin" });
    await trx.deleteFrom("setup_token").execute();
    await writeAudit(trx, {
      actor: { id: user.id, email: user.email },
      action: "staff.first_admin_created",
      objectType: "staff_user",
      objectId: user.id,
      ip: input.ip,
    });
    return user;
  });
}
