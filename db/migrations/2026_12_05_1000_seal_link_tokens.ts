import { type Kysely, sql } from "kysely";

/**
 * Issue 13 §3: nothing at rest opens a door. Link tokens get a sealed copy (AES-256-GCM under
 * DATA_ENCRYPTION_KEY, which never is in the database) so that reminders can carry the same link without a key
 * derived from SESSION_SECRET; a message stores its link masked (`__plenary_link__`) and, for set-password
 * mails, the sealed token the worker puts back in at send time. Stored bodies are scrubbed of working links.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("invitation_token").addColumn("token_sealed", "text").execute();
  await db.schema.alterTable("email_message").addColumn("link_sealed", "text").execute();
  for (const column of ["html", "text_body"]) {
    await sql`
      update email_message
         set ${sql.ref(column)} = regexp_replace(${sql.ref(column)}, '/(r|account/password|setup)/[A-Za-z0-9_-]{43}', '/\\1/__plenary_link__', 'g')
       where ${sql.ref(column)} ~ '/(r|account/password|setup)/[A-Za-z0-9_-]{43}'
    `.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("email_message").dropColumn("link_sealed").execute();
  await db.schema.alterTable("invitation_token").dropColumn("token_sealed").execute();
}
