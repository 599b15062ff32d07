import type { Address, MessageStatus, RecipientOutcome } from "../../db/schema";

/** Per-recipient outcomes of a message (issue 16 §3): pure rules shared by the worker and the bounce intake. */

export const PENDING = new Set<RecipientOutcome["state"]>(["pending", "deferred"]);
export const UNDELIVERED = new Set<RecipientOutcome["state"]>(["refused", "bounced", "suppressed", "failed"]);

const key = (address: string) => address.trim().toLowerCase();

/** Every recipient of a message, To first, each address once. */
export function initialRecipients(message: { to: Address[]; cc: Address[] }): RecipientOutcome[] {
  const seen = new Set<string>();
  const list: RecipientOutcome[] = [];
  for (const [field, addresses] of [
    ["to", message.to],
    ["cc", message.cc],
  ] as const) {
    for (const a of addresses) {
      const k = key(a.address);
      if (!k || seen.has(k)) continue;
      seen.add(k);
      list.push({ address: a.address, ...(a.name ? { name: a.name } : {}), field, state: "pending" });
    }
  }
  return list;
}

/**
 * The message's status once no recipient is pending: sent when a To address took it (or, without a To, any
 * recipient); suppressed when every To address is on the suppression list; bounced when the To addresses were
 * refused or bounced; failed otherwise. `toUndelivered` flags a To address that did not get it even when the
 * message counts as sent (a Cc took it, or one To of two).
 */
export function settledStatus(recipients: RecipientOutcome[]): {
  status: Extract<MessageStatus, "sent" | "bounced" | "suppressed" | "failed">;
  toUndelivered: boolean;
} {
  const to = recipients.filter((r) => r.field === "to");
  const main = to.length ? to : recipients;
  const toUndelivered = to.some((r) => UNDELIVERED.has(r.state));
  if (main.some((r) => r.state === "accepted")) return { status: "sent", toUndelivered };
  if (main.length && main.every((r) => r.state === "suppressed")) return { status: "suppressed", toUndelivered };
  if (main.some((r) => r.state === "refused" || r.state === "bounced")) return { status: "bounced", toUndelivered };
  return { status: "failed", toUndelivered };
}
