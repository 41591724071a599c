import { createShopifySandbox, type SandboxOrder } from '../../sandboxes/shopify.ts';
import { FIRST_NAMES, LAST_NAMES } from '../random.ts';
import type { DemoContext, DemoIntegration } from './types.ts';

const SHOP = 'deskbridge-demo.myshopify.com';
/** Only the in-process sandbox knows it: it signs the webhooks the connector checks. */
const APP_SECRET = 'shpss_demo_0f3c9a51e2b84d7d9a6c1e5b7f2d4a80';
const TOPICS = ['customers/create', 'orders/create', 'orders/paid', 'fulfillments/create'];
const PRODUCTS = [
  { title: 'Deskbridge mug', price: '12.00' }, { title: 'Support hero T-shirt', price: '24.00' }, { title: 'Noise-cancelling headset', price: '89.00' },
  { title: 'Ergonomic keyboard', price: '59.00' }, { title: 'Sticker pack', price: '3.50' }, { title: 'Standing desk mat', price: '39.90' },
];

/**
 * The demo's Shopify store: a sandbox that posts signed webhooks to deskbridge's public address
 * (`/webhooks/shopify/deskbridge-demo`) exactly as Shopify would. Each tick the store does one thing:
 * a known customer orders (their events land on the existing user), a new customer signs up and
 * orders (a new end-user), an order ships, or, now and then, a forged delivery (401 + warning row) or
 * a broken payload (error row).
 */
export function shopifyDemo(): DemoIntegration {
  const store = createShopifySandbox({
    shops: [{ domain: SHOP, appSecret: APP_SECRET, currency: 'EUR' }],
    // Shopify reaches the account by its host name; on loopback the demo account is named instead.
    fetch: (url, init) => fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-deskbridge-account': 'demo' } }),
  });
  let address = '';

  async function knownCustomerEmails(ctx: DemoContext): Promise<string[]> {
    const res = await ctx.api('/api/v2/users?role=end-user&per_page=30');
    if (!res.ok) return [];
    const body = (await res.json()) as { users?: { email?: string }[] };
    return (body.users ?? []).map((u) => u.email).filter((e): e is string => Boolean(e));
  }

  const pick = <T>(ctx: DemoContext, xs: readonly T[]): T => xs[Math.floor(ctx.random() * xs.length)]!;
  const basket = (ctx: DemoContext) => Array.from({ length: 1 + Math.floor(ctx.random() * 3) }, () => ({ ...pick(ctx, PRODUCTS), quantity: 1 + Math.floor(ctx.random() * 2) }));

  return {
    name: 'shopify',
    sandbox: (req) => store.handle(req),
    async setup(ctx) {
      await ctx.install({
        connectorId: 'shopify', name: 'Demo store (sandbox)',
        settings: { shopDomain: SHOP, customers: true, orders: true, fulfillments: true, checkouts: false },
        credentials: { appSecret: APP_SECRET },
      });
      address = `${ctx.baseUrl}/webhooks/shopify/deskbridge-demo`;
      const shop = store.state.shops.get(SHOP)!;
      for (const topic of TOPICS) if (!shop.subscriptions.some((s) => s.topic === topic && s.address === address)) store.subscribe(SHOP, topic, address);
    },
    async tick(ctx) {
      const roll = ctx.random();
      const open = [...store.state.shops.get(SHOP)!.orders.values()].filter((o: SandboxOrder) => o.fulfillment_status === null);
      if (roll < 0.06) {
        await store.deliver(SHOP, 'orders/create', { id: 1, note: 'forged' }, { address, badSignature: true });
      } else if (roll < 0.1) {
        await store.deliver(SHOP, 'orders/create', { id: 2, name: '#9999', email: 'broken@example.test', created_at: 'not a date' }, { address });
      } else if (roll < 0.35 && open.length > 0) {
        await store.fulfillOrder(SHOP, pick(ctx, open).id);
      } else if (roll < 0.7) {
        const emails = await knownCustomerEmails(ctx);
        if (emails.length > 0) {
          await store.createOrder(SHOP, { email: pick(ctx, emails), line_items: basket(ctx) });
          return;
        }
        await newCustomerOrders(ctx);
      } else {
        await newCustomerOrders(ctx);
      }
    },
  };

  async function newCustomerOrders(ctx: DemoContext) {
    const first = pick(ctx, FIRST_NAMES);
    const last = pick(ctx, LAST_NAMES);
    const email = `${first}.${last}.${Math.floor(ctx.random() * 10_000)}@shoppers.example`.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    await store.createOrder(SHOP, { email, first_name: first, last_name: last, line_items: basket(ctx) });
  }
}
