import type { Lng } from "~/i18n";
import type { InvitationLink } from "~/models/invitation.server";
import type { StaffUser } from "~/models/staff-user.server";

/** What the HTTP layer resolves once per request and hands to every loader and action. */
export type RequestContext = {
  nonce: string;
  locale: Lng;
  user: StaffUser | null;
  /** the raw session id from the cookie, when one was sent and is still valid */
  sessionToken: string | null;
  /** a session cookie was sent but its session has ended (expired, signed out elsewhere, disabled) */
  sessionEnded: boolean;
  clientIp: string;
  /**
   * A reply link already looked up for this request (to choose the page's language): the loader need not ask
   * the database again for the same token.
   */
  replyLink?: { token: string; link: InvitationLink | undefined };
};

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends RequestContext {}
}
