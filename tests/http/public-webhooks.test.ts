import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSecretBox } from '../../runner/core/crypto.ts';
import { createInstallation } from '../../runner/engine/installations.ts';
import { defineConnector, type WebhookRequest } from '../../runner/sdk/index.ts';
import { closeTestEngines, countRows, createTestEngine } from '../helpers/runner.ts';
import { createWorld, type World } from '../helpers/world.ts';

const box = createSecretBox(randomBytes(32));
const SECRET = 'whsec_public_route_secret';
const received: WebhookRequest[] = [];

const store = defineConnector({
  id: 'store', product: 'Test Store', displayName: 'Test Store',
  settings: z.object({ shop: z.string() }),
  credentials: z.object({ secret: z.string() }),
  webhookKey: (s) => s.shop,
  webhooks: {
    inbound: {
      verify: (req, { credentials }) => req.headers['x-sig'] === createHmac('sha256', credentials.secret).update(req.body).digest('hex'),
      dedupeKey: (req) => req.headers['x-delivery'],
      handle: async (ctx, req) => { received.push(req); ctx.log.info(`Delivery ${req.headers['x-delivery']} received`); },
    },
  },
});
/** A connector with webhooks but no `inbound` one: it has no public address. */
const privateOnly = defineConnector({
  id: 'private', product: 'Private', displayName: 'Private', settings: z.object({}),
  webhooks: { other: { handle: async () => {} } },
});

let world: World;
let installationId: number;
beforeAll(async () => {
  world = await createWorld({ engine: (database, clock) => createTestEngine(database, clock, { secrets: box, connectors: [store, privateOnly] }).engine });
  installationId = (await createInstallation(world.db, box, { accountId: world.acme.id, connectorId: 'store', name: 'Main shop', settings: { shop: 'main-shop' }, credentials: { secret: SECRET } }, world.clock)).id;
  await createInstallation(world.db, box, { accountId: world.acme.id, connectorId: 'store', name: 'Old shop', enabled: false, settings: { shop: 'old-shop' }, credentials: { secret: SECRET } }, world.clock);
  await createInstallation(world.db, box, { accountId: world.globex.id, connectorId: 'store', name: 'Globex shop', settings: { shop: 'globex-shop' }, credentials: { secret: SECRET } }, world.clock);
  await createInstallation(world.db, box, { accountId: world.acme.id, connectorId: 'private', name: 'Private' }, world.clock);
});
afterAll(async () => { await closeTestEngines(); await world.close(); });

const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('hex');
function post(path: string, body: string, headers: Record<string, string> = {}, account = 'acme') {
  return world.app.request(`http://localhost${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-deskbridge-account': account, ...headers } });
}

describe('POST /webhooks/{connector}/{key}', () => {
  it('finds the installation by its webhook key (any case) or id, answers 202 and runs the handler once per delivery id', async () => {
    const body = '{"order": 1}';
    const first = await post('/webhooks/store/Main-Shop', body, { 'x-sig': sign(body), 'x-delivery': 'd-1', authorization: 'Bearer not-for-the-job' });
    expect(first.status).toBe(202);
    const accepted = await first.json();
    expect(accepted).toMatchObject({ accepted: true, duplicate: false });
    const byId = await post(`/webhooks/store/${installationId}`, body, { 'x-sig': sign(body), 'x-delivery': 'd-1' });
    expect(await byId.json()).toEqual({ accepted: true, duplicate: true, job_id: accepted.job_id });
    await world.engine!.drain();
    expect(received).toHaveLength(1);
    expect(received[0]!.body).toBe(body);
    expect(received[0]!.headers.authorization).toBeUndefined();
  });

  it('refuses a bad signature with 401 and a warning row naming the connection; nothing is queued', async () => {
    const jobs = await countRows(world.database, sql`select count(*)::int as n from jobs`);
    const res = await post('/webhooks/store/main-shop', '{"order": 2}', { 'x-sig': sign('{"order": 3}') });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'InvalidSignature' });
    expect(await countRows(world.database, sql`select count(*)::int as n from jobs`)).toBe(jobs);
    const window = `start_time=${new Date(Date.now() - 3_600_000).toISOString()}&end_time=${new Date(Date.now() + 3_600_000).toISOString()}`;
    const logs = await world.call('GET', `/api/v2/integrations/logs?product=Test%20Store&status=warning&${window}`);
    expect(logs.json.logs).toMatchObject([{
      description: 'Test Store webhook refused for connection "Main shop": the signature does not match (answered 401, nothing stored)',
      details: { installation_id: installationId, installation: 'Main shop', webhook: 'inbound' },
    }]);
  });

  it('answers 404 for an unknown connector or key, a disabled connection, another account\'s store, a connector without inbound webhook', async () => {
    const body = '{}';
    const h = { 'x-sig': sign(body) };
    for (const path of ['/webhooks/nope/main-shop', '/webhooks/store/unknown-shop', '/webhooks/store/old-shop', '/webhooks/store/globex-shop', '/webhooks/private/1', '/webhooks/store/bad%20key']) {
      const res = await post(path, body, h);
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect((await post('/webhooks/store/main-shop', body, h, 'no-such-account')).status).toBe(404);
  });

  it('refuses a body over the limit with 413', async () => {
    const res = await post('/webhooks/store/main-shop', 'x'.repeat(5 * 1024 * 1024 + 1));
    expect(res.status).toBe(413);
  });
});
