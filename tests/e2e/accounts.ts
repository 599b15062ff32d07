/** The administrator created by the first-run journey; the other journeys sign in with it. */
export const ADMIN = { name: "Lim Byung-jin", email: "sg@near.example.org", password: "Pohang secretariat 2026!" };
