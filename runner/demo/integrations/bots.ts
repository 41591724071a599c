import { createOrderApiSandbox } from '../../sandboxes/order-api.ts';
import type { DemoContext, DemoIntegration } from './types.ts';

const NAME = 'orders';
/** Only the in-process sandbox knows it; the connection keeps it sealed. */
const API_KEY = 'orders-demo-key-2b8e61f0c9';
const CONNECTION = 'demo-orders';

type Named = { id: number; name: string };

/**
 * The demo's order-status API and what calls it: an account connection, a bot "make an API call"
 * step, two custom actions and an action flow chaining them, all created through the admin API.
 * Each tick a bot asks for an order's status, an agent's auto assist looks an order up, or a return
 * flow runs; now and then the order does not exist (error row) or the API is too slow for the
 * bot's 1.5 s timeout (warning row).
 */
export function botsDemo(): DemoIntegration {
  const orders = createOrderApiSandbox({ apiKey: API_KEY, slowMs: 3000 });
  const ids = { step: 0, lookup: 0, flow: 0 };

  async function call<T>(ctx: DemoContext, method: string, path: string, body?: unknown): Promise<T> {
    const res = await ctx.api(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }

  /** Creates the record, or updates the one of that name: setup runs on every start. */
  async function ensure(ctx: DemoContext, collection: string, envelope: string, body: { name: string } & Record<string, unknown>): Promise<number> {
    const list = await call<Record<string, Named[]>>(ctx, 'GET', `/api/v2/${collection}?per_page=100`);
    const found = Object.values(list).find(Array.isArray)?.find((r) => r.name === body.name);
    const saved = found
      ? await call<Record<string, Named>>(ctx, 'PUT', `/api/v2/${collection}/${found.id}`, { [envelope]: body })
      : await call<Record<string, Named>>(ctx, 'POST', `/api/v2/${collection}`, { [envelope]: body });
    return saved[envelope]!.id;
  }

  return {
    name: NAME,
    sandbox: (req) => orders.handle(req),
    async setup(ctx) {
      const base = `${ctx.baseUrl}/sandbox/${NAME}`;
      const connection = { type: 'api_key', header_name: 'X-Api-Key', api_key: API_KEY, allowed_domain: new URL(ctx.baseUrl).hostname };
      const exists = (await ctx.api(`/api/v2/integrations/http_connections/${CONNECTION}`)).ok;
      await call(ctx, exists ? 'PUT' : 'POST', `/api/v2/integrations/http_connections${exists ? `/${CONNECTION}` : ''}`, { connection: { name: CONNECTION, ...connection } });

      ids.step = await ensure(ctx, 'bots/steps', 'step', {
        name: 'Order status (demo bot)', method: 'GET', url: `${base}/v1/orders/{{order_id}}`, connection: CONNECTION, timeout_ms: 1500,
        save_variables: [{ name: 'order_status', path: '$.order.status' }, { name: 'eta', path: '$.order.eta' }, { name: 'carrier', path: '$.order.carrier' }],
      });
      const orderInput = { name: 'order_id', type: 'string', required: true, description: 'The order number, e.g. 1001' };
      ids.lookup = await ensure(ctx, 'actions', 'action', {
        name: 'Look up order', description: 'Status, carrier and customer of an order', method: 'GET', url: `${base}/v1/orders/{{order_id}}`, connection: CONNECTION,
        inputs: [orderInput], outputs: [{ name: 'order_status', path: '$.order.status' }, { name: 'customer_email', path: '$.order.email' }, { name: 'tracking_number', path: '$.order.tracking_number' }],
      });
      const openReturn = await ensure(ctx, 'actions', 'action', {
        name: 'Open a return', description: 'Creates a return and its shipping label', method: 'POST', url: `${base}/v1/returns`, connection: CONNECTION,
        body: { order_id: '{{order_id}}', reason: '{{reason}}' },
        inputs: [orderInput, { name: 'reason', type: 'string', required: false }],
        outputs: [{ name: 'return_id', path: '$.return.id' }, { name: 'label_url', path: '$.return.label_url' }],
      });
      ids.flow = await ensure(ctx, 'action_flows', 'action_flow', {
        name: 'Return an order', description: 'Looks the order up, then opens a return for it', inputs: [orderInput],
        steps: [{ action_id: ids.lookup }, { action_id: openReturn, inputs: { order_id: '{{order_id}}', reason: 'Requested by {{customer_email}} (order {{order_status}})' } }],
      });
    },
    async tick(ctx) {
      const roll = ctx.random();
      // Mostly real orders; sometimes one that does not exist, or the slow one.
      const orderId = roll < 0.12 ? String(9000 + Math.floor(ctx.random() * 999)) : roll < 0.2 ? 'slow-1004' : ['1001', '1002', '1003'][Math.floor(ctx.random() * 3)]!;
      const which = Math.floor(ctx.random() * 3);
      if (which === 0) await call(ctx, 'POST', `/api/v2/bots/steps/${ids.step}/invoke`, { variables: { order_id: orderId, visitor: 'Web widget visitor' } });
      else if (which === 1) await call(ctx, 'POST', `/api/v2/actions/${ids.lookup}/run`, { inputs: { order_id: orderId } });
      else await call(ctx, 'POST', `/api/v2/action_flows/${ids.flow}/test`, { inputs: { order_id: orderId === 'slow-1004' ? '1003' : orderId } });
    },
  };
}
