/**
 * A stand-in for the kind of webhook receiver the public ZIS tutorials post to (webhook.site, a
 * Slack incoming webhook, a team's own endpoint), for tests (msw) and the demo (loopback). It keeps
 * what it receives, checks a bearer token when given one, and fails on request:
 * - any path under `/status/{code}` answers that status (a receiver that refuses);
 * - `failEvery: n` answers 503 with Retry-After to every n-th delivery (a receiver under load);
 * - `GET /requests` lists the latest deliveries, newest first.
 */

export type SinkDelivery = { id: number; method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body: unknown; receivedAt: string };
export type WebhookSinkState = { received: SinkDelivery[]; count: number };
export type WebhookSinkOptions = { token?: string; failEvery?: number; keep?: number; now?: () => Date };

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** Request headers a receiver's log would show; credentials are not kept. */
const HIDDEN_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

export function createWebhookSinkSandbox(opts: WebhookSinkOptions = {}) {
  const keep = opts.keep ?? 200;
  const now = opts.now ?? (() => new Date());
  const state: WebhookSinkState = { received: [], count: 0 };

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (req.method === 'GET' && url.pathname === '/requests') return json(200, { requests: [...state.received].reverse().slice(0, 50) });
    if (!['POST', 'PUT', 'PATCH'].includes(req.method)) return json(405, { error: 'MethodNotAllowed', message: 'Deliveries are POST, PUT or PATCH' });
    if (opts.token && req.headers.get('authorization') !== `Bearer ${opts.token}`) {
      return json(401, { error: 'Unauthorized', message: 'Missing or wrong bearer token' }, { 'www-authenticate': 'Bearer' });
    }
    const text = await req.text();
    let body: unknown = text;
    if ((req.headers.get('content-type') ?? '').includes('json')) {
      try { body = text ? JSON.parse(text) : null; } catch { return json(400, { error: 'InvalidJSON', message: 'The body is not valid JSON' }); }
    }
    state.count++;
    const forced = /^\/status\/(\d{3})(\/|$)/.exec(url.pathname);
    if (forced) return json(Number(forced[1]), { error: 'Refused', message: `This endpoint always answers ${forced[1]}` });
    if (opts.failEvery && state.count % opts.failEvery === 0) return json(503, { error: 'Busy', message: 'The receiver is overloaded, try again' }, { 'retry-after': '1' });
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => { if (!HIDDEN_HEADERS.has(k)) headers[k] = v; });
    const delivery: SinkDelivery = {
      id: state.count, method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body, receivedAt: now().toISOString(),
    };
    state.received.push(delivery);
    if (state.received.length > keep) state.received.shift();
    return json(200, { received: true, id: delivery.id });
  }

  return { handle, state };
}
