import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSecretBox } from '../../runner/core/crypto.ts';
import { createInstallation } from '../../runner/engine/installations.ts';
import { defineConnector, type WebhookRequest } from '../../runner/sdk/index.ts';
import { closeTestEngines, countRows, createTestEngine } from '../helpers/runner.ts';
import { createWorld, type World } from '../helpers/world.ts';

const box = createSecretBox(randomBytes(32));
const SIGNING_SECRET = 'whsec_test_signing_secret';
const received: WebhookRequest[] = [];

const shop = defineConnector({
  id: 'shop', product: 'Test Shop', displayName: 'Test Shop',
  settings: z.object({}),
  credentials: z.object({ signingSecret: z.string() }),
  webhooks: {
    orders: {
      verify: (req, { credentials }) => {
        const expected = createHmac('sha256', credentials.signingSecret).update(req.body).digest('base64');
        return req.headers['x-signature'] === expected;
      },
      dedupeKey: (req) => req.headers['x-delivery-id'],
      handle: async (ctx, req) => {
        received.push(req);
        ctx.log.info(`Order ${JSON.parse(req.body).id} received`);
      },
    },
  },
});

const sign = (body: string) => createHmac('sha256', SIGNING_SECRET).update(body).digest('base64');

let world: World;
let installationId: number;
beforeEach(async () => {
  received.length = 0;
  world = await createWorld({ engine: (database, clock) => createTestEngine(database, clock, { secrets: box, connectors: [shop] }).engine });
  const inst = await createInstallation(world.db, box, { accountId: world.acme.id, connectorId: 'shop', name: 'acme.myshop', credentials: { signingSecret: SIGNING_SECRET } }, world.clock);
  installationId = inst.id;
});
afterEach(async () => { await closeTestEngines(); await world.close(); });

const post = (path: string, body: string, headers: Record<string, string>, account = world.acme) =>
  world.call('POST', path, { as: null, raw: body, account, headers: { 'content-type': 'application/json', ...headers } });

describe('inbound webhooks', () => {
  it('accepts a signed delivery, queues it, and the handler gets the raw body once even when redelivered', async () => {
    const body = JSON.stringify({ id: 1001, total: '12.50' });
    const first = await post(`/api/v2/integrations/webhooks/${installationId}/orders`, body, { 'x-signature': sign(body), 'x-delivery-id': 'd-1' });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ accepted: true, duplicate: false });
    const again = await post(`/api/v2/integrations/webhooks/${installationId}/orders.json`, body, { 'x-signature': sign(body), 'x-delivery-id': 'd-1' });
    expect(again.json).toMatchObject({ accepted: true, duplicate: true, job_id: first.json.job_id });
    await world.engine!.drain();
    expect(received).toHaveLength(1);
    expect(received[0]!.body).toBe(body);
    expect(received[0]!.headers['x-delivery-id']).toBe('d-1');
  });

  it('refuses a bad signature with 401 and queues nothing', async () => {
    const body = JSON.stringify({ id: 1002 });
    const res = await post(`/api/v2/integrations/webhooks/${installationId}/orders`, body, { 'x-signature': sign('{"id":9}') });
    expect(res.status).toBe(401);
    expect(res.json.error).toBe('InvalidSignature');
    expect(await countRows(world.database, sql`select count(*)::int as n from jobs`)).toBe(0);
  });

  it('answers 404 for an unknown endpoint or another account\'s installation', async () => {
    const body = '{}';
    expect((await post(`/api/v2/integrations/webhooks/${installationId}/refunds`, body, { 'x-signature': sign(body) })).status).toBe(404);
    expect((await post(`/api/v2/integrations/webhooks/999999/orders`, body, { 'x-signature': sign(body) })).status).toBe(404);
    expect((await post(`/api/v2/integrations/webhooks/${installationId}/orders`, body, { 'x-signature': sign(body) }, world.globex)).status).toBe(404);
    expect((await post(`/api/v2/integrations/webhooks/abc/orders`, body, {})).status).toBe(404);
  });
});
