import enAuth from "./en/auth.json";
import enCheckin from "./en/checkin.json";
import enCommon from "./en/common.json";
import enDirectory from "./en/directory.json";
import enEmails from "./en/emails.json";
import enEvents from "./en/events.json";
import enInvitations from "./en/invitations.json";
import enLetters from "./en/letters.json";
import enReply from "./en/reply.json";
import enRosters from "./en/rosters.json";
import enSettings from "./en/settings.json";
import enStaff from "./en/staff.json";
import jaAuth from "./ja/auth.json";
import jaCheckin from "./ja/checkin.json";
import jaCommon from "./ja/common.json";
import jaDirectory from "./ja/directory.json";
import jaEmails from "./ja/emails.json";
import jaEvents from "./ja/events.json";
import jaInvitations from "./ja/invitations.json";
import jaLetters from "./ja/letters.json";
import jaReply from "./ja/reply.json";
import jaRosters from "./ja/rosters.json";
import jaSettings from "./ja/settings.json";
import jaStaff from "./ja/staff.json";
import koAuth from "./ko/auth.json";
import koCheckin from "./ko/checkin.json";
import koCommon from "./ko/common.json";
import koDirectory from "./ko/directory.json";
import koEmails from "./ko/emails.json";
import koEvents from "./ko/events.json";
import koInvitations from "./ko/invitations.json";
import koLetters from "./ko/letters.json";
import koReply from "./ko/reply.json";
import koRosters from "./ko/rosters.json";
import koSettings from "./ko/settings.json";
import koStaff from "./ko/staff.json";
import mnAuth from "./mn/auth.json";
import mnCheckin from "./mn/checkin.json";
import mnCommon from "./mn/common.json";
import mnDirectory from "./mn/directory.json";
import mnEmails from "./mn/emails.json";
import mnEvents from "./mn/events.json";
import mnInvitations from "./mn/invitations.json";
import mnLetters from "./mn/letters.json";
import mnReply from "./mn/reply.json";
import mnRosters from "./mn/rosters.json";
import mnSettings from "./mn/settings.json";
import mnStaff from "./mn/staff.json";
import ruAuth from "./ru/auth.json";
import ruCheckin from "./ru/checkin.json";
import ruCommon from "./ru/common.json";
import ruDirectory from "./ru/directory.json";
import ruEmails from "./ru/emails.json";
import ruEvents from "./ru/events.json";
import ruInvitations from "./ru/invitations.json";
import ruLetters from "./ru/letters.json";
import ruReply from "./ru/reply.json";
import ruRosters from "./ru/rosters.json";
import ruSettings from "./ru/settings.json";
import ruStaff from "./ru/staff.json";
import zhAuth from "./zh/auth.json";
import zhCheckin from "./zh/checkin.json";
import zhCommon from "./zh/common.json";
import zhDirectory from "./zh/directory.json";
import zhEmails from "./zh/emails.json";
import zhEvents from "./zh/events.json";
import zhInvitations from "./zh/invitations.json";
import zhLetters from "./zh/letters.json";
import zhReply from "./zh/reply.json";
import zhRosters from "./zh/rosters.json";
import zhSettings from "./zh/settings.json";
import zhStaff from "./zh/staff.json";
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
    checkin: enCheckin,
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
    checkin: koCheckin,
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
    checkin: zhCheckin,
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
    checkin: jaCheckin,
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
    checkin: ruCheckin,
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
    checkin: mnCheckin,
  },
};

export type Namespace = keyof (typeof resources)["en"];
export const namespaces = Object.keys(resources.en) as Namespace[];
