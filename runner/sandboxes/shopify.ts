import { createHmac, randomUUID } from 'node:crypto';

/**
 * A stand-in for a Shopify store, for tests (msw) and the demo (served on loopback). Shopify's side
 * of the integration is mostly outbound: the store POSTs signed webhooks to the subscribed address
 * (`deliver`, `createCustomer`, `createOrder`, `fulfillOrder` send them like Shopify does: raw JSON
 * body, base64 HMAC-SHA256 in X-Shopify-Hmac-Sha256, topic, shop domain, webhook id). `handle` answers
 * the few Admin REST calls around that (2024-10): shop, customers, orders, webhook subscriptions,
 * with Shopify's token auth, error bodies (`{"errors": …}`), call-limit header and 429 throttling.
 */

export type SandboxCustomer = {
  id: number; email: string; first_name: string; last_name: string; phone: string | null; state: string; tags: string;
  orders_count: number; total_spent: string; currency: string; created_at: string; updated_at: string;
};
export type SandboxLineItem = { title: string; quantity: number; price: string };
export type SandboxOrder = {
  id: number; name: string; order_number: number; email: string; total_price: string; currency: string;
  financial_status: string; fulfillment_status: string | null; cancel_reason: string | null; cancelled_at: string | null;
  created_at: string; updated_at: string; customer: SandboxCustomer; line_items: SandboxLineItem[];
};
export type SandboxShop = {
  domain: string; appSecret: string; accessToken: string; currency: string;
  customers: Map<number, SandboxCustomer>; orders: Map<number, SandboxOrder>;
  subscriptions: { id: number; topic: string; address: string }[];
  nextOrderNumber: number;
};
/** One webhook the store sent, with the answer it got. */
export type SandboxDelivery = { shop: string; topic: string; address: string; webhookId: string; status: number; body: string; signatureValid: boolean };

export type ShopifySandboxState = {
  shops: Map<string, SandboxShop>;
  requests: { method: string; path: string; authorized: boolean }[];
  deliveries: SandboxDelivery[];
  /** The next N Admin API calls answer 429 with Retry-After: 2. */
  throttleNext: number;
};

export type ShopifySandboxOptions = {
  shops?: { domain: string; appSecret: string; accessToken?: string; currency?: string }[];
  /** How webhooks are sent (default: global fetch); tests pass the Hono app's `request`. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  now?: () => Date;
};

export const SHOPIFY_API_VERSION = '2024-10';
const CALL_LIMIT = 40;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });

/** Shopify's signature over the exact bytes sent. */
export const shopifySignature = (body: string, secret: string) => createHmac('sha256', secret).update(body, 'utf8').digest('base64');

export function createShopifySandbox(opts: ShopifySandboxOptions = {}) {
  const now = () => (opts.now ?? (() => new Date()))().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const send = opts.fetch ?? ((url, init) => fetch(url, init));
  const state: ShopifySandboxState = { shops: new Map(), requests: [], deliveries: [], throttleNext: 0 };
  // Shopify ids are large integers; these stay below 2^53.
  let nextId = 7_000_000_001;

  function addShop(s: { domain: string; appSecret: string; accessToken?: string; currency?: string }): SandboxShop {
    const shop: SandboxShop = {
      domain: s.domain, appSecret: s.appSecret, accessToken: s.accessToken ?? `shpat_${randomUUID().replace(/-/g, '')}`, currency: s.currency ?? 'USD',
      customers: new Map(), orders: new Map(), subscriptions: [], nextOrderNumber: 1001,
    };
    state.shops.set(s.domain, shop);
    return shop;
  }
  for (const s of opts.shops ?? []) addShop(s);

  const shopOf = (domain: string) => {
    const shop = state.shops.get(domain);
    if (!shop) throw new Error(`shopify sandbox: no shop ${domain}`);
    return shop;
  };

  /** Subscribes an address to a topic, as `POST /admin/api/…/webhooks.json` does. */
  function subscribe(domain: string, topic: string, address: string) {
    const sub = { id: nextId++, topic, address };
    shopOf(domain).subscriptions.push(sub);
    return sub;
  }

  /**
   * Sends one webhook like Shopify: to `address`, or to every subscription of the topic. `badSignature`
   * signs with a wrong secret; `webhookId` reuses an id (a redelivery); `body` sends raw text as is.
   */
  async function deliver(domain: string, topic: string, payload: unknown, o: { address?: string; webhookId?: string; badSignature?: boolean; body?: string } = {}) {
    const shop = shopOf(domain);
    const addresses = o.address ? [o.address] : shop.subscriptions.filter((s) => s.topic === topic).map((s) => s.address);
    const body = o.body ?? JSON.stringify(payload);
    const webhookId = o.webhookId ?? randomUUID();
    const out: SandboxDelivery[] = [];
    for (const address of addresses) {
      const res = await send(address, {
        method: 'POST', body,
        headers: {
          'content-type': 'application/json', 'user-agent': 'Shopify-Captain-Hook',
          'x-shopify-topic': topic, 'x-shopify-shop-domain': shop.domain, 'x-shopify-api-version': SHOPIFY_API_VERSION,
          'x-shopify-webhook-id': webhookId, 'x-shopify-event-id': randomUUID(), 'x-shopify-triggered-at': new Date().toISOString(),
          'x-shopify-hmac-sha256': shopifySignature(body, o.badSignature ? `${shop.appSecret}-wrong` : shop.appSecret),
        },
      });
      const delivery = { shop: shop.domain, topic, address, webhookId, status: res.status, body: await res.text(), signatureValid: !o.badSignature };
      state.deliveries.push(delivery);
      out.push(delivery);
    }
    return out;
  }

  async function createCustomer(domain: string, c: { email: string; first_name: string; last_name: string; phone?: string | null }) {
    const shop = shopOf(domain);
    const at = now();
    const customer: SandboxCustomer = {
      id: nextId++, email: c.email.toLowerCase(), first_name: c.first_name, last_name: c.last_name, phone: c.phone ?? null, state: 'enabled', tags: '',
      orders_count: 0, total_spent: '0.00', currency: shop.currency, created_at: at, updated_at: at,
    };
    shop.customers.set(customer.id, customer);
    return { customer, deliveries: await deliver(domain, 'customers/create', customer) };
  }

  /** Places an order (creating its customer when the email is new: customers/create) and sends orders/create then orders/paid. */
  async function createOrder(domain: string, o: { email: string; first_name?: string; last_name?: string; line_items: SandboxLineItem[] }) {
    const shop = shopOf(domain);
    const deliveries: SandboxDelivery[] = [];
    let customer = [...shop.customers.values()].find((c) => c.email === o.email.toLowerCase());
    if (!customer) {
      const created = await createCustomer(domain, { email: o.email, first_name: o.first_name ?? '', last_name: o.last_name ?? '' });
      customer = created.customer;
      deliveries.push(...created.deliveries);
    }
    const total = o.line_items.reduce((sum, l) => sum + Number(l.price) * l.quantity, 0).toFixed(2);
    const at = now();
    customer.orders_count += 1;
    customer.total_spent = (Number(customer.total_spent) + Number(total)).toFixed(2);
    customer.updated_at = at;
    const number = shop.nextOrderNumber++;
    const order: SandboxOrder = {
      id: nextId++, name: `#${number}`, order_number: number, email: customer.email, total_price: total, currency: shop.currency,
      financial_status: 'pending', fulfillment_status: null, cancel_reason: null, cancelled_at: null, created_at: at, updated_at: at,
      customer: { ...customer }, line_items: o.line_items,
    };
    shop.orders.set(order.id, order);
    deliveries.push(...await deliver(domain, 'orders/create', order));
    order.financial_status = 'paid';
    deliveries.push(...await deliver(domain, 'orders/paid', order));
    return { order, deliveries };
  }

  async function fulfillOrder(domain: string, orderId: number, tracking = { company: 'UPS', number: `1Z${String(nextId).slice(-10)}` }) {
    const order = shopOf(domain).orders.get(orderId);
    if (!order) throw new Error(`shopify sandbox: no order ${orderId}`);
    order.fulfillment_status = 'fulfilled';
    order.updated_at = now();
    const fulfillment = {
      id: nextId++, order_id: order.id, name: `${order.name}.1`, email: order.email, status: 'success', shipment_status: null,
      tracking_company: tracking.company, tracking_number: tracking.number, tracking_url: `https://www.ups.com/track?tracknum=${tracking.number}`,
      created_at: order.updated_at, updated_at: order.updated_at, line_items: order.line_items,
    };
    return { fulfillment, deliveries: await deliver(domain, 'fulfillments/create', fulfillment) };
  }

  // ---- Admin REST ------------------------------------------------------------------------------
  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const token = req.headers.get('x-shopify-access-token');
    const byHost = state.shops.get(url.hostname);
    const shop = byHost ?? [...state.shops.values()].find((s) => s.accessToken === token);
    const authorized = Boolean(shop && token && shop.accessToken === token);
    state.requests.push({ method: req.method, path: url.pathname, authorized });
    const m = url.pathname.match(/\/admin\/api\/(\d{4}-\d{2})\/(.+)\.json$/);
    if (!m) return json(404, { errors: 'Not Found' });
    if (!authorized) return json(401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    if (state.throttleNext > 0) {
      state.throttleNext--;
      return json(429, { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' }, { 'retry-after': '2.0' });
    }
    const limit = { 'x-shopify-shop-api-call-limit': `1/${CALL_LIMIT}` };
    const s = shop!;
    const [resource, id] = m[2]!.split('/');
    if (req.method === 'GET' && resource === 'shop' && !id) return json(200, { shop: { domain: s.domain, myshopify_domain: s.domain, currency: s.currency } }, limit);
    if (req.method === 'GET' && resource === 'customers') {
      if (!id) return json(200, { customers: [...s.customers.values()] }, limit);
      const c = s.customers.get(Number(id));
      return c ? json(200, { customer: c }, limit) : json(404, { errors: 'Not Found' });
    }
    if (req.method === 'GET' && resource === 'orders') {
      if (!id) return json(200, { orders: [...s.orders.values()] }, limit);
      const o = s.orders.get(Number(id));
      return o ? json(200, { order: o }, limit) : json(404, { errors: 'Not Found' });
    }
    if (resource === 'webhooks' && !id) {
      if (req.method === 'GET') return json(200, { webhooks: s.subscriptions.map((w) => ({ ...w, format: 'json', api_version: SHOPIFY_API_VERSION })) }, limit);
      if (req.method === 'POST') {
        const body = (await req.json().catch(() => null)) as { webhook?: { topic?: unknown; address?: unknown } } | null;
        const { topic, address } = body?.webhook ?? {};
        if (typeof topic !== 'string' || typeof address !== 'string' || !/^https?:\/\//.test(address)) {
          return json(422, { errors: { webhook: ['topic and address (an http(s) URL) are required'] } });
        }
        return json(201, { webhook: { ...subscribe(s.domain, topic, address), format: 'json', api_version: SHOPIFY_API_VERSION } }, limit);
      }
    }
    return json(404, { errors: 'Not Found' });
  }

  return { handle, state, addShop, subscribe, deliver, createCustomer, createOrder, fulfillOrder };
}

export type ShopifySandbox = ReturnType<typeof createShopifySandbox>;
