import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from '../helpers/world.ts';

const BASE = '/api/v2/integrations/http_connections';
let world: World;
beforeAll(async () => { world = await createWorld(); });
afterAll(async () => { await world.close(); });

describe('account-level HTTP connections (/api/v2/integrations/http_connections)', () => {
  it('creates, lists, reads, replaces and deletes a connection, never showing its secret', async () => {
    const created = await world.call('POST', BASE, { body: { connection: { name: 'crm', type: 'bearer_token', token: 'tok-SECRET-91f2', allowed_domain: 'API.crm.example.com' } } });
    expect(created.status).toBe(201);
    expect(created.json.connection).toMatchObject({ name: 'crm', type: 'bearer_token', allowed_domain: 'api.crm.example.com', header_name: null });
    const listed = await world.call('GET', BASE);
    expect(listed.json.http_connections.map((c: { name: string }) => c.name)).toEqual(['crm']);
    const replaced = await world.call('PUT', `${BASE}/crm`, { body: { connection: { type: 'basic_auth', username: 'svc', password: 'pw-SECRET-77' } } });
    expect(replaced.status).toBe(200);
    expect(replaced.json.connection).toMatchObject({ type: 'basic_auth', allowed_domain: 'api.crm.example.com' });
    const read = await world.call('GET', `${BASE}/crm`);
    for (const res of [created, listed, replaced, read]) {
      expect(JSON.stringify(res.json)).not.toMatch(/SECRET|svc/);
    }
    expect((await world.call('DELETE', `${BASE}/crm`)).status).toBe(204);
    expect((await world.call('GET', `${BASE}/crm`)).status).toBe(404);
  });

  it('refuses bad input with 4xx naming the problem', async () => {
    const post = (connection: Record<string, unknown>) => world.call('POST', BASE, { body: { connection } });
    const domain = await post({ name: 'x', type: 'bearer_token', token: 't', allowed_domain: 'https://x.example.com/path' });
    expect(domain.status).toBe(422);
    expect(Object.keys(domain.json.details)).toEqual(['allowed_domain']);
    const type = await post({ name: 'x', type: 'magic', allowed_domain: 'x.example.com' });
    expect(type.status).toBe(422);
    expect(Object.keys(type.json.details)).toEqual(['type']);
    const secret = await post({ name: 'x', type: 'api_key', header_name: 'X-Key', allowed_domain: 'x.example.com' });
    expect(secret.status).toBe(422);
    expect(Object.keys(secret.json.details)).toEqual(['api_key']);
    await post({ name: 'dup', type: 'bearer_token', token: 'token-1', allowed_domain: 'x.example.com' });
    expect((await post({ name: 'dup', type: 'bearer_token', token: 'token-2', allowed_domain: 'x.example.com' })).status).toBe(409);
    expect((await world.call('GET', BASE, { as: world.acme.agent })).status).toBe(403);
    expect((await world.call('GET', `${BASE}/dup`, { account: world.globex })).status).toBe(404);
  });
});
