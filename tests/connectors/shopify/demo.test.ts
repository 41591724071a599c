import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import shopify from '../../../runner/connectors/shopify/index.ts';
import { createAccount, createApiToken } from '../../../runner/core/accounts.ts';
import { createSecretBox } from '../../../runner/core/crypto.ts';
import { shopifyDemo } from '../../../runner/demo/integrations/shopify.ts';
import type { DemoContext } from '../../../runner/demo/integrations/types.ts';
import { createInstallation } from '../../../runner/engine/installations.ts';
import { serveApp } from '../../helpers/browser.ts';
import { closeTestEngines, createTestEngine } from '../../helpers/runner.ts';
import { createWorld, type World } from '../../helpers/world.ts';

let world: World;
let server: { base: string; close: () => Promise<void> };
let auth: string;
let ctx: DemoContext;
const rolls: number[] = [];

beforeAll(async () => {
  const box = createSecretBox(randomBytes(32));
  world = await createWorld({ engine: (database, clock) => createTestEngine(database, clock, { secrets: box, connectors: [shopify] }).engine });
  const { account, owner } = await createAccount(world.db, world.clock, {
    subdomain: 'demo', name: 'Demo Shop', timeZone: 'Europe/Paris', owner: { name: 'Ada Admin', email: 'admin@demo.test', password: 'demo-password' },
  });
  auth = `Basic ${Buffer.from(`${owner.email}/token:${await createApiToken(world.db, world.clock, owner, 'demo')}`).toString('base64')}`;
  server = await serveApp(world.app);
  ctx = {
    baseUrl: server.base, accountId: account.id, database: world.database,
    api: (path, init = {}) => fetch(new URL(path, server.base), { ...init, headers: { authorization: auth, 'x-deskbridge-account': 'demo' } }),
    install: async (input) => ({ id: (await createInstallation(world.db, box, { accountId: account.id, ...input }, world.clock)).id }),
    // Scripted rolls pick what each tick does; the rest are picks of names and products.
    random: () => rolls.shift() ?? 0.42,
  };
});
afterAll(async () => { await server.close(); await closeTestEngines(); await world.close(); });

async function demoLogs() {
  const window = `start_time=${new Date(Date.now() - 3_600_000).toISOString()}&end_time=${new Date(Date.now() + 3_600_000).toISOString()}`;
  const res = await ctx.api(`/api/v2/integrations/logs?product=Shopify&page[size]=100&${window}`);
  return ((await res.json()) as { logs: { status: string; description: string }[] }).logs;
}

describe('Shopify demo', () => {
  it('installs the demo store and its ticks produce real connector rows over HTTP: events, a refused forgery, a malformed payload', async () => {
    const demo = shopifyDemo();
    await demo.setup(ctx);
    rolls.push(0.5); // a known customer orders — none yet, so a new customer signs up and orders
    await demo.tick(ctx);
    rolls.push(0.2); // the order ships
    await demo.tick(ctx);
    rolls.push(0.01); // a forged delivery
    await demo.tick(ctx);
    rolls.push(0.08); // a broken payload
    await demo.tick(ctx);
    await world.engine!.drain();
    const rows = await demoLogs();
    const by = (status: string) => rows.filter((r) => r.status === status).map((r) => r.description);
    expect(by('info').some((d) => /^Order #1001 placed for €\d+\.\d{2}: stored for .+ \(user #\d+(, new end-user)?\) on Shopify profile \d+/.test(d))).toBe(true);
    expect(by('info').filter((d) => d.includes(', new end-user)'))).toHaveLength(1);
    expect(by('info').some((d) => d.startsWith('Fulfillment #1001.1 created: UPS'))).toBe(true);
    expect(by('warning')).toEqual(['Shopify webhook refused for connection "Demo store (sandbox)": the signature does not match (answered 401, nothing stored)']);
    expect(by('error')).toHaveLength(1);
    expect(by('error')[0]).toContain('Malformed Shopify orders/create webhook');
    // The sandbox's Admin API answers on the same server (the demo mounts it at /sandbox/shopify).
    expect((await demo.sandbox(new Request('http://127.0.0.1/admin/api/2024-10/shop.json'))).status).toBe(401);
  });
});
