import { WEBHOOK_EVENT_TYPES, type WebhookDeliveryStatus, type WebhookEventType } from "../../db/schema";

export { WEBHOOK_EVENT_TYPES };

/** The translation key (namespace webhooks) of each event type a subscription can receive, and of the test event. */
export const EVENT_TYPE_LABELS: Record<WebhookEventType | "webhook.test", string> = {
  "reply.changed": "webhooks:eventTypes.replyChanged",
  "invitation.delivered": "webhooks:eventTypes.invitationDelivered",
  "invitation.bounced": "webhooks:eventTypes.invitationBounced",
  "delegate.checked_in": "webhooks:eventTypes.delegateCheckedIn",
  "event.status_changed": "webhooks:eventTypes.eventStatusChanged",
  "webhook.test": "webhooks:eventTypes.test",
};

export function eventTypeLabel(type: string) {
  return EVENT_TYPE_LABELS[type as WebhookEventType] ?? type;
}

/** The mail log's badge colours, reused for a delivery's status. */
export const DELIVERY_BADGE: Record<WebhookDeliveryStatus, string> = {
  queued: "mail-queued",
  sending: "mail-sending",
  deferred: "mail-deferred",
  delivered: "mail-sent",
  failed: "mail-failed",
};
