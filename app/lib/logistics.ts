/** The logistics lists, shared by the page (tabs, in the browser too) and the server-side tables. */
export const LOGISTICS_LISTS = ["arrivals", "departures", "rooming", "dietary", "interpretation"] as const;
export type LogisticsList = (typeof LOGISTICS_LISTS)[number];
