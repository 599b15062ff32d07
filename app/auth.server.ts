import { type AppLoadContext, createCookie, redirect } from "@remix-run/node";

import { getEnv } from "~/env.server";
import { SESSION_ABSOLUTE_SECONDS } from "~/models/staff-session.server";
import type { StaffUser } from "~/models/staff-user.server";
import type { StaffRole } from "../db/schema";

const ROLE_RANK: Record<StaffRole, number> = { viewer: 1, staff: 2, visa_officer: 2, admin: 3 };

export function hasRole(user: Pick<StaffUser, "role">, role: StaffRole) {
  return ROLE_RANK[user.role] >= ROLE_RANK[role];
}

/** Passport data in clear (reveal, visa support letters): administrators and visa officers (RELIABILITY D4). */
export function canHandlePassports(user: Pick<StaffUser, "role">) {
  return user.role === "admin" || user.role === "visa_officer";
}

/** Mails about staff accounts (invitations, password resets) hold a set-password link: administrators only. */
export function canReadMessage(user: Pick<StaffUser, "role">, kind: string) {
  return !kind.startsWith("staff_") || hasRole(user, "admin");
}

let sessionCookie: ReturnType<typeof createCookie> | undefined;

/** __Host- cookies need Secure, so the prefix is used only when APP_URL is https. */
export function getSessionCookie() {
  if (sessionCookie) return sessionCookie;
  const env = getEnv();
  sessionCookie = createCookie(env.isHttps ? "__Host-plenary_session" : "plenary_session", {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: env.isHttps,
    secrets: [env.SESSION_SECRET],
    maxAge: SESSION_ABSOLUTE_SECONDS,
  });
  return sessionCookie;
}

export async function readSessionToken(request: Request): Promise<string | null> {
  const value = await getSessionCookie().parse(request.headers.get("Cookie"));
  return typeof value === "string" ? value : null;
}

/**
 * Guards every staff loader and action. Anonymous → redirect to sign-in (with where to come back to);
 * signed in without the role → 403.
 */
export function requireUser({ request, context }: { request: Request; context: AppLoadContext }, role: StaffRole = "viewer"): StaffUser {
  const user = context.user;
  if (!user) {
    const url = new URL(request.url);
    const params = new URLSearchParams({ redirectTo: `${url.pathname}${url.search}` });
    if (context.sessionEnded) params.set("ended", "1");
    throw redirect(`/login?${params}`);
  }
  if (!hasRole(user, role)) throw new Response("Forbidden", { status: 403 });
  return user;
}

/**
 * Only same-site paths: "/events?x=1" yes; "//evil.example", "/\\evil", "https://…" no (open redirect).
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/") {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}
