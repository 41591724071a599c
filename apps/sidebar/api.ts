import { z } from 'zod/mini';
import type { Zaf } from './zaf.tsx';

/**
 * Calls to deskbridge go through `client.request`: inside Zendesk its proxy sends them to the
 * `deskbridge_url` setting with the secure `deskbridge_token` setting as a Bearer ZAF JWT (the
 * placeholder is filled on Zendesk's side, the token never reaches the browser); inside
 * deskbridge's agent view the host shim sends them with the agent's session instead.
 */

const minutes = z.object({ calendar: z.nullable(z.number()), business: z.nullable(z.number()) });
const metricsShape = z.object({
  reply_time_in_minutes: minutes,
  first_resolution_time_in_minutes: minutes,
  full_resolution_time_in_minutes: minutes,
  agent_wait_time_in_minutes: minutes,
  requester_wait_time_in_minutes: minutes,
  on_hold_time_in_minutes: minutes,
  replies: z.number(),
  reopens: z.number(),
});
const logRow = z.object({
  id: z.number(),
  timestamp: z.string(),
  product: z.string(),
  status: z.enum(['info', 'warning', 'error', 'debug']),
  description: z.string(),
  details: z.record(z.string(), z.unknown()),
  log_url: z.string(),
});
const summaryShape = z.object({
  ticket: z.object({ id: z.number(), subject: z.string(), status: z.string(), tags: z.array(z.string()) }),
  metrics: z.nullable(metricsShape),
  timeline: z.object({ logs: z.array(logRow), has_more: z.boolean(), log_url: z.string() }),
  viewer: z.object({ role: z.string(), can_resync: z.boolean() }),
});
const resyncShape = z.object({ resync: z.array(z.object({ job_id: z.number() })) });

export type Metrics = z.infer<typeof metricsShape>;
export type LogRow = z.infer<typeof logRow>;
export type Summary = z.infer<typeof summaryShape>;

/** A failed call, with the server's own sentence when it sent one. */
export class RequestFailed extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'RequestFailed';
  }
}

/** ZAF rejects with the response (status, responseJSON / responseText); deskbridge's errors carry a description. */
function failure(err: unknown): RequestFailed {
  const r = (err ?? {}) as { status?: unknown; responseJSON?: { description?: unknown }; responseText?: unknown };
  let description = r.responseJSON?.description;
  if (description === undefined && typeof r.responseText === 'string') {
    try { description = (JSON.parse(r.responseText) as { description?: unknown }).description; } catch { /* not JSON */ }
  }
  return new RequestFailed(typeof r.status === 'number' ? r.status : 0, typeof description === 'string' ? description : '');
}

const deskbridgeBase = (zaf: Zaf) => String(zaf.metadata.settings.deskbridge_url ?? '').replace(/\/+$/, '');

async function deskbridge<T>(zaf: Zaf, schema: z.ZodMiniType<T>, path: string, type: 'GET' | 'POST' = 'GET'): Promise<T> {
  const subdomain = zaf.context.account?.subdomain;
  let body: unknown;
  try {
    body = await zaf.client.request({
      url: `${deskbridgeBase(zaf)}${path}`, type, dataType: 'json', secure: true, cors: false,
      headers: { Authorization: 'Bearer {{setting.deskbridge_token}}', ...(subdomain ? { 'X-Deskbridge-Account': subdomain } : {}) },
    });
  } catch (err) {
    throw failure(err);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new RequestFailed(200, '');
  return parsed.data;
}

export const fetchSummary = (zaf: Zaf, ticketId: number) => deskbridge(zaf, summaryShape, `/api/v2/apps/sidebar/tickets/${ticketId}`);
export const requestResync = (zaf: Zaf, ticketId: number) => deskbridge(zaf, resyncShape, `/api/v2/apps/sidebar/tickets/${ticketId}/resync`, 'POST');

// Zendesk's customer profiles and events APIs, asked of the host itself (Zendesk, or deskbridge's agent view).
const profileShape = z.object({
  id: z.union([z.string(), z.number()]),
  source: z.string(),
  type: z.optional(z.string()),
  name: z.optional(z.nullable(z.string())),
  identifiers: z.optional(z.array(z.object({ type: z.string(), value: z.string() }))),
  attributes: z.optional(z.record(z.string(), z.unknown())),
});
const eventShape = z.object({
  id: z.union([z.string(), z.number()]),
  source: z.string(),
  type: z.string(),
  description: z.optional(z.nullable(z.string())),
  created_at: z.string(),
  properties: z.optional(z.record(z.string(), z.unknown())),
});
export type Profile = z.infer<typeof profileShape>;
export type CustomerEvent = z.infer<typeof eventShape>;

/** The list under `key`, or null when the host has no such API (yet) or refuses: the app then shows its empty state. */
async function optionalList<T>(zaf: Zaf, url: string, key: string, item: z.ZodMiniType<T>): Promise<T[] | null> {
  try {
    const body = await zaf.client.request<Record<string, unknown>>({ url, type: 'GET', dataType: 'json' });
    const parsed = z.array(item).safeParse(body?.[key]);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export const fetchProfiles = (zaf: Zaf, userId: number) => optionalList(zaf, `/api/v2/users/${userId}/profiles`, 'profiles', profileShape);
export const fetchEvents = (zaf: Zaf, userId: number) => optionalList(zaf, `/api/v2/users/${userId}/events`, 'events', eventShape);
