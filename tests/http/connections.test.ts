import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectorInstallations } from '../../db/schema/index.ts';
import { createSecretBox } from '../../runner/core/crypto.ts';
import { openCredentials } from '../../runner/engine/installations.ts';
import { createApp } from '../../runner/http/app.ts';
import { defineConnector } from '../../runner/sdk/index.ts';
import { closeTestEngines, createTestEngine } from '../helpers/runner.ts';
import { createWorld, type Persona, type World } from '../helpers/world.ts';

// The Connections API (issue #8) with test connectors injected, as an admin client would use it.
const crm = defineConnector({
  id: 'test-crm',
  product: 'Test CRM',
  displayName: 'Test CRM',
  description: 'Sends new tickets to the test CRM as cases.',
  settings: z.object({
    baseUrl: z.url().describe('Your CRM address, e.g. https://acme.crm.test'),
    region: z.enum(['eu', 'us']).default('eu'),
    syncClosed: z.boolean().default(false),
    batchSize: z.number().int().min(1).max(100).optional(),
    tags: z.array(z.string()).default([]),
  }),
  credentials: z.object({ apiKey: z.string().min(8), apiSecret: z.string().min(8) }),
  on: { 'ticket.created': async () => {} },
  webhooks: { orders: { handle: async () => {} } },
});
const plain = defineConnector({ id: 'plain', product: 'Plain', displayName: 'Plain feed', settings: z.object({ channel: z.string().optional() }) });

const CONNECTORS = '/api/v2/integrations/connectors';
const INSTALLS = '/api/v2/integrations/installations';
const SECRET = 'sk_live_Zr8Qm2VtXo41';
const OTHER_SECRET = 'ss_live_Pw7Ny3KdJh90';

const box = createSecretBox(randomBytes(32));
let w: World;
/** Every response body and header seen in this file: no secret may ever be in one. */
const seen: string[] = [];

beforeAll(async () => { w = await createWorld({ connectors: [crm, plain], secrets: box }); });
afterAll(async () => {
  await closeTestEngines();
  await w.close();
});

async function call(method: string, path: string, opts: Parameters<World['call']>[2] = {}) {
  const res = await w.call(method, path, opts);
  seen.push(JSON.stringify(res.json), JSON.stringify([...res.headers.entries()]));
  return res;
}

const validCreate = (over: Record<string, unknown> = {}) => ({
  installation: {
    connector_id: 'test-crm', name: 'Acme CRM', settings: { baseUrl: 'https://acme.crm.test', tags: ['vip'] },
    credentials: { apiKey: SECRET, apiSecret: OTHER_SECRET }, ...over,
  },
});

async function storedRow(id: number) {
  const [row] = await w.db.select().from(connectorInstallations).where(eq(connectorInstallations.id, id));
  return row!;
}

describe('GET /integrations/connectors', () => {
  it('lists the injected connectors with their settings and credentials as JSON Schema', async () => {
    const res = await call('GET', CONNECTORS);
    expect(res.status).toBe(200);
    expect(res.json.count).toBe(2);
    const [first, second] = res.json.connectors;
    expect(first).toMatchObject({
      id: 'test-crm', product: 'Test CRM', display_name: 'Test CRM', description: 'Sends new tickets to the test CRM as cases.',
      credential_fields: ['apiKey', 'apiSecret'], events: ['ticket.created'], webhooks: ['orders'], jobs: [],
    });
    expect(first.settings_schema).toMatchObject({
      type: 'object',
      required: ['baseUrl'],
      properties: {
        baseUrl: { type: 'string', format: 'uri', description: 'Your CRM address, e.g. https://acme.crm.test' },
        region: { type: 'string', enum: ['eu', 'us'], default: 'eu' },
        syncClosed: { type: 'boolean', default: false },
        batchSize: { type: 'integer', minimum: 1, maximum: 100 },
        tags: { type: 'array', items: { type: 'string' } },
      },
    });
    expect(first.credentials_schema).toMatchObject({ type: 'object', required: ['apiKey', 'apiSecret'], properties: { apiKey: { type: 'string', minLength: 8 } } });
    expect(second).toMatchObject({ id: 'plain', description: null, credentials_schema: null, credential_fields: [] });
    expect((await call('GET', `${CONNECTORS}/plain.json`)).json.connector.display_name).toBe('Plain feed');
    expect((await call('GET', `${CONNECTORS}/nope`)).status).toBe(404);
  });

  it('lists nothing when the deployment has no connectors', async () => {
    const app = createApp({ database: w.database, config: w.config, clock: w.clock, connectors: [], secrets: box });
    const res = await app.request('http://localhost/api/v2/integrations/connectors', {
      headers: { 'x-deskbridge-account': 'acme', authorization: `Basic ${Buffer.from(`${w.acme.owner.user.email}/token:${w.acme.owner.token}`).toString('base64')}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ connectors: [], count: 0 });
  });
});

describe('who may use it', () => {
  it('answers 403 with a JSON error to agents and end users, 401 to anonymous callers, and serves any admin', async () => {
    const [row] = await w.db.insert(connectorInstallations).values({ accountId: w.acme.id, connectorId: 'plain', name: 'Gate' }).returning();
    const attempts: [string, string, unknown?][] = [
      ['GET', CONNECTORS], ['GET', INSTALLS], ['POST', INSTALLS, { installation: { connector_id: 'plain' } }],
      ['GET', `${INSTALLS}/${row!.id}`], ['PUT', `${INSTALLS}/${row!.id}`, { installation: { enabled: false } }], ['DELETE', `${INSTALLS}/${row!.id}`],
    ];
    for (const as of [w.acme.agent, w.acme.endUser] as Persona[]) {
      for (const [method, path, body] of attempts) {
        const res = await call(method, path, { as, body });
        expect(res.status, `${method} ${path} as ${as.user.role}`).toBe(403);
        expect(res.json).toMatchObject({ error: 'Forbidden', description: expect.stringContaining('admin') });
      }
    }
    expect((await call('GET', INSTALLS, { as: null })).status).toBe(401);
    expect((await call('GET', `${INSTALLS}/${row!.id}`, { as: w.acme.admin })).status).toBe(200);
    expect((await storedRow(row!.id)).enabled).toBe(true);
    await w.db.delete(connectorInstallations).where(eq(connectorInstallations.id, row!.id));
  });
});

describe('POST /integrations/installations', () => {
  it('refuses settings the connector rejects with a 422 naming the field', async () => {
    const res = await call('POST', INSTALLS, { body: validCreate({ settings: { baseUrl: 'not a url', batchSize: 500 } }) });
    expect(res.status).toBe(422);
    expect(res.json.error).toBe('RecordInvalid');
    expect(res.json.description).toContain('settings.baseUrl');
    expect(Object.keys(res.json.details).sort()).toEqual(['settings.baseUrl', 'settings.batchSize']);

    const missing = await call('POST', INSTALLS, { body: validCreate({ settings: undefined }) });
    expect(missing.status).toBe(422);
    expect(missing.json.details).toHaveProperty(['settings.baseUrl']);
    expect(await w.db.$count(connectorInstallations)).toBe(0);
  });

  it('refuses an unknown connector, missing or bad credentials, and credentials a connector does not take', async () => {
    const unknown = await call('POST', INSTALLS, { body: validCreate({ connector_id: 'salesforce' }) });
    expect(unknown.status).toBe(422);
    expect(unknown.json.details.connector_id[0].description).toContain('"salesforce" is not a connector of this deployment');

    const none = await call('POST', INSTALLS, { body: validCreate({ credentials: undefined }) });
    expect(none.status).toBe(422);
    expect(Object.keys(none.json.details).sort()).toEqual(['credentials.apiKey', 'credentials.apiSecret']);

    const short = await call('POST', INSTALLS, { body: validCreate({ credentials: { apiKey: 'short', apiSecret: OTHER_SECRET } }) });
    expect(short.status).toBe(422);
    expect(Object.keys(short.json.details)).toEqual(['credentials.apiKey']);

    const extra = await call('POST', INSTALLS, { body: { installation: { connector_id: 'plain', credentials: { token: SECRET } } } });
    expect(extra.status).toBe(422);
    expect(extra.json.description).toContain('credentials');

    for (const [body, status] of [[{ connector_id: 'plain' }, 400], [{ installation: { name: 'x' } }, 422], [{ installation: { connector_id: 'plain', name: '  ' } }, 422], [{ installation: { connector_id: 'plain', settings: 'x' } }, 422]] as const) {
      const res = await call('POST', INSTALLS, { body });
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.json.description).toBeTruthy();
    }
    expect((await call('POST', INSTALLS, { raw: '{"installation":' })).status).toBe(400);
    expect((await call('POST', INSTALLS, { raw: 'x', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect(await w.db.$count(connectorInstallations)).toBe(0);
  });

  it('creates a connection: defaults filled in, credentials sealed at rest and never answered', async () => {
    const res = await call('POST', INSTALLS, { body: validCreate() });
    expect(res.status).toBe(201);
    const made = res.json.installation;
    expect(res.headers.get('location')).toBe(`http://localhost${INSTALLS}/${made.id}.json`);
    expect(made).toMatchObject({
      connector_id: 'test-crm', connector_available: true, name: 'Acme CRM', enabled: true, has_credentials: true,
      settings: { baseUrl: 'https://acme.crm.test', region: 'eu', syncClosed: false, tags: ['vip'] },
      webhooks: [{ name: 'orders', url: `http://localhost/api/v2/integrations/webhooks/${made.id}/orders` }],
    });
    expect(made).not.toHaveProperty('credentials');

    const row = await storedRow(made.id);
    expect(row.credentials).toMatch(/^v1:/);
    // The stored text, as the database holds it: neither secret, in the clear or in base64.
    const [raw] = await w.database.rows<{ text: string }>(sql`select row_to_json(c)::text as text from connector_installations c where id = ${made.id}`);
    for (const secret of [SECRET, OTHER_SECRET]) {
      expect(raw!.text).not.toContain(secret);
      expect(raw!.text).not.toContain(Buffer.from(secret).toString('base64').slice(0, 16));
    }
    expect(openCredentials(box, row)).toEqual({ apiKey: SECRET, apiSecret: OTHER_SECRET });

    const plainOne = await call('POST', INSTALLS, { body: { installation: { connector_id: 'plain' } } });
    expect(plainOne.status).toBe(201);
    expect(plainOne.json.installation).toMatchObject({ name: 'Plain feed', has_credentials: false, settings: {}, webhooks: [] });
  });
});

describe('reading, changing and deleting', () => {
  let id: number;
  beforeAll(async () => {
    await w.db.delete(connectorInstallations);
    id = (await call('POST', INSTALLS, { body: validCreate() })).json.installation.id;
    await call('POST', INSTALLS, { body: { installation: { connector_id: 'plain', name: 'Feed' } } });
    await call('POST', INSTALLS, { account: w.globex, body: validCreate({ name: 'Globex CRM' }) });
  });

  it("lists the account's connections only, optionally for one connector", async () => {
    const res = await call('GET', `${INSTALLS}.json`);
    expect(res.status).toBe(200);
    expect(res.json.installations.map((i: { name: string }) => i.name)).toEqual(['Acme CRM', 'Feed']);
    expect(res.json.count).toBe(2);
    expect(res.json.installations[0].has_credentials).toBe(true);
    const crmOnly = await call('GET', `${INSTALLS}?connector_id=test-crm`);
    expect(crmOnly.json.installations.map((i: { id: number }) => i.id)).toEqual([id]);
    expect((await call('GET', INSTALLS, { account: w.globex })).json.installations.map((i: { name: string }) => i.name)).toEqual(['Globex CRM']);
  });

  it("answers 404 for another account's connection and leaves it alone", async () => {
    for (const [method, body] of [['GET'], ['PUT', { installation: { name: 'Hijacked', credentials: { apiKey: 'x' } } }], ['DELETE']] as const) {
      const res = await call(method, `${INSTALLS}/${id}`, { account: w.globex, body });
      expect(res.status, method).toBe(404);
      expect(res.json.error).toBe('RecordNotFound');
    }
    expect((await storedRow(id)).name).toBe('Acme CRM');
    expect((await call('GET', `${INSTALLS}/abc`)).status).toBe(404);
    expect((await call('GET', `${INSTALLS}/999999`)).status).toBe(404);
  });

  it('updates name, enabled and settings; credentials are a write-only merge patch', async () => {
    const renamed = await call('PUT', `${INSTALLS}/${id}`, { body: { installation: { name: 'Acme CRM (EU)', enabled: false, settings: { baseUrl: 'https://eu.crm.test', region: 'us', batchSize: 20 } } } });
    expect(renamed.status).toBe(200);
    expect(renamed.json.installation).toMatchObject({ name: 'Acme CRM (EU)', enabled: false, has_credentials: true, settings: { baseUrl: 'https://eu.crm.test', region: 'us', batchSize: 20, tags: [] } });

    // Only the secret that changes is sent; the other is kept.
    const rotated = await call('PUT', `${INSTALLS}/${id}`, { body: { installation: { credentials: { apiSecret: 'ss_live_NEW_0000000' } } } });
    expect(rotated.status).toBe(200);
    expect(openCredentials(box, await storedRow(id))).toEqual({ apiKey: SECRET, apiSecret: 'ss_live_NEW_0000000' });

    const bad = await call('PUT', `${INSTALLS}/${id}`, { body: { installation: { credentials: { apiKey: 'short' } } } });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.json.details)).toEqual(['credentials.apiKey']);
    const removed = await call('PUT', `${INSTALLS}/${id}`, { body: { installation: { credentials: null } } });
    expect(removed.status).toBe(422);
    expect(Object.keys(removed.json.details).sort()).toEqual(['credentials.apiKey', 'credentials.apiSecret']);
    const badSettings = await call('PUT', `${INSTALLS}/${id}`, { body: { installation: { settings: { region: 'mars' } } } });
    expect(badSettings.status).toBe(422);
    expect(Object.keys(badSettings.json.details).sort()).toEqual(['settings.baseUrl', 'settings.region']);
    const moved = await call('PUT', `${INSTALLS}/${id}`, { body: { installation: { connector_id: 'plain' } } });
    expect(moved.status).toBe(422);
    expect(moved.json.details).toHaveProperty('connector_id');
    expect(openCredentials(box, await storedRow(id))).toEqual({ apiKey: SECRET, apiSecret: 'ss_live_NEW_0000000' });

    // A client may send back what it read: unknown keys are ignored.
    const read = (await call('GET', `${INSTALLS}/${id}`)).json.installation;
    const back = await call('PUT', `${INSTALLS}/${id}`, { body: { installation: { ...read, enabled: true } } });
    expect(back.status).toBe(200);
    expect(back.json.installation).toEqual({ ...read, enabled: true, updated_at: back.json.installation.updated_at });
  });

  it('keeps connections whose connector left the deployment: rename, turn off or delete only', async () => {
    const [gone] = await w.db.insert(connectorInstallations).values({ accountId: w.acme.id, connectorId: 'retired', name: 'Old CRM', settings: { a: 1 } }).returning();
    const listed = (await call('GET', INSTALLS)).json.installations.find((i: { id: number }) => i.id === gone!.id);
    expect(listed).toMatchObject({ connector_id: 'retired', connector_available: false, webhooks: [] });
    const off = await call('PUT', `${INSTALLS}/${gone!.id}`, { body: { installation: { enabled: false, name: 'Old CRM (retired)' } } });
    expect(off.status).toBe(200);
    const settings = await call('PUT', `${INSTALLS}/${gone!.id}`, { body: { installation: { settings: { a: 2 } } } });
    expect(settings.status).toBe(422);
    expect(settings.json.details.connector_id[0].description).toContain('"retired" is not a connector of this deployment');
    expect((await call('DELETE', `${INSTALLS}/${gone!.id}`)).status).toBe(204);
  });

  it('deletes a connection with its credentials', async () => {
    const res = await call('DELETE', `${INSTALLS}/${id}`);
    expect(res.status).toBe(204);
    expect(await w.db.$count(connectorInstallations, eq(connectorInstallations.id, id))).toBe(0);
    expect((await call('GET', `${INSTALLS}/${id}`)).status).toBe(404);
    expect((await call('DELETE', `${INSTALLS}/${id}`)).status).toBe(404);
  });
});

describe('with the engine', () => {
  it("offers the engine's connectors and seals with the engine's key, so its jobs can open what admins saved", async () => {
    const { engine, secrets } = createTestEngine(w.database, w.clock, { connectors: [crm] });
    const app = createApp({ database: w.database, config: w.config, clock: w.clock, engine });
    const headers = { 'x-deskbridge-account': 'acme', authorization: `Basic ${Buffer.from(`${w.acme.owner.user.email}/token:${w.acme.owner.token}`).toString('base64')}`, 'content-type': 'application/json' };
    const list = await app.request('http://localhost/api/v2/integrations/connectors', { headers });
    expect((await list.json()).connectors.map((c: { id: string }) => c.id)).toEqual(['test-crm']);
    const made = await app.request('http://localhost/api/v2/integrations/installations', { method: 'POST', headers, body: JSON.stringify(validCreate()) });
    expect(made.status).toBe(201);
    const text = await made.text();
    seen.push(text);
    expect(openCredentials(secrets, await storedRow(JSON.parse(text).installation.id))).toMatchObject({ apiKey: SECRET });
  });
});

describe('afterwards', () => {
  it('never answered a secret and never failed with a 500', () => {
    expect(seen.length).toBeGreaterThan(40);
    for (const text of seen) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(OTHER_SECRET);
      expect(text).not.toContain('ss_live_NEW');
    }
    expect(w.errors).toEqual([]);
  });
});
