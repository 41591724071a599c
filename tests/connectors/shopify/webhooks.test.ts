import { sql } from 'drizzle-orm';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows } from '../../helpers/runner.ts';
import { APP_SECRET, mug, SHOP, shopifyWorld, WEBHOOK_URL, type ShopifyWorld } from './world.ts';

let w: ShopifyWorld;
// The connector needs no Shopify API call to store events: any request it made would fail the test.
const server = setupServer();
beforeAll(async () => {
  w = await shopifyWorld();
  server.use(...w.store.handlers);
  server.listen({ onUnhandledRequest: 'error' });
});
afterAll(async () => { server.close(); await w.close(); });

const user = async (id: number) => (await w.world.call('GET', `/api/v2/users/${id}`)).json.user;
const events = async (userId: number) => (await w.world.call('GET', `/api/v2/users/${userId}/events`)).json.events as { type: string; description: string; properties: Record<string, unknown>; created_at: string; profile_id: string }[];
const profiles = async (userId: number) => (await w.world.call('GET', `/api/v2/users/${userId}/profiles`)).json.profiles as { id: string; source: string; identifiers: { type: string; value: string }[]; name: string | null }[];
const jobCount = () => countRows(w.world.database, sql`select count(*)::int as n from jobs`);

describe('Shopify webhooks → profiles and events', () => {
  it('attaches an order to the existing user with the same email: profile, events, one info row per event', async () => {
    const erin = w.world.acme.endUser.user;
    const { order, deliveries } = await w.store.createOrder(SHOP, { email: 'ERIN@customer-acme.test', first_name: 'Erin', last_name: 'Enduser', line_items: [mug] });
    expect(deliveries.map((d) => [d.topic, d.status])).toEqual([['customers/create', 202], ['orders/create', 202], ['orders/paid', 202]]);
    expect(JSON.parse(deliveries[1]!.body)).toMatchObject({ accepted: true, duplicate: false });
    await w.world.engine!.drain();

    const [profile, ...others] = await profiles(erin.id);
    expect(others).toEqual([]);
    expect(profile).toMatchObject({ source: 'shopify', name: 'Erin Enduser' });
    expect(profile!.identifiers).toEqual(expect.arrayContaining([
      { type: 'email', value: 'erin@customer-acme.test' }, { type: 'shopify_customer_id', value: String(order.customer.id) },
    ]));
    const timeline = await events(erin.id);
    expect(timeline.map((e) => e.type).sort()).toEqual(['customer_created', 'order_created', 'order_paid']);
    const placed = timeline.find((e) => e.type === 'order_created')!;
    expect(placed).toMatchObject({ description: `Order ${order.name} placed for $59.00`, profile_id: profile!.id, created_at: new Date(order.created_at).toISOString() });
    expect(placed.properties).toMatchObject({ order_id: String(order.id), total_price: '59.00', currency: 'USD', shop: SHOP, line_items: [{ title: 'Deskbridge mug', quantity: 2 }] });

    const info = (await w.shopifyLogs('info')).filter((r) => r.details.user_id === erin.id);
    expect(info).toHaveLength(3);
    const row = info.find((r) => r.details.order_name === order.name && r.details.event_type === 'order_created')!;
    expect(row.description).toBe(`Order ${order.name} placed for $59.00: stored for Erin Enduser (user #${erin.id}) on Shopify profile ${profile!.id} (customer ${order.customer.id})`);
    expect(row.details).toMatchObject({ profile_id: profile!.id, shop: SHOP, topic: 'orders/create', user_created: false });
  });

  it('creates an end-user when no user has the email, and later events of that customer land on the same profile', async () => {
    const { order } = await w.store.createOrder(SHOP, { email: 'sam@shopper.test', first_name: 'Sam', last_name: 'Shopper', line_items: [{ title: 'Sticker', quantity: 1, price: '3.00' }] });
    await w.world.engine!.drain();
    const found = await w.world.call('GET', '/api/v2/users?role=end-user&per_page=100');
    const sam = (found.json.users as { id: number; email: string }[]).find((u) => u.email === 'sam@shopper.test')!;
    expect(await user(sam.id)).toMatchObject({ name: 'Sam Shopper', role: 'end-user' });
    await w.store.fulfillOrder(SHOP, order.id, { company: 'UPS', number: '1Z999AA10123456784' });
    await w.world.engine!.drain();
    expect(await profiles(sam.id)).toHaveLength(1);
    const timeline = await events(sam.id);
    expect(timeline.find((e) => e.type === 'fulfillment_created')).toMatchObject({ description: `Fulfillment ${order.name}.1 created: UPS 1Z999AA10123456784` });
    const created = (await w.shopifyLogs('info')).filter((r) => r.details.user_id === sam.id && r.details.user_created === true);
    expect(created).toHaveLength(1);
    expect(created[0]!.description).toContain(`Sam Shopper (user #${sam.id}, new end-user)`);
  });

  it('refuses a bad or missing signature with 401 and a warning row naming the connection; nothing is queued or stored', async () => {
    const jobsBefore = await jobCount();
    const [bad] = await w.store.deliver(SHOP, 'customers/create', { id: 42, email: 'forger@evil.test' }, { address: WEBHOOK_URL, badSignature: true });
    expect(bad!.status).toBe(401);
    expect(JSON.parse(bad!.body)).toMatchObject({ error: 'InvalidSignature' });
    const unsigned = await w.world.app.request(WEBHOOK_URL, {
      method: 'POST', body: '{"id":43}', headers: { 'content-type': 'application/json', 'x-deskbridge-account': 'acme', 'x-shopify-topic': 'customers/create' },
    });
    expect(unsigned.status).toBe(401);
    await w.world.engine!.drain();
    expect(await jobCount()).toBe(jobsBefore);
    const warnings = await w.shopifyLogs('warning');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]!.description).toBe('Shopify webhook refused for connection "Acme store": the signature does not match (answered 401, nothing stored)');
    expect(warnings[0]!.details).toMatchObject({ installation_id: w.installation.id });
    const list = await w.world.call('GET', '/api/v2/users?per_page=100');
    expect((list.json.users as { email: string }[]).some((u) => u.email === 'forger@evil.test')).toBe(false);
  });

  it('processes a redelivery (same X-Shopify-Webhook-Id) once: 202 duplicate, one event', async () => {
    const customer = { id: 7_100_000_001, email: 'redo@shopper.test', first_name: 'Rita', last_name: 'Redo', created_at: '2026-03-01T08:00:00Z', updated_at: '2026-03-01T08:00:00Z' };
    const [first] = await w.store.deliver(SHOP, 'customers/create', customer, { address: WEBHOOK_URL, webhookId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043' });
    const [again] = await w.store.deliver(SHOP, 'customers/create', customer, { address: WEBHOOK_URL, webhookId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043' });
    expect(first!.status).toBe(202);
    expect(again!.status).toBe(202);
    expect(JSON.parse(again!.body)).toEqual({ accepted: true, duplicate: true, job_id: JSON.parse(first!.body).job_id });
    await w.world.engine!.drain();
    const rita = (await w.world.call('GET', '/api/v2/users?per_page=100')).json.users.find((u: { email: string }) => u.email === 'redo@shopper.test');
    expect(await events(rita.id)).toMatchObject([{ type: 'customer_created', description: 'Customer Rita Redo created in Shopify', created_at: '2026-03-01T08:00:00.000Z' }]);
  });

  it('ignores a toggled-off topic (checkouts are off by default) and an unknown topic with a debug row, storing nothing', async () => {
    const checkout = { id: 9001, email: 'cart@shopper.test', total_price: '10.00', currency: 'USD', created_at: '2026-03-01T08:00:00Z', line_items: [] };
    const [res] = await w.store.deliver(SHOP, 'checkouts/create', checkout, { address: WEBHOOK_URL });
    expect(res!.status).toBe(202);
    await w.store.deliver(SHOP, 'products/create', { id: 1, title: 'Mug' }, { address: WEBHOOK_URL });
    await w.world.engine!.drain();
    const debug = (await w.shopifyLogs('debug')).map((r) => r.description);
    expect(debug).toContain(`Shopify checkouts/create webhook from ${SHOP} ignored: checkouts events are turned off for connection "Acme store"`);
    expect(debug).toContain(`Shopify products/create webhook from ${SHOP} ignored: deskbridge does not handle this topic`);
    const list = await w.world.call('GET', '/api/v2/users?per_page=100');
    expect((list.json.users as { email: string }[]).some((u) => u.email === 'cart@shopper.test')).toBe(false);
  });

  it('refuses a delivery signed with the same app secret but from another store (one app, many stores)', async () => {
    w.store.addShop({ domain: 'other-store.myshopify.com', appSecret: APP_SECRET });
    const [res] = await w.store.deliver('other-store.myshopify.com', 'customers/create', { id: 8, email: 'other@shopper.test' }, { address: WEBHOOK_URL });
    expect(res!.status).toBe(202);
    await w.world.engine!.drain();
    const row = (await w.shopifyLogs('error')).find((r) => r.job_id === JSON.parse(res!.body).job_id)!;
    expect(row.description).toContain(`Shopify customers/create webhook is from other-store.myshopify.com, not this connection's store ${SHOP}`);
    const list = await w.world.call('GET', '/api/v2/users?per_page=100');
    expect((list.json.users as { email: string }[]).some((u) => u.email === 'other@shopper.test')).toBe(false);
  });

  it('fails a malformed payload with an error row giving the reason; the job is dead, not retried', async () => {
    const [res] = await w.store.deliver(SHOP, 'orders/create', { id: 5, name: '#1999', email: 'bad@shopper.test', currency: 'USD', created_at: 'yesterday' }, { address: WEBHOOK_URL });
    expect(res!.status).toBe(202);
    const [notJson] = await w.store.deliver(SHOP, 'orders/create', null, { address: WEBHOOK_URL, body: '<order id="6"/>' });
    await w.world.engine!.drain();
    const errors = await w.shopifyLogs('error');
    const malformed = errors.find((r) => r.job_id === JSON.parse(res!.body).job_id)!;
    expect(malformed.description).toContain(`Malformed Shopify orders/create webhook from ${SHOP}: total_price is missing`);
    expect(malformed.description).toContain('created_at must be an ISO-8601 date-time');
    expect(malformed.details).toMatchObject({ attempt: 1, job_state: 'dead', error: { code: 'InvalidPayload' } });
    expect(errors.find((r) => r.job_id === JSON.parse(notJson!.body).job_id)!.description).toContain('the body is not JSON');
    const list = await w.world.call('GET', '/api/v2/users?per_page=100');
    expect((list.json.users as { email: string }[]).some((u) => u.email === 'bad@shopper.test')).toBe(false);
  });
});
