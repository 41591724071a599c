import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOP, shopifyWorld, WEBHOOK_URL, type ShopifyWorld } from './world.ts';

let w: ShopifyWorld;
let erinId: number;
const stamps = ['2026-02-10T10:00:00Z', '2026-02-12T10:00:00Z', '2026-02-11T10:00:00Z', '2026-02-13T10:00:00Z', '2026-02-09T10:00:00Z'];

beforeAll(async () => {
  w = await shopifyWorld();
  erinId = w.world.acme.endUser.user.id;
  // Delivered out of order: the timeline follows when things happened in Shopify, not arrival.
  for (const [i, at] of stamps.entries()) {
    await w.store.deliver(SHOP, 'customers/update', {
      id: 7_200_000_001, email: 'erin@customer-acme.test', first_name: 'Erin', last_name: 'Enduser', orders_count: i, updated_at: at,
    }, { address: WEBHOOK_URL });
  }
  await w.world.engine!.drain();
});
afterAll(async () => { await w.close(); });

type EventsPage = { events: { created_at: string; type: string; properties: { orders_count: number } }[]; meta: { has_more: boolean }; links: { next: string | null; prev: string | null } };
const get = (path: string, as?: Parameters<ShopifyWorld['world']['call']>[2]) => w.world.call('GET', path, as);
const pathOf = (link: string) => { const u = new URL(link); return u.pathname + u.search; };

describe('GET /api/v2/users/{id}/events and /profiles', () => {
  it('lists events newest first by when they happened, in cursor pages that link both ways', async () => {
    const all = (await get(`/api/v2/users/${erinId}/events`)).json as EventsPage;
    expect(all.events.map((e) => e.created_at)).toEqual([...stamps].sort().reverse().map((s) => new Date(s).toISOString()));
    const first = (await get(`/api/v2/users/${erinId}/events?page[size]=2`)).json as EventsPage;
    expect(first.events.map((e) => e.properties.orders_count)).toEqual([3, 1]);
    expect(first.meta.has_more).toBe(true);
    expect(first.links.prev).toBeNull();
    const second = (await get(pathOf(first.links.next!))).json as EventsPage;
    expect(second.events.map((e) => e.properties.orders_count)).toEqual([2, 0]);
    const third = (await get(pathOf(second.links.next!))).json as EventsPage;
    expect(third.events.map((e) => e.properties.orders_count)).toEqual([4]);
    expect(third.meta.has_more).toBe(false);
    expect(third.links.next).toBeNull();
    const back = (await get(pathOf(second.links.prev!))).json as EventsPage;
    expect(back.events.map((e) => e.properties.orders_count)).toEqual([3, 1]);
  });

  it('filters by type and source, and refuses a cursor it did not issue', async () => {
    expect(((await get(`/api/v2/users/${erinId}/events?filter[type]=customer_updated`)).json as EventsPage).events).toHaveLength(5);
    expect(((await get(`/api/v2/users/${erinId}/events?filter[source]=salesforce`)).json as EventsPage).events).toHaveLength(0);
    const bad = await get(`/api/v2/users/${erinId}/events?page[after]=not-a-cursor`);
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: 'InvalidPaginationParameter' });
    expect((await get(`/api/v2/users/${erinId}/events?page[size]=1000`)).status).toBe(400);
  });

  it('shows the one Shopify profile with its identifiers and attributes', async () => {
    const res = await get(`/api/v2/users/${erinId}/profiles`);
    expect(res.json.profiles).toMatchObject([{
      user_id: erinId, source: 'shopify', type: 'customer', name: 'Erin Enduser',
      identifiers: [{ type: 'email', value: 'erin@customer-acme.test' }, { type: 'shopify_customer_id', value: '7200000001' }],
      attributes: { shop: SHOP, orders_count: 4 },
    }]);
  });

  it('is for agents and admins of the account only; unknown or foreign users are 404', async () => {
    expect((await get(`/api/v2/users/${erinId}/events`, { as: w.world.acme.agent })).status).toBe(200);
    expect((await get(`/api/v2/users/${erinId}/profiles`, { as: w.world.acme.endUser })).status).toBe(403);
    expect((await get(`/api/v2/users/${erinId}/events`, { as: null })).status).toBe(401);
    expect((await get('/api/v2/users/999999/events')).status).toBe(404);
    const foreign = await get(`/api/v2/users/${erinId}/profiles`, { account: w.world.globex });
    expect(foreign.status).toBe(404);
    expect(foreign.json).toMatchObject({ error: 'RecordNotFound' });
  });
});
