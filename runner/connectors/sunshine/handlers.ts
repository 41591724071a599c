import { createHash } from 'node:crypto';
import { HttpError, PermanentError, type HandlerContext, type LogDetails, type WebhookRequest } from '../../sdk/index.ts';
import { sunshineApi, UnknownConversationError, type SunshineCredentials, type SunshineSettings } from './api.ts';
import {
  deliveryJob, parseJson, replyJob, sunshineWebhook, targetAnswer, type SunshineConversation, type SunshineEvent,
} from './payload.ts';

export type Settings = SunshineSettings & { webhookTargets: string[]; targetTimeoutSeconds: number; replyFromTargets: boolean };
type Ctx = HandlerContext<Settings, SunshineCredentials>;

const EXCERPT = 300;
const shortHash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
/** Job keys are unique per account, so they carry the installation: two apps never share a delivery. */
const jobKey = (ctx: Ctx, what: string, eventId: string, target: string) => `sunshine:${ctx.installation.id}:${what}:${eventId}:${shortHash(target)}`;
const api = (ctx: Ctx) => sunshineApi(ctx.http, ctx.settings, ctx.credentials);

const errorDetails = (err: unknown): LogDetails => err instanceof HttpError
  ? { error: { status: err.status, message: err.message }, response: { status: err.status, body_excerpt: err.bodyPreview?.slice(0, EXCERPT) ?? null } }
  : { error: { message: err instanceof Error ? err.message : String(err), code: err instanceof Error ? (err as { code?: string }).code ?? err.name : null } };

/** Logs a failed attempt with its reason, then rethrows so the engine retries (or gives up) as the error says. */
function fail(ctx: Ctx, description: string, details: LogDetails, err: unknown): never {
  ctx.log.error(`${description}: ${err instanceof Error ? err.message : String(err)}`, { ...details, ...errorDetails(err) });
  throw err;
}

/** `POST /webhooks/sunshine/{appId}`: every conversation event is checked against Sunshine, then queued once per target. */
export async function receiveWebhook(ctx: Ctx, req: WebhookRequest): Promise<void> {
  const parsed = sunshineWebhook.safeParse(parseJson(req.body));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'} ${i.message}`).join('; ');
    throw new PermanentError(`The Sunshine webhook is not a v2 conversation webhook: ${problems}`, 'InvalidPayload');
  }
  if (parsed.data.app.id !== ctx.settings.appId) {
    throw new PermanentError(`The Sunshine webhook is for app ${parsed.data.app.id}, not this connection's app ${ctx.settings.appId}`, 'WrongApp');
  }
  for (const event of parsed.data.events) await routeEvent(ctx, event);
}

async function routeEvent(ctx: Ctx, event: SunshineEvent): Promise<void> {
  const about = { event_id: event.id, event_type: event.type, app_id: ctx.settings.appId };
  if (!event.type.startsWith('conversation:')) {
    ctx.log.debug(`Sunshine ${event.type} event ${event.id} ignored: only conversation events are forwarded`, about);
    return;
  }
  const ref = event.payload.conversation;
  if (!ref) {
    ctx.log.error(`Sunshine ${event.type} event ${event.id} names no conversation; it was not delivered`, about);
    return;
  }
  const details = { ...about, conversation_id: ref.id };
  let conversation: SunshineConversation = ref;
  // A removed conversation is gone from Sunshine by definition; the event itself is what targets need.
  if (event.type !== 'conversation:remove') {
    try {
      conversation = await api(ctx).getConversation(ref.id);
    } catch (err) {
      if (err instanceof UnknownConversationError) {
        ctx.log.error(`Sunshine ${event.type} event ${event.id} not delivered: ${err.message}`, { ...details, error: { code: err.sunshineCode, status: 404 } });
        return;
      }
      fail(ctx, `Sunshine ${event.type} event ${event.id}: could not read conversation ${ref.id}`, details, err);
    }
  }
  const targets = ctx.settings.webhookTargets;
  if (targets.length === 0) {
    ctx.log.warn(`Sunshine ${event.type} event ${event.id} in conversation ${ref.id} received, but no webhook target is configured`, details);
    return;
  }
  for (const target of targets) {
    await ctx.enqueue('deliver', { target, event, conversation }, { idempotencyKey: jobKey(ctx, 'deliver', event.id, target) });
  }
  ctx.log.debug(`Sunshine ${event.type} event ${event.id} in conversation ${ref.id} queued for ${targets.length} target(s)`, { ...details, targets });
}

/** One event to one target; the engine retries it alone, so a slow target never delays the others. */
export async function deliver(ctx: Ctx, payload: unknown): Promise<void> {
  const job = deliveryJob.safeParse(payload);
  if (!job.success) throw new PermanentError('The delivery job payload is not a Sunshine event delivery', 'InvalidPayload');
  const { target, event, conversation } = job.data;
  const what = `Sunshine ${event.type} event ${event.id} (conversation ${conversation.id})`;
  const details = { event_id: event.id, event_type: event.type, conversation_id: conversation.id, target };
  let res;
  try {
    res = await ctx.http.request({
      method: 'POST', url: target, timeoutMs: ctx.settings.targetTimeoutSeconds * 1000, throwOnError: false,
      headers: { 'x-deskbridge-event': event.type, 'x-deskbridge-event-id': event.id },
      json: { app: { id: ctx.settings.appId }, event, conversation },
    });
  } catch (err) {
    fail(ctx, `${what} not delivered to ${target}`, details, err);
  }
  if (!res.ok) {
    const retryAfter = res.headers.get('retry-after');
    fail(ctx, `${what} not delivered to ${target}`, details,
      new HttpError(res.status, `the target answered ${res.status}`, retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined, res.text.slice(0, EXCERPT)));
  }
  ctx.log.debug(`${what} delivered to ${target} (${res.status}, ${res.durationMs} ms)`, { ...details, response: { status: res.status }, duration_ms: res.durationMs });

  const answer = targetAnswer.parse(parseJson(res.text));
  const text = typeof answer.reply === 'string' ? answer.reply : answer.reply?.text;
  // Only a customer's message gets an answer: the app's own messages come back as events too, and answering them would loop.
  if (text && ctx.settings.replyFromTargets && event.type === 'conversation:message' && event.payload.message?.author?.type === 'user') {
    await ctx.enqueue('reply', { eventId: event.id, conversationId: conversation.id, target, text }, { idempotencyKey: jobKey(ctx, 'reply', event.id, target) });
  }
}

/** Posts a target's answer in the conversation as the business. */
export async function reply(ctx: Ctx, payload: unknown): Promise<void> {
  const job = replyJob.safeParse(payload);
  if (!job.success) throw new PermanentError('The reply job payload is not a Sunshine reply', 'InvalidPayload');
  const { eventId, conversationId, target, text } = job.data;
  const details = { event_id: eventId, conversation_id: conversationId, target, app_id: ctx.settings.appId };
  try {
    const messageId = await api(ctx).postText(conversationId, text);
    ctx.log.debug(`Reply from ${target} posted in Sunshine conversation ${conversationId} (message ${messageId ?? 'without id'})`, { ...details, message_id: messageId ?? null });
  } catch (err) {
    if (err instanceof UnknownConversationError) {
      ctx.log.error(`Reply from ${target} not posted: ${err.message}`, { ...details, error: { code: err.sunshineCode, status: 404 } });
      return;
    }
    fail(ctx, `Reply from ${target} not posted in Sunshine conversation ${conversationId}`, details, err);
  }
}
