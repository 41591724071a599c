import { randomBytes } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { manualClock } from '../../runner/core/clock.ts';
import { createSecretBox } from '../../runner/core/crypto.ts';
import { deleteConnection, getConnection, listConnections, saveConnection } from '../../runner/integrations/connections.ts';
import { renderTemplate, runHttpAction } from '../../runner/integrations/http-action.ts';
import type { Logger } from '../../runner/sdk/index.ts';
import { createTestDatabase } from '../helpers/db.ts';

const box = createSecretBox(randomBytes(32));
const clock = manualClock('2026-03-02T09:00:00Z');
const seen: { url: string; headers: Record<string, string>; body: string }[] = [];
const server = setupServer(
  http.all('https://api.example.com/*', async ({ request }) => {
    seen.push({ url: request.url, headers: Object.fromEntries(request.headers), body: await request.text() });
    if (request.url.endsWith('/echo')) return HttpResponse.text(`you sent ${request.headers.get('x-api-key')}`);
    return request.url.endsWith('/missing') ? HttpResponse.json({ error: 'not found' }, { status: 404 }) : HttpResponse.json({ ok: true, id: 42 });
  }),
);

type Row = { status: string; description: string; details?: Record<string, unknown> };
function memoryLog(rows: Row[]): Logger {
  const w = (status: string) => (description: string, details?: Record<string, unknown>) => { rows.push({ status, description, details }); };
  const log: Logger = { info: w('info'), warn: w('warning'), error: w('error'), debug: w('debug'), withProduct: () => log };
  return log;
}

let database: Database;
beforeAll(async () => { server.listen({ onUnhandledRequest: 'error' }); database = await createTestDatabase(); });
afterAll(async () => { server.close(); await database.close(); });
beforeEach(async () => { seen.length = 0; await database.db.execute(sql`delete from integration_connections`); });
afterEach(() => server.resetHandlers());

describe('connections', () => {
  it('stores secrets encrypted, shows none of them, and replaces a connection saved again under its name', async () => {
    const info = await saveConnection(database.db, box, {
      accountId: 1, scope: 'my_integration', name: 'webhook', type: 'api_key', allowedDomain: 'API.example.com',
      secret: { headerName: 'X-Api-Key', value: 'key-very-secret-123' },
    }, clock);
    expect(info).toMatchObject({ name: 'webhook', scope: 'my_integration', type: 'api_key', allowedDomain: 'api.example.com', headerName: 'X-Api-Key' });
    expect(JSON.stringify(info)).not.toContain('very-secret');
    const [stored] = await database.rows<{ secret: string }>(sql`select secret from integration_connections`);
    expect(stored!.secret).toMatch(/^v1:/);
    expect(stored!.secret).not.toContain('very-secret');

    await saveConnection(database.db, box, {
      accountId: 1, scope: 'my_integration', name: 'webhook', type: 'bearer_token', allowedDomain: 'example.com', secret: { token: 'tok-new-value' },
    }, clock);
    const list = await listConnections(database.db, 1, 'my_integration');
    expect(list.map((c) => [c.name, c.type, c.allowedDomain])).toEqual([['webhook', 'bearer_token', 'example.com']]);
    expect(JSON.stringify(list)).not.toContain('tok-new-value');
    // Scopes and accounts are separate.
    expect(await listConnections(database.db, 1, null)).toEqual([]);
    expect(await getConnection(database.db, box, 2, 'my_integration', 'webhook')).toBeNull();
    expect(await deleteConnection(database.db, 1, 'my_integration', 'webhook')).toBe(true);
    expect(await getConnection(database.db, box, 1, 'my_integration', 'webhook')).toBeNull();
  });

  it('a ciphertext copied to another row does not open', async () => {
    const input = { accountId: 1, scope: null, name: 'crm', type: 'bearer_token' as const, allowedDomain: 'example.com', secret: { token: 'tok-one-secret' } };
    await saveConnection(database.db, box, input, clock);
    await saveConnection(database.db, box, { ...input, name: 'other', secret: { token: 'tok-two-secret' } }, clock);
    await database.db.execute(sql`update integration_connections set secret = (select secret from integration_connections where name = 'crm') where name = 'other'`);
    await expect(getConnection(database.db, box, 1, null, 'other')).rejects.toThrow(/cannot be decrypted/);
  });

  it('refuses bad input with every field named', async () => {
    const err = await saveConnection(database.db, box, {
      accountId: 1, scope: null, name: 'has space', type: 'basic_auth', allowedDomain: 'https://example.com/x', secret: { username: '', password: 'p' },
    } as never, clock).catch((e: unknown) => e) as { status: number; details: Record<string, unknown> };
    expect(err.status).toBe(422);
    expect(Object.keys(err.details).sort()).toEqual(['allowed_domain', 'basic_auth.username', 'name']);
  });
});

describe('runHttpAction', () => {
  async function connection(type: 'api_key' | 'basic_auth' | 'bearer_token' | 'oauth', secret: Record<string, string>) {
    await saveConnection(database.db, box, { accountId: 1, scope: 'zis', name: type, type, allowedDomain: 'example.com', secret } as never, clock);
    return (await getConnection(database.db, box, 1, 'zis', type))!;
  }

  it('applies each connection type\'s auth, logs a debug row per call and returns non-2xx answers', async () => {
    const rows: Row[] = [];
    const log = memoryLog(rows);
    const conns = [
      await connection('api_key', { headerName: 'X-Api-Key', value: 'key-123456' }),
      await connection('basic_auth', { username: 'ann', password: 'pw-123456' }),
      await connection('bearer_token', { token: 'tok-123456' }),
      await connection('oauth', { accessToken: 'oauth-123456' }),
    ];
    for (const c of conns) await runHttpAction({ method: 'POST', url: 'https://api.example.com/hook?x=1', body: { a: 1 }, connection: c, log });
    expect(seen.map((s) => s.headers['x-api-key'] ?? s.headers.authorization)).toEqual([
      'key-123456', `Basic ${Buffer.from('ann:pw-123456').toString('base64')}`, 'Bearer tok-123456', 'Bearer oauth-123456',
    ]);
    expect(seen[0]!.body).toBe('{"a":1}');
    expect(seen[0]!.headers['content-type']).toBe('application/json');

    const missing = await runHttpAction({ method: 'GET', url: 'https://api.example.com/missing', connection: conns[2], log });
    expect(missing).toMatchObject({ status: 404, ok: false, json: { error: 'not found' } });
    expect(rows.filter((r) => r.status === 'debug').map((r) => r.description)).toEqual([
      ...Array(4).fill(expect.stringMatching(/^POST https:\/\/api\.example\.com\/hook → 200 \(\d+ ms\)$/)),
      expect.stringMatching(/^GET https:\/\/api\.example\.com\/missing → 404/),
    ]);
    expect(JSON.stringify(rows)).not.toContain('tok-123456');
  });

  it('blanks the connection\'s secret in the debug row when the endpoint echoes it back', async () => {
    const rows: Row[] = [];
    const c = await connection('api_key', { headerName: 'X-Api-Key', value: 'key-echo-98765' });
    const res = await runHttpAction({ method: 'GET', url: 'https://api.example.com/echo', connection: c, log: memoryLog(rows) });
    expect(res.text).toBe('you sent key-echo-98765');
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain('key-echo-98765');
    expect(JSON.stringify(rows)).toContain('you sent [REDACTED]');
  });

  it('refuses a URL outside the allowed domain before sending anything', async () => {
    const c = await connection('bearer_token', { token: 'tok-123456' });
    expect(c.allows(new URL('https://example.com/'))).toBe(true);
    expect(c.allows(new URL('https://deep.api.example.com/'))).toBe(true);
    expect(c.allows(new URL('https://example.com.evil.io/'))).toBe(false);
    expect(c.allows(new URL('https://notexample.com/'))).toBe(false);
    await expect(runHttpAction({ method: 'POST', url: 'https://evil.io/steal', connection: c, log: memoryLog([]) }))
      .rejects.toThrow('Refused to call https://evil.io/steal: the connection "bearer_token" may only call example.com and its subdomains');
    expect(seen).toHaveLength(0);
  });
});

describe('renderTemplate', () => {
  it('keeps the type of a whole placeholder and writes text inside longer strings', () => {
    const vars = { ticket: { id: 7, tags: ['a', 'b'] }, name: 'Ann' };
    expect(renderTemplate({ id: '{{$.ticket.id}}', subject: 'Ticket #{{$.ticket.id}} for {{name}}', tags: ['{{ticket.tags}}'], n: 3 }, vars))
      .toEqual({ id: 7, subject: 'Ticket #7 for Ann', tags: [['a', 'b']], n: 3 });
    expect(renderTemplate('Hi {{missing}}!', vars)).toBe('Hi !');
  });
});
