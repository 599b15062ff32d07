import enApi from "./en/api.json";
import enAttachments from "./en/attachments.json";
import enAuth from "./en/auth.json";
import enBulk from "./en/bulk.json";
import enCapacity from "./en/capacity.json";
import enCheckin from "./en/checkin.json";
import enCommon from "./en/common.json";
import enDelegation from "./en/delegation.json";
import enDesign from "./en/design.json";
import enDirectory from "./en/directory.json";
import enDocuments from "./en/documents.json";
import enEbadge from "./en/ebadge.json";
import enEmails from "./en/emails.json";
import enEvents from "./en/events.json";
import enGuests from "./en/guests.json";
import enInvitations from "./en/invitations.json";
import enLetters from "./en/letters.json";
import enReply from "./en/reply.json";
import enRetention from "./en/retention.json";
import enRosters from "./en/rosters.json";
import enSecurity from "./en/security.json";
import enSettings from "./en/settings.json";
import enSso from "./en/sso.json";
import enStaff from "./en/staff.json";
import enWebhooks from "./en/webhooks.json";
import jaApi from "./ja/api.json";
import jaAttachments from "./ja/attachments.json";
import jaAuth from "./ja/auth.json";
import jaBulk from "./ja/bulk.json";
import jaCapacity from "./ja/capacity.json";
import jaCheckin from "./ja/checkin.json";
import jaCommon from "./ja/common.json";
import jaDelegation from "./ja/delegation.json";
import jaDesign from "./ja/design.json";
import jaDirectory from "./ja/directory.json";
import jaDocuments from "./ja/documents.json";
import jaEbadge from "./ja/ebadge.json";
import jaEmails from "./ja/emails.json";
import jaEvents from "./ja/events.json";
import jaGuests from "./ja/guests.json";
import jaInvitations from "./ja/invitations.json";
import jaLetters from "./ja/letters.json";
import jaReply from "./ja/reply.json";
import jaRetention from "./ja/retention.json";
import jaRosters from "./ja/rosters.json";
import jaSecurity from "./ja/security.json";
import jaSettings from "./ja/settings.json";
import jaSso from "./ja/sso.json";
import jaStaff from "./ja/staff.json";
import jaWebhooks from "./ja/webhooks.json";
import koApi from "./ko/api.json";
import koAttachments from "./ko/attachments.json";
import koAuth from "./ko/auth.json";
import koBulk from "./ko/bulk.json";
import koCapacity from "./ko/capacity.json";
import koCheckin from "./ko/checkin.json";
import koCommon from "./ko/common.json";
import koDelegation from "./ko/delegation.json";
import koDesign from "./ko/design.json";
import koDirectory from "./ko/directory.json";
import koDocuments from "./ko/documents.json";
import koEbadge from "./ko/ebadge.json";
import koEmails from "./ko/emails.json";
import koEvents from "./ko/events.json";
import koGuests from "./ko/guests.json";
import koInvitations from "./ko/invitations.json";
import koLetters from "./ko/letters.json";
import koReply from "./ko/reply.json";
import koRetention from "./ko/retention.json";
import koRosters from "./ko/rosters.json";
import koSecurity from "./ko/security.json";
import koSettings from "./ko/settings.json";
import koSso from "./ko/sso.json";
import koStaff from "./ko/staff.json";
import koWebhooks from "./ko/webhooks.json";
import mnApi from "./mn/api.json";
import mnAttachments from "./mn/attachments.json";
import mnAuth from "./mn/auth.json";
import mnBulk from "./mn/bulk.json";
import mnCapacity from "./mn/capacity.json";
import mnCheckin from "./mn/checkin.json";
import mnCommon from "./mn/common.json";
import mnDelegation from "./mn/delegation.json";
import mnDesign from "./mn/design.json";
import mnDirectory from "./mn/directory.json";
import mnDocuments from "./mn/documents.json";
import mnEbadge from "./mn/ebadge.json";
import mnEmails from "./mn/emails.json";
import mnEvents from "./mn/events.json";
import mnGuests from "./mn/guests.json";
import mnInvitations from "./mn/invitations.json";
import mnLetters from "./mn/letters.json";
import mnReply from "./mn/reply.json";
import mnRetention from "./mn/retention.json";
import mnRosters from "./mn/rosters.json";
import mnSecurity from "./mn/security.json";
import mnSettings from "./mn/settings.json";
import mnSso from "./mn/sso.json";
import mnStaff from "./mn/staff.json";
import mnWebhooks from "./mn/webhooks.json";
import ruApi from "./ru/api.json";
import ruAttachments from "./ru/attachments.json";
import ruAuth from "./ru/auth.json";
import ruBulk from "./ru/bulk.json";
import ruCapacity from "./ru/capacity.json";
import ruCheckin from "./ru/checkin.json";
import ruCommon from "./ru/common.json";
import ruDelegation from "./ru/delegation.json";
import ruDesign from "./ru/design.json";
import ruDirectory from "./ru/directory.json";
import ruDocuments from "./ru/documents.json";
import ruEbadge from "./ru/ebadge.json";
import ruEmails from "./ru/emails.json";
import ruEvents from "./ru/events.json";
import ruGuests from "./ru/guests.json";
import ruInvitations from "./ru/invitations.json";
import ruLetters from "./ru/letters.json";
import ruReply from "./ru/reply.json";
import ruRetention from "./ru/retention.json";
import ruRosters from "./ru/rosters.json";
import ruSecurity from "./ru/security.json";
import ruSettings from "./ru/settings.json";
import ruSso from "./ru/sso.json";
import ruStaff from "./ru/staff.json";
import ruWebhooks from "./ru/webhooks.json";
import zhApi from "./zh/api.json";
import zhAttachments from "./zh/attachments.json";
import zhAuth from "./zh/auth.json";
import zhBulk from "./zh/bulk.json";
import zhCapacity from "./zh/capacity.json";
import zhCheckin from "./zh/checkin.json";
import zhCommon from "./zh/common.json";
import zhDelegation from "./zh/delegation.json";
import zhDesign from "./zh/design.json";
import zhDirectory from "./zh/directory.json";
import zhDocuments from "./zh/documents.json";
import zhEbadge from "./zh/ebadge.json";
import zhEmails from "./zh/emails.json";
import zhEvents from "./zh/events.json";
import zhGuests from "./zh/guests.json";
import zhInvitations from "./zh/invitations.json";
import zhLetters from "./zh/letters.json";
import zhReply from "./zh/reply.json";
import zhRetention from "./zh/retention.json";
import zhRosters from "./zh/rosters.json";
import zhSecurity from "./zh/security.json";
import zhSettings from "./zh/settings.json";
import zhSso from "./zh/sso.json";
import zhStaff from "./zh/staff.json";
import zhWebhooks from "./zh/webhooks.json";
/**
 * Every locale file, imported statically so the server bundle carries them. tests/unit/locales.test.ts
 * fails when a file on disk is missing here or a key is missing in any language.
 */
export const resources = {
  en: {
    common: enCommon,
    auth: enAuth,
    directory: enDirectory,
    events: enEvents,
    letters: enLetters,
    emails: enEmails,
    invitations: enInvitations,
    reply: enReply,
    rosters: enRosters,
    staff: enStaff,
    settings: enSettings,
    delegation: enDelegation,
    documents: enDocuments,
    retention: enRetention,
    webhooks: enWebhooks,
    guests: enGuests,
    sso: enSso,
    api: enApi,
    security: enSecurity,
    checkin: enCheckin,
    ebadge: enEbadge,
    attachments: enAttachments,
    capacity: enCapacity,
    design: enDesign,
    bulk: enBulk,
  },
  ko: {
    common: koCommon,
    auth: koAuth,
    directory: koDirectory,
    events: koEvents,
    letters: koLetters,
    emails: koEmails,
    invitations: koInvitations,
    reply: koReply,
    rosters: koRosters,
    staff: koStaff,
    settings: koSettings,
    delegation: koDelegation,
    documents: koDocuments,
    retention: koRetention,
    webhooks: koWebhooks,
    guests: koGuests,
    sso: koSso,
    api: koApi,
    security: koSecurity,
    checkin: koCheckin,
    ebadge: koEbadge,
    attachments: koAttachments,
    capacity: koCapacity,
    design: koDesign,
    bulk: koBulk,
  },
  zh: {
    common: zhCommon,
    auth: zhAuth,
    directory: zhDirectory,
    events: zhEvents,
    letters: zhLetters,
    emails: zhEmails,
    invitations: zhInvitations,
    reply: zhReply,
    rosters: zhRosters,
    staff: zhStaff,
    settings: zhSettings,
    delegation: zhDelegation,
    documents: zhDocuments,
    retention: zhRetention,
    webhooks: zhWebhooks,
    guests: zhGuests,
    sso: zhSso,
    api: zhApi,
    security: zhSecurity,
    checkin: zhCheckin,
    ebadge: zhEbadge,
    attachments: zhAttachments,
    capacity: zhCapacity,
    design: zhDesign,
    bulk: zhBulk,
  },
  ja: {
    common: jaCommon,
    auth: jaAuth,
    directory: jaDirectory,
    events: jaEvents,
    letters: jaLetters,
    emails: jaEmails,
    invitations: jaInvitations,
    reply: jaReply,
    rosters: jaRosters,
    staff: jaStaff,
    settings: jaSettings,
    delegation: jaDelegation,
    documents: jaDocuments,
    retention: jaRetention,
    webhooks: jaWebhooks,
    guests: jaGuests,
    sso: jaSso,
    api: jaApi,
    security: jaSecurity,
    checkin: jaCheckin,
    ebadge: jaEbadge,
    attachments: jaAttachments,
    capacity: jaCapacity,
    design: jaDesign,
    bulk: jaBulk,
  },
  ru: {
    common: ruCommon,
    auth: ruAuth,
    directory: ruDirectory,
    events: ruEvents,
    letters: ruLetters,
    emails: ruEmails,
    invitations: ruInvitations,
    reply: ruReply,
    rosters: ruRosters,
    staff: ruStaff,
    settings: ruSettings,
    delegation: ruDelegation,
    documents: ruDocuments,
    retention: ruRetention,
    webhooks: ruWebhooks,
    guests: ruGuests,
    sso: ruSso,
    api: ruApi,
    security: ruSecurity,
    checkin: ruCheckin,
    ebadge: ruEbadge,
    attachments: ruAttachments,
    capacity: ruCapacity,
    design: ruDesign,
    bulk: ruBulk,
  },
  mn: {
    common: mnCommon,
    auth: mnAuth,
    directory: mnDirectory,
    events: mnEvents,
    letters: mnLetters,
    emails: mnEmails,
    invitations: mnInvitations,
    reply: mnReply,
    rosters: mnRosters,
    staff: mnStaff,
    settings: mnSettings,
    delegation: mnDelegation,
    documents: mnDocuments,
    retention: mnRetention,
    webhooks: mnWebhooks,
    guests: mnGuests,
    sso: mnSso,
    api: mnApi,
    security: mnSecurity,
    checkin: mnCheckin,
    ebadge: mnEbadge,
    attachments: mnAttachments,
    capacity: mnCapacity,
    design: mnDesign,
    bulk: mnBulk,
  },
};

export type Namespace = keyof (typeof resources)["en"];
export const namespaces = Object.keys(resources.en) as Namespace[];
