import { randomBytes } from 'node:crypto';

/**
 * A stand-in for the Sunshine Conversations v2 API (https://api.smooch.io/v2) for tests (msw) and
 * the demo (served on loopback): apps with API keys (basic auth `keyId:secret`), conversations and
 * their messages, Sunshine's error envelope (`{"errors":[{"code","title"}]}`), and a rate limit an
 * operator can switch on. `webhook()` builds the signed delivery Sunshine would send to deskbridge.
 */

export type SandboxMessage = {
  id: string; received: string; author: { type: 'user' | 'business'; displayName?: string; userId?: string };
  content: { type: 'text'; text: string };
};
export type SandboxConversation = { id: string; type: 'personal'; createdAt: string; metadata: Record<string, unknown> | null; messages: SandboxMessage[] };
export type SandboxApp = { id: string; keyId: string; keySecret: string; webhookSecret: string; conversations: Map<string, SandboxConversation> };

export type SunshineSandboxState = {
  apps: Map<string, SandboxApp>;
  /** Every API request received, oldest first (method, path, whether it authenticated). */
  requests: { method: string; path: string; authorized: boolean }[];
  /** The next N API calls answer 429 with Retry-After: 1. */
  throttleNext: number;
  /** The next N API calls answer 503. */
  failNext: number;
};

export type SunshineSandboxOptions = {
  apps?: { id: string; keyId: string; keySecret: string; webhookSecret: string; conversations?: string[] }[];
  now?: () => Date;
};

const ID = () => randomBytes(12).toString('hex');
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const sunshineError = (status: number, code: string, title: string, headers?: Record<string, string>) => json(status, { errors: [{ code, title }] }, headers);

export function createSunshineSandbox(opts: SunshineSandboxOptions = {}) {
  const now = opts.now ?? (() => new Date());
  const state: SunshineSandboxState = { apps: new Map(), requests: [], throttleNext: 0, failNext: 0 };

  function addApp(app: { id: string; keyId: string; keySecret: string; webhookSecret: string; conversations?: string[] }): SandboxApp {
    const entry: SandboxApp = { id: app.id, keyId: app.keyId, keySecret: app.keySecret, webhookSecret: app.webhookSecret, conversations: new Map() };
    state.apps.set(app.id, entry);
    for (const c of app.conversations ?? []) addConversation(app.id, c);
    return entry;
  }

  function addConversation(appId: string, id: string = ID(), metadata: Record<string, unknown> | null = null): SandboxConversation {
    const app = state.apps.get(appId);
    if (!app) throw new Error(`sunshine sandbox: no app ${appId}`);
    const conversation: SandboxConversation = { id, type: 'personal', createdAt: now().toISOString(), metadata, messages: [] };
    app.conversations.set(id, conversation);
    return conversation;
  }

  const conversationShape = (c: SandboxConversation) => ({
    id: c.id, type: c.type, metadata: c.metadata, isDefault: true, activeSwitchboardIntegration: null, lastUpdatedAt: c.messages.at(-1)?.received ?? c.createdAt,
  });

  function authorized(req: Request, app: SandboxApp): boolean {
    const header = req.headers.get('authorization') ?? '';
    if (!header.startsWith('Basic ')) return false;
    return Buffer.from(header.slice(6), 'base64').toString() === `${app.keyId}:${app.keySecret}`;
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const m = /^\/v2\/apps\/([^/]+)\/conversations(?:\/([^/]+)(\/messages)?)?\/?$/.exec(url.pathname);
    const app = m ? state.apps.get(decodeURIComponent(m[1]!)) : undefined;
    const ok = app ? authorized(req, app) : false;
    state.requests.push({ method: req.method, path: url.pathname, authorized: ok });
    if (!m) return sunshineError(404, 'not_found', 'Resource not found');
    if (!app || !ok) return sunshineError(401, 'unauthorized', 'Authorization is required');
    if (state.throttleNext > 0) {
      state.throttleNext--;
      return sunshineError(429, 'too_many_requests', 'Rate limit exceeded', { 'retry-after': '1' });
    }
    if (state.failNext > 0) {
      state.failNext--;
      return sunshineError(503, 'service_unavailable', 'Service temporarily unavailable');
    }
    const [, , conversationId, messages] = m;
    if (!conversationId) {
      if (req.method !== 'POST') return sunshineError(405, 'method_not_allowed', 'Method not allowed');
      const body = await readJson(req) as { metadata?: Record<string, unknown> } | undefined;
      return json(201, { conversation: conversationShape(addConversation(app.id, ID(), body?.metadata ?? null)) });
    }
    const conversation = app.conversations.get(decodeURIComponent(conversationId));
    if (!conversation) return sunshineError(404, 'conversation_not_found', 'Conversation not found');
    if (!messages) {
      if (req.method !== 'GET') return sunshineError(405, 'method_not_allowed', 'Method not allowed');
      return json(200, { conversation: conversationShape(conversation) });
    }
    if (req.method === 'GET') return json(200, { messages: conversation.messages, meta: { hasMore: false } });
    if (req.method !== 'POST') return sunshineError(405, 'method_not_allowed', 'Method not allowed');
    const body = await readJson(req) as { author?: { type?: string; displayName?: string }; content?: { type?: string; text?: unknown } } | undefined;
    if (body?.author?.type !== 'business' && body?.author?.type !== 'user') return sunshineError(400, 'bad_request', 'author.type must be business or user');
    if (body.content?.type !== 'text' || typeof body.content.text !== 'string' || !body.content.text) return sunshineError(400, 'bad_request', 'content must be a text message with text');
    const message: SandboxMessage = {
      id: ID(), received: now().toISOString(), author: { type: body.author.type, ...(body.author.displayName ? { displayName: body.author.displayName } : {}) },
      content: { type: 'text', text: body.content.text },
    };
    conversation.messages.push(message);
    return json(201, { messages: [message] });
  }

  /**
   * A customer writes in a conversation: the message is stored (when the conversation exists) and
   * the webhook Sunshine would send for it is returned, its X-API-Key set to the app's webhook secret.
   */
  function userMessage(appId: string, conversationId: string, text: string, opts: { secret?: string } = {}) {
    const app = state.apps.get(appId);
    if (!app) throw new Error(`sunshine sandbox: no app ${appId}`);
    const message: SandboxMessage = { id: ID(), received: now().toISOString(), author: { type: 'user', displayName: 'Customer', userId: 'user-1' }, content: { type: 'text', text } };
    app.conversations.get(conversationId)?.messages.push(message);
    return webhook(app, [{ type: 'conversation:message', payload: { conversation: { id: conversationId, type: 'personal' }, message } }], opts.secret);
  }

  /** The delivery of some events, as Sunshine signs it (X-API-Key: the webhook secret, unless another is given). */
  function webhook(app: SandboxApp, events: { type: string; payload: Record<string, unknown> }[], secret = app.webhookSecret) {
    const body = JSON.stringify({
      app: { id: app.id }, webhook: { id: `wh-${app.id}`, version: 'v2' },
      events: events.map((e) => ({ id: ID(), createdAt: now().toISOString(), ...e })),
    });
    return { body, headers: { 'content-type': 'application/json', 'x-api-key': secret, 'user-agent': 'Smooch/1.0' }, eventIds: (JSON.parse(body) as { events: { id: string }[] }).events.map((e) => e.id) };
  }

  for (const app of opts.apps ?? []) addApp(app);
  return { handle, state, addApp, addConversation, userMessage, webhook };
}

export type SunshineSandbox = ReturnType<typeof createSunshineSandbox>;

/** Posts a webhook built by the sandbox to deskbridge's public endpoint (`POST /webhooks/sunshine/{appId}`). */
export async function sendSunshineWebhook(baseUrl: string, appId: string, delivery: { body: string; headers: Record<string, string> }, fetchFn: typeof fetch = fetch) {
  return fetchFn(`${baseUrl.replace(/\/+$/, '')}/webhooks/sunshine/${encodeURIComponent(appId)}`, { method: 'POST', headers: delivery.headers, body: delivery.body });
}

async function readJson(req: Request): Promise<unknown> {
  try { return await req.json(); } catch { return undefined; }
}
