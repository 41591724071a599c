import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../../../runner/core/crypto.ts';
import { createInstallation } from '../../../runner/engine/installations.ts';
import shopify from '../../../runner/connectors/shopify/index.ts';
import { closeTestEngines, createTestEngine } from '../../helpers/runner.ts';
import { createWorld, type World } from '../../helpers/world.ts';
import { shopifyMock } from '../../mocks/shopify.ts';

export const SHOP = 'acme-store.myshopify.com';
export const APP_SECRET = 'shpss_0123456789abcdef0123456789abcdef';
/** The address an admin gives Shopify for this store (the webhookKey: the part before .myshopify.com). */
export const WEBHOOK_URL = 'http://localhost/webhooks/shopify/acme-store';

/**
 * A world (two accounts, the HTTP app, an engine running the Shopify connector), acme connected to
 * the store `acme-store`, and the store's sandbox sending its webhooks through the app as Shopify would.
 */
export async function shopifyWorld(settings: Record<string, unknown> = {}) {
  const box = createSecretBox(randomBytes(32));
  const world: World = await createWorld({ engine: (database, clock) => createTestEngine(database, clock, { secrets: box, connectors: [shopify] }).engine });
  const installation = await createInstallation(world.db, box, {
    accountId: world.acme.id, connectorId: 'shopify', name: 'Acme store', settings: { shopDomain: SHOP, ...settings }, credentials: { appSecret: APP_SECRET },
  }, world.clock);
  const store = shopifyMock({
    shops: [{ domain: SHOP, appSecret: APP_SECRET }],
    // Shopify posts to the account's own host; in tests the account header stands for it.
    fetch: (url, init) => Promise.resolve(world.app.request(url, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-deskbridge-account': 'acme' } })),
  });
  store.subscribe(SHOP, 'customers/create', WEBHOOK_URL);
  store.subscribe(SHOP, 'orders/create', WEBHOOK_URL);
  store.subscribe(SHOP, 'orders/paid', WEBHOOK_URL);
  store.subscribe(SHOP, 'fulfillments/create', WEBHOOK_URL);

  /** Integration log rows of Shopify through the log API (admins), oldest first. */
  async function shopifyLogs(status?: string) {
    const window = `start_time=${new Date(Date.now() - 3_600_000).toISOString()}&end_time=${new Date(Date.now() + 3_600_000).toISOString()}`;
    const res = await world.call('GET', `/api/v2/integrations/logs?product=Shopify&page[size]=100&${window}${status ? `&status=${status}` : ''}`);
    return (res.json.logs as { status: string; description: string; details: Record<string, unknown>; job_id: number }[]).reverse();
  }

  return {
    world, store, installation, shopifyLogs,
    async close() { await closeTestEngines(); await world.close(); },
  };
}

export type ShopifyWorld = Awaited<ReturnType<typeof shopifyWorld>>;

export const mug = { title: 'Deskbridge mug', quantity: 2, price: '29.50' };
