import { z } from 'zod';

/**
 * The parts of a Sunshine Conversations v2 webhook we rely on. Sunshine adds fields over time, so
 * objects stay open (`looseObject`): what we forward to the targets is the event as received.
 * https://developer.zendesk.com/documentation/conversations/messaging-platform/programmable-conversations/receiving-messages/
 */
export const sunshineEvent = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  createdAt: z.string().optional(),
  payload: z.looseObject({
    conversation: z.looseObject({ id: z.string().min(1), type: z.string().optional() }).optional(),
    message: z.looseObject({
      id: z.string().optional(),
      author: z.looseObject({ type: z.string().optional(), displayName: z.string().optional() }).optional(),
      content: z.looseObject({ type: z.string().optional(), text: z.string().optional() }).optional(),
    }).optional(),
  }).default({}),
});
export type SunshineEvent = z.infer<typeof sunshineEvent>;

export const sunshineWebhook = z.looseObject({
  app: z.looseObject({ id: z.string().min(1) }),
  webhook: z.looseObject({ id: z.string().optional(), version: z.string().optional() }).optional(),
  events: z.array(sunshineEvent).min(1),
});
export type SunshineWebhook = z.infer<typeof sunshineWebhook>;

/** A conversation as `GET /v2/apps/{appId}/conversations/{id}` returns it (the fields we read). */
export const sunshineConversation = z.looseObject({ id: z.string(), type: z.string().optional(), metadata: z.record(z.string(), z.unknown()).nullish() });
export type SunshineConversation = z.infer<typeof sunshineConversation>;

/** Sunshine's error envelope: `{"errors":[{"code":"conversation_not_found","title":"Conversation not found"}]}`. */
export const sunshineErrors = z.object({ errors: z.array(z.object({ code: z.string(), title: z.string().optional() })).min(1) });

/** What one target delivery job carries: the event, the conversation it is about, and where it goes. */
export const deliveryJob = z.object({
  target: z.string().url(),
  event: sunshineEvent,
  conversation: sunshineConversation,
});
export type DeliveryJob = z.infer<typeof deliveryJob>;

export const replyJob = z.object({
  eventId: z.string(),
  conversationId: z.string(),
  target: z.string(),
  text: z.string().min(1).max(4096),
});
export type ReplyJob = z.infer<typeof replyJob>;

/**
 * A target may answer a user's message with a reply the app should post in the conversation:
 * `{"reply": "text"}` or `{"reply": {"text": "…"}}`.
 */
export const targetAnswer = z.object({
  reply: z.union([z.string().min(1), z.object({ text: z.string().min(1) })]).optional(),
}).catch({});

/** Reads the body as JSON without throwing; undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return undefined; }
}
