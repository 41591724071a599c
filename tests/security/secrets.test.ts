import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { World } from '../helpers/world.ts';
import { createSecurityWorld, VAULT_API, type SecurityWorld } from './helpers.ts';

/**
 * Secrets (SPEC R4, C5): what admins hand deskbridge — connector credentials, HTTP and ZIS connection
 * keys — is sealed at rest and never comes back out: not in an API answer, an error, or a log row.
 * ZAF JWTs are covered by tests/sidebar/api.test.ts; download links by the access matrix (they are
 * not bearer links: an authenticated exporter of the account only) and tests/exports/api.test.ts (expiry).
 */

const VAULT_KEY = 'vk_live_5f3Qw9Zr7Lm2Xt8B';
const ORDERS_KEY = 'ok_live_Hy4Np6Rb1Cs9Ve3D';
const ZIS_TOKEN = 'zt_live_Jd2Kf7Gh5Mn8Pq1W';
const ZIS_PASSWORD = 'zp_live_Ua6Ie3Oy9Tr4Ew2Q';
const SECRETS = [VAULT_KEY, ORDERS_KEY, ZIS_TOKEN, ZIS_PASSWORD];
const ORDERS = 'https://orders.example.test';
const ZIS_CONNECTIONS = '/api/services/zis/integrations/shop_sync/connections';

/** Third parties that echo the credential they were sent: the worst case for redaction. */
const crmSaw: string[] = [];
const server = setupServer(
  http.post(`${VAULT_API}/cases`, ({ request }) => {
    const auth = request.headers.get('authorization') ?? '';
    crmSaw.push(auth);
    return HttpResponse.json({ error: 'invalid_key', message: `Key rejected: ${auth}` }, { status: 401 });
  }),
  http.get(`${ORDERS}/v1/orders/:id`, ({ request }) => HttpResponse.json({ order: { status: 'shipped', seen_key: request.headers.get('x-api-key') } })),
);

let w: SecurityWorld;
let installationId: number;
/** Every response body and header this file received. */
const seen: string[] = [];

async function call(method: string, p: string, opts: Parameters<World['call']>[2] = {}) {
  const res = await w.call(method, p, opts);
  seen.push(JSON.stringify(res.json), JSON.stringify([...res.headers.entries()]));
  return res;
}

/** Every secret and its base64 / hex spellings: encoding is not encryption. */
const spellings = (secret: string) => [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url'), Buffer.from(secret).toString('hex')];
const leaked = (text: string) => SECRETS.flatMap(spellings).filter((s) => text.includes(s));

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  w = await createSecurityWorld();
  const made = await call('POST', '/api/v2/integrations/installations', {
    body: { installation: { connector_id: 'vault', name: 'Vault', settings: { baseUrl: VAULT_API }, credentials: { apiKey: VAULT_KEY } } },
  });
  expect(made.status).toBe(201);
  installationId = made.json.installation.id;
  expect((await call('POST', '/api/v2/integrations/http_connections', {
    body: { connection: { name: 'orders', type: 'api_key', header_name: 'X-Api-Key', api_key: ORDERS_KEY, allowed_domain: 'orders.example.test' } },
  })).status).toBe(201);
  expect((await call('POST', '/api/services/zis/registry/shop_sync', { body: {} })).status).toBe(201);
  expect((await call('POST', `${ZIS_CONNECTIONS}/bearer_token`, { body: { name: 'hook', token: ZIS_TOKEN, allowed_domain: 'hooks.example.com' } })).status).toBe(201);
  expect((await call('POST', `${ZIS_CONNECTIONS}/basic_auth`, { body: { name: 'erp', username: 'svc', password: ZIS_PASSWORD, allowed_domain: 'erp.example' } })).status).toBe(201);
}, 120_000);
afterAll(async () => {
  server.close();
  await w.close();
});

describe('at rest', () => {
  it('stores no credential in clear (nor base64 / hex of it) in any column of the credential tables', async () => {
    const rows = [
      ...await w.database.rows<{ row: string }>(sql`select t::text as row from connector_installations t`),
      ...await w.database.rows<{ row: string }>(sql`select t::text as row from integration_connections t`),
    ];
    expect(rows.length).toBe(4);
    for (const { row } of rows) expect(leaked(row), row).toEqual([]);
  });
});

describe('API answers and errors', () => {
  it('reads back connections without their secrets', async () => {
    const reads = [
      '/api/v2/integrations/installations', `/api/v2/integrations/installations/${installationId}`,
      '/api/v2/integrations/http_connections', '/api/v2/integrations/http_connections/orders',
      `${ZIS_CONNECTIONS}/all`, `${ZIS_CONNECTIONS}/bearer_token/hook`, `${ZIS_CONNECTIONS}/basic_auth/erp`,
    ];
    for (const p of reads) {
      const res = await call('GET', p);
      expect(res.status, p).toBe(200);
      expect(leaked(JSON.stringify(res.json)), p).toEqual([]);
    }
  });

  it('names the wrong field without echoing the secret sent beside it', async () => {
    const refused = [
      await call('PUT', `/api/v2/integrations/installations/${installationId}`, { body: { installation: { settings: { baseUrl: 'not a url' }, credentials: { apiKey: VAULT_KEY } } } }),
      await call('POST', '/api/v2/integrations/installations', { body: { installation: { connector_id: 'vault', name: 'x', settings: {}, credentials: { apiKey: VAULT_KEY, extra: ORDERS_KEY } } } }),
      await call('POST', '/api/v2/integrations/http_connections', { body: { connection: { name: 'bad', type: 'api_key', header_name: 'X-Api-Key', api_key: ORDERS_KEY, allowed_domain: 'https://x/y' } } }),
      await call('POST', `${ZIS_CONNECTIONS}/bearer_token`, { body: { name: 'bad', token: ZIS_TOKEN, allowed_domain: 'https://ok.example/path' } }),
      // Malformed JSON around a secret: the parser's message must not quote the body.
      await call('POST', '/api/v2/integrations/installations', { raw: `{"installation": {"credentials": {"apiKey": "${VAULT_KEY}"` }),
    ];
    for (const res of refused) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(leaked(JSON.stringify(res.json)), JSON.stringify(res.json)).toEqual([]);
    }
  });
});

describe('log rows', () => {
  it("redacts a connector's credential even when the third party echoes it in an error", async () => {
    const ticket = await call('POST', '/api/v2/tickets', { body: { ticket: { subject: 'Printer on fire', comment: { body: 'help' }, requester_id: w.acme.endUser.user.id } } });
    expect(ticket.status).toBe(201);
    await w.engine!.drain();
    // The key really went out (so the echo happened), and the refusal reached the log.
    expect(crmSaw).toContain(`Bearer ${VAULT_KEY}`);
    const rows = await vi.waitFor(async () => {
      const found = await w.database.rows<{ row: string; description: string }>(sql`select t::text as row, description from integration_logs t where product = 'Vault CRM'`);
      expect(found.some((r) => r.description.includes(`refused ticket #${ticket.json.ticket.id}`))).toBe(true);
      return found;
    });
    for (const { row } of rows) expect(leaked(row), row).toEqual([]);
  });

  it("redacts an HTTP connection's key from a custom action's answer and its log rows", async () => {
    const action = await call('POST', '/api/v2/actions', {
      body: { action: { name: 'Get order', method: 'GET', url: `${ORDERS}/v1/orders/{{order_id}}`, connection: 'orders', inputs: [{ name: 'order_id', type: 'string', required: true }], outputs: [{ name: 'key', path: '$.order.seen_key' }] } },
    });
    expect(action.status).toBe(201);
    const run = await call('POST', `/api/v2/actions/${action.json.action.id}/test`, { body: { inputs: { order_id: '1001' } } });
    expect(run.status).toBe(200);
    expect(leaked(JSON.stringify(run.json)), JSON.stringify(run.json)).toEqual([]);
    const rows = await vi.waitFor(async () => {
      const found = await w.database.rows<{ row: string }>(sql`select t::text as row from integration_logs t where t::text like '%/v1/orders/1001%'`);
      expect(found.length).toBeGreaterThan(0);
      return found;
    });
    for (const { row } of rows) expect(leaked(row), row).toEqual([]);
  });
});

describe('sessions and sign-in', () => {
  const login = (email: string, password: string, ip: string) =>
    w.app.request('http://localhost/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'x-deskbridge-account': 'acme', 'x-forwarded-for': ip }, body: JSON.stringify({ email, password }) });
  const tickets = (cookie: string) => w.app.request('http://localhost/api/v2/tickets', { headers: { cookie: `deskbridge_session=${cookie}`, 'x-deskbridge-account': 'acme' } });
  const sessionOf = (res: Response) => /deskbridge_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;

  it('refuses a tampered session cookie with 401', async () => {
    const cookie = sessionOf(await login('agent@acme.test', 'agent-password', '10.9.0.1'));
    expect((await tickets(cookie)).status).toBe(200);
    const last = cookie.at(-1) === 'A' ? 'B' : 'A';
    for (const forged of [`${cookie.slice(0, -1)}${last}`, cookie.slice(0, -1), `${cookie}x`, '']) {
      const res = await tickets(forged);
      expect(res.status, forged).toBe(401);
      expect((await res.json()).error).toBe('Unauthorized');
    }
  });

  it('session ids carry at least 128 bits of randomness', async () => {
    const ids = [sessionOf(await login('admin@acme.test', 'admin-password', '10.9.0.2')), sessionOf(await login('admin@acme.test', 'admin-password', '10.9.0.2'))];
    for (const id of ids) expect(Buffer.from(id, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(ids[0]).not.toBe(ids[1]);
    const stored = await w.database.rows<{ id_hash: string }>(sql`select id_hash from sessions`);
    expect(stored.some((r) => ids.includes(r.id_hash))).toBe(false);
  });

  it('limits password guesses per email even when each guess comes from another address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await login('owner@acme.test', `guess-${i}`, `172.16.${i}.1`)).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // The right password from yet another address waits too: the guesser cannot tell it was right.
    expect((await login('owner@acme.test', 'owner-password', '172.16.99.1')).status).toBe(429);
    // Other people keep signing in.
    expect((await login('agent@acme.test', 'agent-password', '172.16.99.1')).status).toBe(200);
  });

  it('refuses an expired session cookie with 401', async () => {
    const cookie = sessionOf(await login('agent@acme.test', 'agent-password', '10.9.0.3'));
    expect((await tickets(cookie)).status).toBe(200);
    w.clock.advance((w.config.SESSION_TTL_HOURS + 1) * 3600_000);
    expect((await tickets(cookie)).status).toBe(401);
  });
});

describe('comparisons of secrets', () => {
  // Secrets are compared with timingSafeEqual or by looking up their hash; `===` on one leaks its prefix by timing.
  const SECRET_NAME = /secret|signature|\bsig\b|hmac|digest|password|api_?key|token/i;
  const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });

  it('compares no secret with === or !== in the product code (runner/, the sandboxes standing in for third parties aside)', () => {
    const offenders: string[] = [];
    for (const file of files('runner').filter((f) => !f.includes(`${path.sep}sandboxes${path.sep}`))) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        for (const m of line.matchAll(/([\w.?[\]'"()]+)\s*[!=]==\s*([\w.?[\]'"()]+)/g)) {
          const sides = [m[1]!, m[2]!].map((x) => x.replace(/^\(+|\)+$/g, '')).filter((s) => !/^(null|undefined|true|false|\d+|'[^']*'|"[^"]*")$/.test(s) && !/\.(length|size|type|kind|status)$/.test(s));
          if (sides.length === 2 && sides.some((s) => SECRET_NAME.test(s))) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
        }
      });
    }
    expect(offenders).toEqual([]);
  });
});

describe('afterwards', () => {
  it('never answered a secret, in a body or a header', () => {
    expect(seen.length).toBeGreaterThan(30);
    expect(leaked(seen.join('\n'))).toEqual([]);
    expect(w.errors).toEqual([]);
  });
});
