import type { ColumnType, Generated } from "kysely";

/**
 * The database as the application sees it. Hand-written and changed in the same commit as each migration;
 * tests/integration/schema.test.ts compares it with the migrated database.
 */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type Locale = "en" | "ko" | "zh" | "ja" | "ru" | "mn";
export type StaffRole = "admin" | "staff" | "viewer";

export interface StaffUserTable {
  id: Generated<string>;
  email: string;
  display_name: string;
  password_hash: string;
  role: StaffRole;
  locale: Locale | null;
  disabled_at: Timestamp | null;
  last_sign_in_at: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface StaffSessionTable {
  id_hash: string;
  user_id: string;
  created_at: DefaultTimestamp;
  last_seen_at: DefaultTimestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface SetupTokenTable {
  token_hash: string;
  created_at: DefaultTimestamp;
}

export interface RateLimitTable {
  key: string;
  hits: number;
  window_started_at: Timestamp;
}

export interface AuditLogTable {
  id: ColumnType<string, never, never>;
  at: DefaultTimestamp;
  actor_id: string | null;
  actor_label: string;
  action: string;
  object_type: string | null;
  object_id: string | null;
  ip: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
}

export interface Database {
  staff_user: StaffUserTable;
  staff_session: StaffSessionTable;
  setup_token: SetupTokenTable;
  rate_limit: RateLimitTable;
  audit_log: AuditLogTable;
}
