import type { Migration } from "kysely/migration";

import * as m20261124_0900 from "./2026_11_24_0900_create_staff_session_audit";
import * as m20261124_1000 from "./2026_11_24_1000_create_directory";
import * as m20261124_1100 from "./2026_11_24_1100_create_events";
import * as m20261124_1200 from "./2026_11_24_1200_create_invitations_mail";
import * as m20261124_1300 from "./2026_11_24_1300_add_event_auto_reminders";
import * as m20261124_1400 from "./2026_11_24_1400_create_replies";
import * as m20261124_1500 from "./2026_11_24_1500_create_administration";
import * as m20261124_1600 from "./2026_11_24_1600_create_rosters";
import * as m20261124_1700 from "./2026_11_24_1700_add_visa_officer_role";
import * as m20261205_1000 from "./2026_12_05_1000_seal_link_tokens";
import * as m20261205_1100 from "./2026_12_05_1100_create_sign_in_throttle";
import * as m20261205_1200 from "./2026_12_05_1200_mail_delivery";
import * as m20261205_1300 from "./2026_12_05_1300_scheduled_backups";
import * as m20261205_1400 from "./2026_12_05_1400_global_mail_rate";
import * as m20261205_1500 from "./2026_12_05_1500_send_waves";
import * as m20261205_2000 from "./2026_12_05_2000_create_api_tokens";
import * as m20261205_2100 from "./2026_12_05_2100_create_webhooks";
import * as m20261205_2200 from "./2026_12_05_2200_create_second_factors";
import * as m20261205_2230 from "./2026_12_05_2230_create_sign_in_settings";
import * as m20261205_2300 from "./2026_12_05_2300_create_check_ins";
import * as m20261205_2330 from "./2026_12_05_2330_add_personal_data_retention";
import * as m20261205_2345_substitutions from "./2026_12_05_2345_add_delegate_substitutions";
import * as m20261206_0100 from "./2026_12_06_0100_create_documents";
import * as m20261206_0200_guests from "./2026_12_06_0200_add_guest_invitees";
import * as m20261206_0300_capacity from "./2026_12_06_0300_add_capacity_waiting_list";
import * as m20261206_0400_attachments from "./2026_12_06_0400_create_event_attachments";
import * as m20261206_0500_badge_links from "./2026_12_06_0500_create_delegate_badge_links";
import * as m20261206_0600_mail_queue from "./2026_12_06_0600_mail_queue_indexes";
import * as m20261206_1700_reminder_waves from "./2026_12_06_1700_reminder_waves";
import * as m20261206_1800_registration_order from "./2026_12_06_1800_registration_order";

/**
 * Every migration, by file name. Imported statically so migrations run from the server bundle as well as
 * from tsx; tests/unit/migrations.test.ts fails when a file in this folder is missing here.
 */
export const migrations: Record<string, Migration> = {
  "2026_11_24_0900_create_staff_session_audit": m20261124_0900,
  "2026_11_24_1000_create_directory": m20261124_1000,
  "2026_11_24_1100_create_events": m20261124_1100,
  "2026_11_24_1200_create_invitations_mail": m20261124_1200,
  "2026_11_24_1300_add_event_auto_reminders": m20261124_1300,
  "2026_11_24_1400_create_replies": m20261124_1400,
  "2026_11_24_1500_create_administration": m20261124_1500,
  "2026_11_24_1600_create_rosters": m20261124_1600,
  "2026_11_24_1700_add_visa_officer_role": m20261124_1700,
  "2026_12_05_1000_seal_link_tokens": m20261205_1000,
  "2026_12_05_1100_create_sign_in_throttle": m20261205_1100,
  "2026_12_05_1200_mail_delivery": m20261205_1200,
  "2026_12_05_1300_scheduled_backups": m20261205_1300,
  "2026_12_05_1400_global_mail_rate": m20261205_1400,
  "2026_12_05_1500_send_waves": m20261205_1500,
  "2026_12_05_2000_create_api_tokens": m20261205_2000,
  "2026_12_05_2100_create_webhooks": m20261205_2100,
  "2026_12_05_2200_create_second_factors": m20261205_2200,
  "2026_12_05_2230_create_sign_in_settings": m20261205_2230,
  "2026_12_05_2300_create_check_ins": m20261205_2300,
  "2026_12_05_2330_add_personal_data_retention": m20261205_2330,
  "2026_12_05_2345_add_delegate_substitutions": m20261205_2345_substitutions,
  "2026_12_06_0100_create_documents": m20261206_0100,
  "2026_12_06_0200_add_guest_invitees": m20261206_0200_guests,
  "2026_12_06_0300_add_capacity_waiting_list": m20261206_0300_capacity,
  "2026_12_06_0400_create_event_attachments": m20261206_0400_attachments,
  "2026_12_06_0500_create_delegate_badge_links": m20261206_0500_badge_links,
  "2026_12_06_0600_mail_queue_indexes": m20261206_0600_mail_queue,
  "2026_12_06_1700_reminder_waves": m20261206_1700_reminder_waves,
  "2026_12_06_1800_registration_order": m20261206_1800_registration_order,
};
