import type { StaffRole } from "../../db/schema";

/** Roles single sign-on may give a new account: never admin (an administrator promotes by hand). */
export const SSO_ROLES = ["viewer", "staff", "visa_officer"] as const satisfies readonly StaffRole[];
export type SsoRole = (typeof SSO_ROLES)[number];
