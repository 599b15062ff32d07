import { sql } from "kysely";

import type { DB } from "~/db.server";
import type { ApiScope } from "~/lib/api";

export type ApiTokenRow = {
  id: string;
  name: string;
  scopes: ApiScope[];
  createdAt: Date;
  createdBy: string;
  createdByLabel: string;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
};

/** Stores a new token by its digest (the caller shows the token itself once, then forgets it). */
export async function createApiToken(
  db: DB,
  { name, tokenHash, scopes, createdBy, days }: { name: string; tokenHash: string; scopes: ApiScope[]; createdBy: string; days: number },
) {
  return db
    .insertInto("api_token")
    .values({ name, token_hash: tokenHash, scopes, created_by: createdBy, expires_at: sql`now() + make_interval(days => ${days})` })
    .returning(["id", "expires_at as expiresAt"])
    .executeTakeFirstOrThrow();
}

/** Every token, newest first, revoked and expired ones included (their last use stays visible). */
export async function listApiTokens(db: DB): Promise<ApiTokenRow[]> {
  return (await db
    .selectFrom("api_token as t")
    .innerJoin("staff_user as u", "u.id", "t.created_by")
    .select([
      "t.id",
      "t.name",
      "t.scopes",
      "t.created_at as createdAt",
      "t.created_by as createdBy",
      "u.email as createdByLabel",
      "t.expires_at as expiresAt",
      "t.revoked_at as revokedAt",
      "t.last_used_at as lastUsedAt",
      "t.last_used_ip as lastUsedIp",
    ])
    .orderBy("t.created_at", "desc")
    .orderBy("t.id")
    .execute()) as ApiTokenRow[];
}

/** Revokes a token at once; revoking twice changes nothing (returns undefined the second time). */
export async function revokeApiToken(db: DB, { id, by }: { id: string; by: string }) {
  return db
    .updateTable("api_token")
    .set({ revoked_at: sql`now()`, revoked_by: by })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .returning(["id", "name"])
    .executeTakeFirst();
}

export type ApiCaller = { id: string; name: string; scopes: ApiScope[]; createdBy: string; createdByEmail: string; lastUsedAt: Date | null };

/**
 * The live token with this digest: not revoked, not expired, and made by an account that is still active (a
 * disabled administrator's tokens stop with them).
 */
export async function findUsableApiToken(db: DB, { tokenHash }: { tokenHash: string }): Promise<ApiCaller | undefined> {
  return (await db
    .selectFrom("api_token as t")
    .innerJoin("staff_user as u", "u.id", "t.created_by")
    .select(["t.id", "t.name", "t.scopes", "t.created_by as createdBy", "u.email as createdByEmail", "t.last_used_at as lastUsedAt"])
    .where("t.token_hash", "=", tokenHash)
    .where("t.revoked_at", "is", null)
    .where("t.expires_at", ">", sql<Date>`now()`)
    .where("u.disabled_at", "is", null)
    .executeTakeFirst()) as ApiCaller | undefined;
}

/** Records a use, at most once a minute per token (a busy client does not write on every request). */
export async function touchApiToken(db: DB, { id, ip }: { id: string; ip: string }) {
  await db
    .updateTable("api_token")
    .set({ last_used_at: sql`now()`, last_used_ip: ip })
    .where("id", "=", id)
    .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", sql<Date>`now() - interval '1 minute'`)]))
    .execute();
}
