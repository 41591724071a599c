import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSecretBox } from '../../runner/core/crypto.ts';
import { createInstallation } from '../../runner/engine/installations.ts';
import { defineConnector, type DomainEvent, type HandlerContext } from '../../runner/sdk/index.ts';
import { closeTestEngines, createTestEngine, logRows } from '../helpers/runner.ts';
import { createWorld, type World } from '../helpers/world.ts';

const box = createSecretBox(randomBytes(32));
type Step = (ctx: HandlerContext) => Promise<unknown>;
let step: Step = async () => {};
let result: unknown;
const seen: DomainEvent[] = [];

const crm = defineConnector({
  id: 'crm', product: 'Test CRM', displayName: 'Test CRM', maxAttempts: 3,
  settings: z.object({}),
  on: {
    'user.created': async (_ctx, e) => { seen.push(e); },
    'user.updated': async (_ctx, e) => { seen.push(e); },
    'organization.created': async (_ctx, e) => { seen.push(e); },
  },
  jobs: { run: async (ctx) => { result = await step(ctx); } },
});

let world: World;
let acmeInstall: number;
let globexInstall: number;
let lastJob = 0;
beforeEach(() => { seen.length = 0; });
beforeAll(async () => {
  world = await createWorld({ engine: (database, clock) => createTestEngine(database, clock, { secrets: box, connectors: [crm] }).engine });
  acmeInstall = (await createInstallation(world.db, box, { accountId: world.acme.id, connectorId: 'crm', name: 'CRM' }, world.clock)).id;
  globexInstall = (await createInstallation(world.db, box, { accountId: world.globex.id, connectorId: 'crm', name: 'CRM' }, world.clock)).id;
});
afterAll(async () => { await closeTestEngines(); await world.close(); });

/** Error rows of the last job run. */
const lastJobErrors = () => logRows(world.database, sql`status = 'error' and job_id = ${lastJob}`);

/** Runs `fn` as a connector job of the installation and returns what it returned. */
async function inJob<T>(fn: (ctx: HandlerContext) => Promise<T>, installationId = acmeInstall, accountId = world.acme.id): Promise<T> {
  step = fn;
  result = undefined;
  lastJob = (await world.engine!.enqueue({ accountId, kind: 'job', name: 'run', connectorId: 'crm', installationId, maxAttempts: 3 })).id;
  await world.engine!.drain();
  return result as T;
}

describe('ctx.data', () => {
  it('creates an end-user through runner/core: visible in the API, user.created published with the integration as actor', async () => {
    const made = await inJob((ctx) => ctx.data.users.create({ name: 'Sam Shopper', email: 'Sam@Shop.test', tags: ['vip'] }));
    const res = await world.call('GET', `/api/v2/users/${(made as { id: number }).id}`);
    expect(res.json.user).toMatchObject({ name: 'Sam Shopper', email: 'sam@shop.test', role: 'end-user', tags: ['vip'] });
    const mine = seen.filter((e) => (e.payload as { user?: { id: number } }).user?.id === (made as { id: number }).id);
    expect(mine.map((e) => [e.type, (e.payload as { actor_id: number }).actor_id])).toEqual([['user.created', -1]]);
  });

  it('finds users by email case-insensitively, updates them with a user.updated event, and cannot see another account', async () => {
    const erin = world.acme.endUser.user;
    const found = await inJob((ctx) => ctx.data.users.find({ email: 'ERIN@customer-acme.test' }));
    expect(found).toMatchObject([{ id: erin.id, email: erin.email }]);
    await inJob((ctx) => ctx.data.users.update(erin.id, { phone: '+33 1 23 45 67 89' }));
    expect((await world.call('GET', `/api/v2/users/${erin.id}`)).json.user.phone).toBe('+33 1 23 45 67 89');
    expect(seen.at(-1)).toMatchObject({ type: 'user.updated', payload: { actor_id: -1, changes: [{ field: 'phone', from: null, to: '+33 1 23 45 67 89' }] } });
    const globexUser = world.globex.endUser.user;
    expect(await inJob((ctx) => ctx.data.users.get(globexUser.id))).toBeNull();
    expect(await inJob((ctx) => ctx.data.users.find({ email: globexUser.email }))).toEqual([]);
  });

  it('turns a refusal of runner/core into a dead job with the reason in the log (no retries)', async () => {
    await inJob((ctx) => ctx.data.users.create({ name: 'Dup', email: world.acme.agent.user.email }));
    const rows = await lastJobErrors();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.description).toContain('is already being used by another user');
    expect(rows[0]!.details).toMatchObject({ attempt: 1, job_state: 'dead' });
    await inJob((ctx) => ctx.data.users.create({ name: 'No mail' }));
    expect((await lastJobErrors())[0]!.description).toContain('deskbridge users need an email address');
  });

  it('creates and finds organizations, and reads tickets of its own account only', async () => {
    const org = await inJob((ctx) => ctx.data.organizations.create({ name: 'Globodyne', domain_names: ['globodyne.test'], external_id: 'acc-1' }));
    expect(org).toMatchObject({ name: 'Globodyne', domain_names: ['globodyne.test'], external_id: 'acc-1' });
    expect(await inJob((ctx) => ctx.data.organizations.find({ name: 'GLOBODYNE' }))).toMatchObject([{ external_id: 'acc-1' }]);
    expect(seen.map((e) => e.type)).toContain('organization.created');
    const t = await world.call('POST', '/api/v2/tickets', { body: { ticket: { subject: 'Where is my order?', comment: { body: 'Hi' } } } });
    expect(await inJob((ctx) => ctx.data.tickets.get(t.json.ticket.id))).toMatchObject({ id: t.json.ticket.id, subject: 'Where is my order?' });
    expect(await inJob((ctx) => ctx.data.tickets.get(t.json.ticket.id), globexInstall, world.globex.id)).toBeNull();
  });

  it('upserts a profile by any identifier (merging identifiers and attributes) and records events on it', async () => {
    const erin = world.acme.endUser.user;
    const first = await inJob((ctx) => ctx.data.profiles.upsert({
      user_id: erin.id, source: 'shop', type: 'customer', name: 'Erin', identifiers: [{ type: 'email', value: 'Erin@Customer-acme.test' }], attributes: { orders: 1 },
    }));
    const second = await inJob((ctx) => ctx.data.profiles.upsert({
      user_id: erin.id, source: 'shop', type: 'customer', identifiers: [{ type: 'email', value: 'erin@customer-acme.test' }, { type: 'shop_id', value: '42' }], attributes: { vip: true },
    }));
    expect(second).toMatchObject({
      id: (first as { id: string }).id, name: 'Erin', attributes: { orders: 1, vip: true },
      identifiers: [{ type: 'email', value: 'erin@customer-acme.test' }, { type: 'shop_id', value: '42' }],
    });
    expect(await inJob((ctx) => ctx.data.profiles.find({ source: 'shop', identifier: { type: 'shop_id', value: '42' } }))).toMatchObject({ id: (first as { id: string }).id });
    expect(await inJob((ctx) => ctx.data.profiles.find({ source: 'shop', identifier: { type: 'shop_id', value: '42' } }), globexInstall, world.globex.id)).toBeNull();
    const event = await inJob((ctx) => ctx.data.events.record({
      user_id: erin.id, profile_id: (first as { id: string }).id, source: 'shop', type: 'order_created', description: 'Order #1 placed', created_at: '2026-03-01T10:00:00Z',
    }));
    expect(event).toMatchObject({ user_id: erin.id, type: 'order_created', created_at: '2026-03-01T10:00:00.000Z', received_at: world.clock.now().toISOString() });
  });

  it('refuses a profile or event for a user of another account', async () => {
    const other = world.globex.endUser.user;
    await inJob((ctx) => ctx.data.events.record({ user_id: other.id, source: 'shop', type: 'x', description: 'x' }));
    expect((await lastJobErrors())[0]!.description).toContain(`User ${other.id} does not exist in this account`);
  });
});

describe('ctx.store', () => {
  it('keeps JSON values per installation: set, overwrite, get, delete', async () => {
    await inJob((ctx) => ctx.store.set('cursor', { since: '2026-03-01T00:00:00Z', page: 2 }));
    await inJob((ctx) => ctx.store.set('cursor', { since: '2026-03-02T00:00:00Z', page: 1 }));
    expect(await inJob((ctx) => ctx.store.get('cursor'))).toEqual({ since: '2026-03-02T00:00:00Z', page: 1 });
    expect(await inJob((ctx) => ctx.store.get('cursor'), globexInstall, world.globex.id)).toBeUndefined();
    await inJob((ctx) => ctx.store.delete('cursor'));
    expect(await inJob((ctx) => ctx.store.get('cursor'))).toBeUndefined();
  });
});
