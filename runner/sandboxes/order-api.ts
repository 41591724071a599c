import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A small order-status API, the kind a bot's API call step or an auto assist action calls:
 * `GET /v1/orders/{id}`, `GET /v1/orders?email=`, `POST /v1/returns`. Authenticated by an
 * `X-Api-Key` header; errors as `{"error": code, "message": …}`. An order whose id starts with
 * "slow" answers after `slowMs`, for timeouts.
 */

export type SandboxOrder = {
  id: string; status: 'processing' | 'shipped' | 'delivered' | 'cancelled'; email: string; total: string; currency: string;
  carrier: string | null; tracking_number: string | null; eta: string | null; items: { sku: string; name: string; quantity: number }[];
};
export type SandboxReturn = { id: string; order_id: string; reason: string; label_url: string; created_at: string };

export type OrderApiState = {
  orders: Map<string, SandboxOrder>;
  returns: SandboxReturn[];
  /** Every request received: method, path, and the API key it carried (tests check what was sent). */
  requests: { method: string; path: string; apiKey: string | null; body: unknown }[];
};

export type OrderApiOptions = { apiKey?: string; orders?: SandboxOrder[]; slowMs?: number; now?: () => Date };

export const DEFAULT_ORDERS: SandboxOrder[] = [
  { id: '1001', status: 'shipped', email: 'erin@customer.example', total: '59.90', currency: 'EUR', carrier: 'DHL', tracking_number: 'JD014600006281', eta: '2026-03-05', items: [{ sku: 'MUG-01', name: 'Enamel mug', quantity: 2 }] },
  { id: '1002', status: 'delivered', email: 'sam@customer.example', total: '120.00', currency: 'EUR', carrier: 'UPS', tracking_number: '1Z999AA10123456784', eta: null, items: [{ sku: 'KETTLE-3', name: 'Kettle', quantity: 1 }] },
  { id: '1003', status: 'processing', email: 'erin@customer.example', total: '15.00', currency: 'EUR', carrier: null, tracking_number: null, eta: '2026-03-09', items: [{ sku: 'TEA-10', name: 'Green tea', quantity: 3 }] },
  { id: 'slow-1004', status: 'shipped', email: 'kim@customer.example', total: '42.00', currency: 'EUR', carrier: 'DPD', tracking_number: '01234567890123', eta: '2026-03-06', items: [] },
];

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const problem = (status: number, error: string, message: string) => json(status, { error, message });

export function createOrderApiSandbox(opts: OrderApiOptions = {}) {
  const apiKey = opts.apiKey ?? 'orders-demo-key-7c1f';
  const slowMs = opts.slowMs ?? 3000;
  const now = opts.now ?? (() => new Date());
  const state: OrderApiState = { orders: new Map((opts.orders ?? DEFAULT_ORDERS).map((o) => [o.id, { ...o }])), returns: [], requests: [] };

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const text = req.method === 'GET' || req.method === 'HEAD' ? '' : await req.text();
    let body: unknown;
    try { body = text ? JSON.parse(text) : undefined; } catch { body = text; }
    const given = req.headers.get('x-api-key');
    state.requests.push({ method: req.method, path: url.pathname + url.search, apiKey: given, body });
    if (given !== apiKey) return problem(401, 'unauthorized', 'A valid X-Api-Key header is required');

    const one = /^\/v1\/orders\/([^/]+)$/.exec(url.pathname);
    if (one && req.method === 'GET') {
      const id = decodeURIComponent(one[1]!);
      if (id.startsWith('slow')) await sleep(slowMs);
      const order = state.orders.get(id);
      return order ? json(200, { order }) : problem(404, 'not_found', `Order ${id} not found`);
    }
    if (url.pathname === '/v1/orders' && req.method === 'GET') {
      const email = url.searchParams.get('email')?.toLowerCase();
      if (!email) return problem(400, 'invalid_request', 'The email parameter is required');
      return json(200, { orders: [...state.orders.values()].filter((o) => o.email === email), count: [...state.orders.values()].filter((o) => o.email === email).length });
    }
    if (url.pathname === '/v1/returns' && req.method === 'POST') {
      const input = body as { order_id?: unknown; reason?: unknown } | undefined;
      if (typeof input?.order_id !== 'string' || !input.order_id) return problem(422, 'invalid_request', 'order_id is required');
      const order = state.orders.get(input.order_id);
      if (!order) return problem(404, 'not_found', `Order ${input.order_id} not found`);
      if (order.status !== 'delivered' && order.status !== 'shipped') return problem(409, 'not_returnable', `Order ${order.id} is ${order.status} and cannot be returned yet`);
      const ret: SandboxReturn = {
        id: `RMA-${1000 + state.returns.length + 1}`, order_id: order.id, reason: typeof input.reason === 'string' ? input.reason : '',
        label_url: `${url.origin}/labels/RMA-${1000 + state.returns.length + 1}.pdf`, created_at: now().toISOString(),
      };
      state.returns.push(ret);
      return json(201, { return: ret });
    }
    return problem(404, 'not_found', `No route for ${req.method} ${url.pathname}`);
  }

  return { handle, state, apiKey };
}

export type OrderApiSandbox = ReturnType<typeof createOrderApiSandbox>;
