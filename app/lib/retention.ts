/** Issue 18 §9: how long delegates' personal data is kept after an event ends, in months (Settings → Data retention). */
export const DEFAULT_RETENTION_MONTHS = 24;
export const MIN_RETENTION_MONTHS = 1;
export const MAX_RETENTION_MONTHS = 240;
