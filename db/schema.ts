import type { ColumnType, Generated } from "kysely";

/**
 * The database as the application sees it. Hand-written and changed in the same commit as each migration;
 * tests/integration/schema.test.ts compares it with the migrated database.
 */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type Locale = "en" | "ko" | "zh" | "ja" | "ru" | "mn";
/** visa_officer: staff who may also reveal passport data and download visa letters (as admins may). */
export const STAFF_ROLES = ["admin", "staff", "visa_officer", "viewer"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffUserTable {
  id: Generated<string>;
  email: string;
  display_name: string;
  /** null until an invited colleague sets a password through their link */
  password_hash: string | null;
  role: StaffRole;
  locale: Locale | null;
  disabled_at: Timestamp | null;
  last_sign_in_at: Timestamp | null;
  invited_at: Timestamp | null;
  invited_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  /** the last sign-in through single sign-on (an account without a password that has one is not "invited") */
  last_sso_sign_in_at: Timestamp | null;
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

/**
 * Sign-in throttling: a row per (address, client) pair that failed or waits, and per client (address '') its
 * failed attempts across addresses. `unreported`: refused attempts not yet summarised in the audit log.
 */
export interface SignInThrottleTable {
  address: string;
  client: string;
  started_at: Timestamp;
  failures: ColumnType<number, number | undefined, number>;
  refused: ColumnType<number, number | undefined, number>;
  unreported: ColumnType<number, number | undefined, number>;
  last_failure_at: Timestamp | null;
  blocked_until: Timestamp | null;
  reported_at: Timestamp | null;
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

/** Text per language; `en` is required where the column's check says so. */
export type LocalizedText = Partial<Record<Locale, string>>;
type Json<T> = ColumnType<T, string, string>;
/** A JSON column with a database default: optional on insert. */
type JsonWithDefault<T> = ColumnType<T, string | undefined, string>;

export const MEMBER_KINDS = [
  "province",
  "prefecture",
  "metropolitan_city",
  "special_city",
  "special_self_governing_province",
  "special_self_governing_city",
  "autonomous_region",
  "krai",
  "oblast",
  "republic",
  "aimag",
  "capital_city",
  "other",
] as const;
export type MemberKind = (typeof MEMBER_KINDS)[number];
export const MEMBER_STATUSES = ["member", "associate", "observer", "applicant"] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];
/** Issue 18 §3: the kinds of non-member invitees (a member row with a guest kind is a guest, not a member). */
export const GUEST_KINDS = ["organisation", "partner_city", "observer", "expert", "press"] as const;
export type GuestKind = (typeof GUEST_KINDS)[number];
/** The participant categories a guest invitation may fix for the people it registers. */
export const GUEST_CATEGORIES = ["observer", "press", "guest", "delegate"] as const;
export type GuestCategory = (typeof GUEST_CATEGORIES)[number];
export type Gender = "female" | "male";
export type Honorific = "mr" | "ms" | "dr" | "prof" | "excellency";

export interface MemberTable {
  id: Generated<string>;
  country: string;
  kind: MemberKind;
  status: ColumnType<MemberStatus, MemberStatus | undefined, MemberStatus>;
  names: Json<LocalizedText>;
  name_kana: string | null;
  head_title: JsonWithDefault<LocalizedText>;
  default_locale: ColumnType<Locale, Locale | undefined, Locale>;
  time_zone: string;
  office_email: string | null;
  postal_address: string | null;
  notes: string | null;
  is_demo: ColumnType<boolean, boolean | undefined, boolean>;
  archived_at: Timestamp | null;
  version: ColumnType<number, number | undefined, number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  /** null: a member government; set: a guest (issue 18 §3), listed on the Guests page only */
  guest_kind: ColumnType<GuestKind | null, GuestKind | null | undefined, GuestKind | null>;
}

export interface ContactTable {
  id: Generated<string>;
  member_id: string;
  name_locale: Locale;
  family_name: string | null;
  given_name: string;
  patronymic: string | null;
  clan_name: string | null;
  latin_family_name: string | null;
  latin_given_name: string | null;
  gender: Gender | null;
  honorific: Honorific | null;
  position: JsonWithDefault<LocalizedText>;
  is_head: ColumnType<boolean, boolean | undefined, boolean>;
  is_focal_point: ColumnType<boolean, boolean | undefined, boolean>;
  emails: ColumnType<string[], string[] | undefined, string[]>;
  phone: string | null;
  preferred_locale: Locale | null;
  is_demo: ColumnType<boolean, boolean | undefined, boolean>;
  version: ColumnType<number, number | undefined, number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface SubcommitteeTable {
  id: Generated<string>;
  number: number | null;
  names: Json<LocalizedText>;
  archived_at: Timestamp | null;
  version: ColumnType<number, number | undefined, number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface SubcommitteeMemberTable {
  subcommittee_id: string;
  member_id: string;
  is_coordinator: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface ImportBatchTable {
  id: Generated<string>;
  kind: "members" | "contacts";
  file_name: string;
  rows: Json<unknown[]>;
  row_count: number;
  created_by: string;
  created_at: DefaultTimestamp;
  applied_at: Timestamp | null;
}

export const EVENT_KINDS = ["general_assembly", "working_committee", "subcommittee_meeting", "forum", "workshop", "other"] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
export const EVENT_STATUSES = ["draft", "open", "closed", "archived", "cancelled"] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];
export const EVENT_FORMATS = ["in_person", "online", "hybrid"] as const;
export type EventFormat = (typeof EVENT_FORMATS)[number];
export const PARTICIPANT_CATEGORIES = ["delegate", "observer", "press", "guest", "staff"] as const;
export type ParticipantCategory = (typeof PARTICIPANT_CATEGORIES)[number];
export const PROGRAMME_KINDS = ["plenary", "subcommittee_session", "signing_ceremony", "welcome_dinner", "field_trip", "other"] as const;
export type ProgrammeKind = (typeof PROGRAMME_KINDS)[number];

/** How the List of Participants orders countries and members (DOMAIN.md §3); empty = English alphabetical. */
export type ProtocolOrder = {
  countryOrder?: string[];
  memberOrder?: string[];
  chairMemberId?: string | null;
  chairFirst?: boolean;
  hostFirst?: boolean;
};
/** The event-specific wording of visa support letters, in English and the host country's language. */
export type VisaLetterText = {
  inviter?: LocalizedText;
  purpose?: LocalizedText;
  costs?: LocalizedText;
  accommodation?: LocalizedText;
  signatory?: LocalizedText;
};

export interface EventTable {
  id: Generated<string>;
  kind: EventKind;
  subcommittee_id: string | null;
  host_member_id: string | null;
  title: Json<LocalizedText>;
  description: JsonWithDefault<LocalizedText>;
  venue: JsonWithDefault<LocalizedText>;
  starts_at: Timestamp;
  ends_at: Timestamp;
  time_zone: string;
  format: ColumnType<EventFormat, EventFormat | undefined, EventFormat>;
  meeting_url: string | null;
  rsvp_deadline: Timestamp | null;
  delegation_quota: ColumnType<number, number | undefined, number>;
  auto_reminder_days: ColumnType<number[], number[] | undefined, number[]>;
  passport_countries: ColumnType<string[], string[] | undefined, string[]>;
  passport_retention_days: ColumnType<number, number | undefined, number>;
  categories: ColumnType<ParticipantCategory[], ParticipantCategory[] | undefined, ParticipantCategory[]>;
  /** issue 18 §7: delegates of these categories wait for staff approval */
  approval_categories: ColumnType<ParticipantCategory[], ParticipantCategory[] | undefined, ParticipantCategory[]>;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  protocol: JsonWithDefault<ProtocolOrder>;
  visa_letter: JsonWithDefault<VisaLetterText>;
  status: ColumnType<EventStatus, EventStatus | undefined, EventStatus>;
  cancel_reason: string | null;
  /** when the retention run last anonymised this event's personal data */
  personal_data_anonymised_at: Timestamp | null;
  is_demo: ColumnType<boolean, boolean | undefined, boolean>;
  version: ColumnType<number, number | undefined, number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface ProgrammeItemTable {
  id: Generated<string>;
  event_id: string;
  kind: ProgrammeKind;
  starts_at: Timestamp;
  ends_at: Timestamp;
  title: Json<LocalizedText>;
  description: JsonWithDefault<LocalizedText>;
  place: JsonWithDefault<LocalizedText>;
  attendance_asked: ColumnType<boolean, boolean | undefined, boolean>;
  capacity: number | null;
  version: ColumnType<number, number | undefined, number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export const INVITATION_RESPONSES = ["pending", "attending", "declining", "representative", "undecided"] as const;
export type InvitationResponse = (typeof INVITATION_RESPONSES)[number];
export const LETTER_KINDS = ["invitation", "reminder", "update", "cancellation"] as const;
export type LetterKind = (typeof LETTER_KINDS)[number];
export const MESSAGE_STATUSES = ["queued", "sending", "sent", "deferred", "bounced", "suppressed", "failed", "local", "cancelled"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
export type Address = { name?: string; address: string };
/** What became of one recipient of a message (issue 16 §3). */
export const RECIPIENT_STATES = ["pending", "accepted", "deferred", "refused", "bounced", "suppressed", "failed"] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];
export type RecipientOutcome = { address: string; name?: string; field: "to" | "cc"; state: RecipientState; reply?: string | null; at?: string | null };

export interface InvitationTable {
  id: Generated<string>;
  event_id: string;
  member_id: string;
  letter_locale: Locale;
  response: ColumnType<InvitationResponse, InvitationResponse | undefined, InvitationResponse>;
  revision: ColumnType<number, number | undefined, number>;
  answered_at: Timestamp | null;
  decline_reason: string | null;
  changed_at: Timestamp | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  /** a guest's invitation: the category of the people it registers (null: a member's, "delegate") */
  guest_category: ColumnType<GuestCategory | null, GuestCategory | null | undefined, GuestCategory | null>;
  /** one person answers (no delegation, no representative) */
  single_person: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface InvitationTokenTable {
  token_hash: string;
  invitation_id: string;
  version: number;
  created_at: DefaultTimestamp;
  revoked_at: Timestamp | null;
  /** the token sealed under DATA_ENCRYPTION_KEY, so reminders carry the same link (null: issued before 2026-12-05) */
  token_sealed: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface LetterTable {
  id: Generated<string>;
  event_id: string;
  kind: LetterKind;
  locale: Locale;
  subject: string;
  body: string;
  version: ColumnType<number, number | undefined, number>;
  updated_by: string | null;
  updated_at: DefaultTimestamp;
}

export interface EmailMessageTable {
  id: Generated<string>;
  idempotency_key: string;
  message_id: string;
  kind: string;
  locale: Locale;
  event_id: string | null;
  invitation_id: string | null;
  to_addresses: Json<Address[]>;
  cc_addresses: JsonWithDefault<Address[]>;
  subject: string;
  html: string;
  text_body: string;
  ics: string | null;
  ics_name: string | null;
  /** a set-password token sealed under DATA_ENCRYPTION_KEY; the stored body holds the link masked */
  link_sealed: ColumnType<string | null, string | null | undefined, string | null>;
  status: ColumnType<MessageStatus, MessageStatus | undefined, MessageStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: DefaultTimestamp;
  give_up_at: Timestamp | null;
  lease_until: Timestamp | null;
  leased_by: string | null;
  last_reply: string | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  sent_at: Timestamp | null;
  /** per-recipient outcomes; empty until the first attempt */
  recipients: JsonWithDefault<RecipientOutcome[]>;
  first_attempt_at: Timestamp | null;
  /** a To address was refused, bounced or suppressed (a Cc may still have been accepted) */
  to_undelivered: ColumnType<boolean, boolean | undefined, boolean>;
  /** the Settings test message: sent while the queue is paused, and its success resumes the queue */
  bypass_pause: ColumnType<boolean, boolean | undefined, boolean>;
  bounced_at: Timestamp | null;
  /** images the HTML shows by content id (cid:…), e.g. the QR code of an e-badge (issue 18 §5) */
  inline_images: JsonWithDefault<InlineImage[]>;
}

/** An image sent with a message and shown in its HTML as `cid:<cid>`; content is base64. */
export type InlineImage = { cid: string; filename: string; contentType: string; content: string };

export interface MailQueueStateTable {
  id: number;
  paused_at: Timestamp | null;
  pause_reason: string | null;
  heartbeat_at: Timestamp | null;
  pause_kind: "configuration" | "rate" | null;
  /** a rate pause ends by itself at this time */
  resume_at: Timestamp | null;
  /** hash of the SMTP settings the configuration pause was taken under */
  pause_fingerprint: string | null;
  /** MAIL_RATE_PER_MINUTE across processes: the earliest time the next message may leave */
  rate_next_at: Timestamp | null;
}

export const SUPPRESSION_REASONS = ["refused", "bounced", "manual"] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];
export interface MailSuppressionTable {
  address: string;
  reason: SuppressionReason;
  reply: string | null;
  email_message_id: string | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
}

export const INBOUND_KINDS = ["bounce", "delay", "auto_reply", "reply", "other"] as const;
export type InboundKind = (typeof INBOUND_KINDS)[number];
export interface InboundMailTable {
  id: Generated<string>;
  kind: InboundKind;
  how: string;
  email_message_id: string | null;
  invitation_id: string | null;
  event_id: string | null;
  message_id: string | null;
  from_name: string | null;
  from_address: string | null;
  subject: string;
  body: string;
  details: JsonWithDefault<Record<string, unknown>>;
  received_at: DefaultTimestamp;
}

export const DELEGATE_ROLES = ["head", "deputy", "official", "interpreter", "staff", "accompanying"] as const;
export type DelegateRole = (typeof DELEGATE_ROLES)[number];
export const DIETARY_TAGS = ["halal", "kosher", "vegetarian", "vegan", "no_pork", "no_beef", "no_alcohol", "gluten_free", "allergies"] as const;
export type DietaryTag = (typeof DIETARY_TAGS)[number];

export interface DelegateTable {
  id: Generated<string>;
  invitation_id: string;
  position: number;
  role: DelegateRole;
  name_locale: Locale;
  family_name: string | null;
  given_name: string;
  patronymic: string | null;
  clan_name: string | null;
  latin_family_name: string | null;
  latin_given_name: string | null;
  gender: Gender | null;
  honorific: Honorific | null;
  title: string | null;
  email: string | null;
  phone: string | null;
  dietary: ColumnType<DietaryTag[], DietaryTag[] | undefined, DietaryTag[]>;
  dietary_note: string | null;
  accessibility: string | null;
  interpretation_locale: Locale | null;
  arrival_at: string | null;
  arrival_transport: string | null;
  arrival_place: string | null;
  departure_at: string | null;
  departure_transport: string | null;
  departure_place: string | null;
  hotel: string | null;
  programme_item_ids: ColumnType<string[], string[] | undefined, string[]>;
  needs_visa_letter: ColumnType<boolean, boolean | undefined, boolean>;
  passport_name: string | null;
  nationality: string | null;
  passport_expiry: string | null;
  passport_number_enc: string | null;
  birth_date_enc: string | null;
  consent_at: Timestamp | null;
  notice_version: string | null;
  category: ColumnType<ParticipantCategory, ParticipantCategory | undefined, ParticipantCategory>;
  check_in_code: ColumnType<string, string | undefined, string>;
  checked_in_at: Timestamp | null;
  checked_in_by: string | null;
  /** issue 18 §2: may appear on the published List of Participants (unticked by default) */
  list_consent: ColumnType<boolean, boolean | undefined, boolean>;
  /** personal data anonymised (Settings → Data retention); role, category and attendance stay */
  anonymised_at: Timestamp | null;
  /** staff's decision when the category needs approval (issue 18 §7); null = pending */
  approval: ApprovalDecision | null;
  approval_at: Timestamp | null;
  approval_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

/** Issue 18 §5: the link to a delegate's e-badge page (only its hash is looked up; the sealed copy re-sends it). */
export interface DelegateBadgeLinkTable {
  delegate_id: string;
  token_hash: string;
  token_sealed: string;
  created_at: DefaultTimestamp;
}

export const APPROVAL_DECISIONS = ["approved", "refused"] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];
export const REGISTRATION_STATUSES = ["registered", "waiting"] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

/** A place on a programme item with a capacity, or a place in its waiting list (issue 18 §7). */
export interface ProgrammeRegistrationTable {
  delegate_id: string;
  programme_item_id: string;
  event_id: string;
  status: RegistrationStatus;
  requested_at: DefaultTimestamp;
  /** the order registrations were made in: breaks ties of `requested_at` (the embedded database's clock counts milliseconds) */
  seq: Generated<string>;
  promoted_at: Timestamp | null;
}

/** Issue 18 §4: a person replaced by someone else in a delegation, kept as history (names only). */
export const DOCUMENT_KINDS = ["note_verbale", "passport_scan", "photo"] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
export type DocumentMediaType = "application/pdf" | "image/jpeg" | "image/png";

/** Issue 18 §1: an uploaded file; a passport scan's content is sealed (key_id set). */
export interface DocumentTable {
  id: Generated<string>;
  invitation_id: string;
  delegate_id: string | null;
  kind: DocumentKind;
  media_type: DocumentMediaType;
  byte_size: number;
  sha256: string;
  file_name: string;
  width: number | null;
  height: number | null;
  key_id: string | null;
  content: Buffer;
  created_at: DefaultTimestamp;
}

export interface DelegateSubstitutionTable {
  id: Generated<string>;
  invitation_id: string;
  event_id: string;
  revision: number;
  replaced_delegate_id: string;
  replaced: Json<Record<string, unknown>>;
  replaced_checked_in_at: Timestamp | null;
  replaced_by: string | null;
  replacement: Json<Record<string, unknown>>;
  explicit: ColumnType<boolean, boolean | undefined, boolean>;
  actor_kind: "link" | "staff";
  staff_label: string | null;
  at: DefaultTimestamp;
}

/** Issue 18 §2: the List of Participants an event publishes (a frozen roster version, consenting people only). */
export interface ParticipantListTable {
  event_id: string;
  version_id: string;
  is_public: ColumnType<boolean, boolean | undefined, boolean>;
  published_at: DefaultTimestamp;
  published_by: string | null;
}

export interface InvitationChangeTable {
  id: Generated<string>;
  invitation_id: string;
  event_id: string;
  revision: number;
  at: DefaultTimestamp;
  actor_kind: "link" | "staff";
  staff_user_id: string | null;
  staff_label: string | null;
  reason: string | null;
  submission_id: string;
  response_before: InvitationResponse;
  response_after: InvitationResponse;
  summary: Json<Record<string, unknown>>;
}

export interface InvitationAccessTable {
  invitation_id: string;
  first_at: DefaultTimestamp;
}

export interface SecretariatTable {
  id: ColumnType<number, number | undefined, never>;
  name: JsonWithDefault<LocalizedText>;
  short_name: string | null;
  address: JsonWithDefault<LocalizedText>;
  phone: string | null;
  website: string | null;
  sender_name: string | null;
  reply_to: string | null;
  signature: JsonWithDefault<LocalizedText>;
  time_zone: ColumnType<string, string | undefined, string>;
  default_locale: ColumnType<Locale, Locale | undefined, Locale>;
  logo: Buffer | null;
  logo_type: "image/png" | "image/svg+xml" | null;
  logo_updated_at: Timestamp | null;
  /** delegates' personal data is anonymised this many months after their event ended (issue 18 §9) */
  personal_data_retention_months: ColumnType<number, number | undefined, number>;
  version: ColumnType<number, number | undefined, number>;
  updated_by: string | null;
  updated_at: DefaultTimestamp;
}

/** The administrator's sign-in choices (one row, id = 1): password form, single sign-on account creation. */
export interface SignInSettingsTable {
  id: ColumnType<number, number | undefined, never>;
  password_sign_in: ColumnType<boolean, boolean | undefined, boolean>;
  sso_provisioning: ColumnType<boolean, boolean | undefined, boolean>;
  sso_role: ColumnType<Exclude<StaffRole, "admin">, Exclude<StaffRole, "admin"> | undefined, Exclude<StaffRole, "admin">>;
  sso_domains: ColumnType<string[], string[] | undefined, string[]>;
  version: ColumnType<number, number | undefined, number>;
  updated_by: string | null;
  updated_at: DefaultTimestamp;
}

export interface StaffTokenTable {
  token_hash: string;
  user_id: string;
  purpose: "invite" | "reset";
  created_by: string | null;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface BackupLogTable {
  id: Generated<string>;
  at: DefaultTimestamp;
  kind: "command" | "download" | "scheduled";
  database_kind: "embedded" | "postgres";
  file_name: string | null;
  bytes: ColumnType<string, number | string | null | undefined, never> | null;
  created_by: string | null;
}

export const ROSTER_KINDS = ["provisional", "final"] as const;
export type RosterKind = (typeof ROSTER_KINDS)[number];

export interface RosterVersionTable {
  id: Generated<string>;
  event_id: string;
  number: number;
  kind: RosterKind;
  locale: Locale;
  created_at: DefaultTimestamp;
  created_by: string | null;
  created_by_label: string;
  filters: JsonWithDefault<Record<string, unknown>>;
  rows: Json<unknown[]>;
}

export const SEND_WAVE_STATUSES = ["queued", "running", "done", "stopped"] as const;
export type SendWaveStatus = (typeof SEND_WAVE_STATUSES)[number];
export const SEND_WAVE_KINDS = ["invitation", "reminder"] as const;
export type SendWaveKind = (typeof SEND_WAVE_KINDS)[number];
export const CHECK_IN_OUTCOMES = ["checked_in", "duplicate", "undone"] as const;
export type CheckInRecordOutcome = (typeof CHECK_IN_OUTCOMES)[number];
/** A check-in a device sent (issue 19 §5): for the event (no programme item) or one programme item. */
export interface CheckInTable {
  id: Generated<string>;
  /** the id the device gave the queued check-in: the same one sent twice is recorded once */
  client_id: string;
  event_id: string;
  delegate_id: string;
  programme_item_id: string | null;
  /** checked_in: the first; duplicate: a later one of the same person (a note); undone: taken back */
  outcome: CheckInRecordOutcome;
  /** the device's clock when the badge was scanned or the name tapped */
  scanned_at: Timestamp | null;
  /** the server's clock when it arrived (the time that counts) */
  recorded_at: DefaultTimestamp;
  recorded_by: string | null;
}

/** A send wave (issue 15): invitations prepared as a job, in chunks, with its progress. */
export interface SendWaveTable {
  id: Generated<string>;
  event_id: string;
  /** the audience as staff confirmed it, in order */
  member_ids: string[];
  bilingual: ColumnType<boolean, boolean | undefined, boolean>;
  /** invitations, or reminders to members that have not answered (then `batch` is the reminder's batch) */
  kind: ColumnType<SendWaveKind, SendWaveKind | undefined, SendWaveKind>;
  batch: string | null;
  status: ColumnType<SendWaveStatus, SendWaveStatus | undefined, SendWaveStatus>;
  /** members prepared so far (queued + already invited (a reminder: answered or reminded meanwhile) + without email) */
  done: ColumnType<number, number | undefined, number>;
  queued: ColumnType<number, number | undefined, number>;
  already_invited: ColumnType<number, number | undefined, number>;
  no_email: ColumnType<number, number | undefined, number>;
  /** why a wave stopped before the end (the event was closed meanwhile) */
  stop_reason: string | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
  finished_at: Timestamp | null;
  lease_until: Timestamp | null;
  leased_by: string | null;
}

export const WEBHOOK_EVENT_TYPES = ["reply.changed", "invitation.delivered", "invitation.bounced", "delegate.checked_in", "event.status_changed"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export const WEBHOOK_DELIVERY_STATUSES = ["queued", "sending", "deferred", "delivered", "failed"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** One row: whether an administrator allows webhook targets on loopback and private networks (SSRF guard). */
export interface WebhookSettingsTable {
  id: number;
  allow_private_targets: ColumnType<boolean, boolean | undefined, boolean>;
  updated_at: DefaultTimestamp;
}

/** A webhook endpoint (issue 19): the URL, the event types it receives, its signing secret sealed under DATA_ENCRYPTION_KEY. */
export interface WebhookSubscriptionTable {
  id: Generated<string>;
  url: string;
  description: string | null;
  event_types: WebhookEventType[];
  secret_sealed: string;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

/** The webhook outbox and delivery log: one row per subscription and event, written with the change it reports. */
export interface WebhookDeliveryTable {
  id: Generated<string>;
  subscription_id: string;
  /** the Standard Webhooks `webhook-id`: the same on every retry */
  webhook_id: string;
  event_type: string;
  /** what makes the event unique for a subscription (the same change never queues twice) */
  event_key: string;
  payload: Json<Record<string, unknown>>;
  status: ColumnType<WebhookDeliveryStatus, WebhookDeliveryStatus | undefined, WebhookDeliveryStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: DefaultTimestamp;
  lease_until: Timestamp | null;
  leased_by: string | null;
  last_status_code: number | null;
  last_response: string | null;
  last_error: string | null;
  last_attempt_at: Timestamp | null;
  delivered_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

/** A personal API token (issue 19 §1): only the SHA-256 of the token is stored; `scopes` such as "directory:read". */
export interface ApiTokenTable {
  id: Generated<string>;
  name: string;
  token_hash: string;
  scopes: string[];
  created_by: string;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
  /** written at most once a minute per token */
  last_used_at: Timestamp | null;
  last_used_ip: string | null;
}

/** An authenticator app's secret (sealed); confirmed once the user typed a first code; last_step stops replays. */
export interface StaffTotpTable {
  user_id: string;
  secret: string;
  confirmed_at: Timestamp | null;
  last_step: number | null;
  created_at: DefaultTimestamp;
}

/** One-time recovery codes: only their SHA-256. */
export interface StaffRecoveryCodeTable {
  id: Generated<string>;
  user_id: string;
  code_hash: string;
  used_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

/** A passkey (WebAuthn credential): id and public key base64url, transports as a JSON array. */
export interface StaffPasskeyTable {
  id: Generated<string>;
  user_id: string;
  credential_id: string;
  public_key: string;
  /** bigint: the driver returns a string */
  counter: ColumnType<string | number, number | undefined, number>;
  transports: string | null;
  name: string;
  created_at: DefaultTimestamp;
  last_used_at: Timestamp | null;
}

export type SignInPendingPurpose = "verify" | "enrol";

/** A password sign-in waiting for its second step (not a session): the cookie holds the raw id. */
export interface SignInPendingTable {
  id_hash: string;
  user_id: string;
  purpose: SignInPendingPurpose;
  redirect_to: string | null;
  /** the WebAuthn challenge last handed to this sign-in */
  challenge: string | null;
  failures: ColumnType<number, number | undefined, number>;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
}

export const SECOND_FACTOR_POLICIES = ["none", "all", "passport_roles"] as const;
export type SecondFactorPolicy = (typeof SECOND_FACTOR_POLICIES)[number];

/** One row (id 1): who must sign in with a second factor. */
export interface SecurityPolicyTable {
  id: ColumnType<number, number | undefined, never>;
  second_factor: ColumnType<SecondFactorPolicy, SecondFactorPolicy | undefined, SecondFactorPolicy>;
  updated_by: string | null;
  updated_at: DefaultTimestamp;
}

/** Issue 18 §8: a file attached to an event's invitations, stored once (removed_at: kept while unsent mail refers to it). */
export interface EventAttachmentTable {
  id: Generated<string>;
  event_id: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  content: Buffer;
  created_by: string | null;
  created_at: DefaultTimestamp;
  removed_at: Timestamp | null;
}

/** Per event: the invitation carries its letter as a PDF, in the letter's language and optionally a second one. */
export interface EventLetterOptionTable {
  event_id: string;
  attach_pdf: ColumnType<boolean, boolean | undefined, boolean>;
  second_locale: Locale | null;
  updated_by: string | null;
  updated_at: DefaultTimestamp;
}

/** What a message carries besides its body: the PDF letter's text (rendered when sent) and the event's files. */
export interface EmailMessageDocumentTable {
  message_id: string;
  letter: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  attachment_ids: JsonWithDefault<string[]>;
}

export interface Database {
  staff_user: StaffUserTable;
  staff_session: StaffSessionTable;
  setup_token: SetupTokenTable;
  rate_limit: RateLimitTable;
  sign_in_throttle: SignInThrottleTable;
  sign_in_settings: SignInSettingsTable;
  audit_log: AuditLogTable;
  member: MemberTable;
  contact: ContactTable;
  subcommittee: SubcommitteeTable;
  subcommittee_member: SubcommitteeMemberTable;
  import_batch: ImportBatchTable;
  event: EventTable;
  programme_item: ProgrammeItemTable;
  invitation: InvitationTable;
  invitation_token: InvitationTokenTable;
  letter: LetterTable;
  email_message: EmailMessageTable;
  email_message_document: EmailMessageDocumentTable;
  event_attachment: EventAttachmentTable;
  event_letter_option: EventLetterOptionTable;
  mail_queue_state: MailQueueStateTable;
  mail_suppression: MailSuppressionTable;
  inbound_mail: InboundMailTable;
  delegate: DelegateTable;
  delegate_substitution: DelegateSubstitutionTable;
  delegate_badge_link: DelegateBadgeLinkTable;
  programme_registration: ProgrammeRegistrationTable;
  document: DocumentTable;
  participant_list: ParticipantListTable;
  invitation_change: InvitationChangeTable;
  invitation_access: InvitationAccessTable;
  secretariat: SecretariatTable;
  staff_token: StaffTokenTable;
  backup_log: BackupLogTable;
  roster_version: RosterVersionTable;
  send_wave: SendWaveTable;
  webhook_settings: WebhookSettingsTable;
  webhook_subscription: WebhookSubscriptionTable;
  webhook_delivery: WebhookDeliveryTable;
  api_token: ApiTokenTable;
  staff_totp: StaffTotpTable;
  staff_recovery_code: StaffRecoveryCodeTable;
  staff_passkey: StaffPasskeyTable;
  sign_in_pending: SignInPendingTable;
  security_policy: SecurityPolicyTable;
  check_in: CheckInTable;
}
