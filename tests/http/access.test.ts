import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicket } from '../../runner/core/tickets.ts';
import { createWorld, type World } from '../helpers/world.ts';

let w: World;
let acmeTicket: number;
let globexTicket: number;
beforeAll(async () => {
  w = await createWorld();
  acmeTicket = (await createTicket(w.db, w.acme.ctx(), { subject: 'acme', comment: { body: 'acme secret' }, requester_id: w.acme.endUser.user.id })).id;
  globexTicket = (await createTicket(w.db, w.globex.ctx(), { subject: 'globex', comment: { body: 'globex secret' }, requester_id: w.globex.endUser.user.id })).id;
});
afterAll(async () => { await w.close(); });

describe('tenant isolation (C1)', () => {
  it("account A's token cannot read B's ticket: 404, exactly like a ticket that does not exist", async () => {
    const other = await w.call('GET', `/api/v2/tickets/${globexTicket}.json`);
    const missing = await w.call('GET', '/api/v2/tickets/999999999.json');
    expect(other.status).toBe(404);
    expect(other.json).toEqual(missing.json);
    for (const sub of ['comments', 'audits']) {
      expect((await w.call('GET', `/api/v2/tickets/${globexTicket}/${sub}.json`)).status).toBe(404);
    }
  });
  it("account A's token cannot change B's ticket, user or organization", async () => {
    const res = await w.call('PUT', `/api/v2/tickets/${globexTicket}.json`, { body: { ticket: { subject: 'pwned', comment: { body: 'x' } } } });
    expect(res.status).toBe(404);
    expect((await w.call('PUT', `/api/v2/users/${w.globex.agent.user.id}.json`, { body: { user: { name: 'pwned' } } })).status).toBe(404);
    const t = await w.call('GET', `/api/v2/tickets/${globexTicket}.json`, { account: w.globex });
    expect(t.json.ticket.subject).toBe('globex');
    expect((await w.call('GET', `/api/v2/tickets/${globexTicket}/audits.json`, { account: w.globex })).json.audits).toHaveLength(1);
  });
  it('lists only the own account rows', async () => {
    const list = await w.call('GET', '/api/v2/tickets.json');
    expect(list.json.tickets.map((t: any) => t.id)).toEqual([acmeTicket]);
    const users = await w.call('GET', '/api/v2/users.json');
    expect(users.json.users.every((u: any) => u.email.endsWith('acme.test'))).toBe(true);
    const inc = await w.call('GET', '/api/v2/incremental/tickets/cursor.json?start_time=0');
    expect(inc.json.tickets.map((t: any) => t.id)).toEqual([acmeTicket]);
  });
  it("a token of account A presented to account B does not authenticate", async () => {
    const res = await w.call('GET', '/api/v2/tickets.json', { account: w.globex, as: w.acme.owner });
    expect(res.status).toBe(401);
  });
});

describe('authentication and roles (C5)', () => {
  it('anonymous callers get 401 JSON', async () => {
    const res = await w.call('GET', '/api/v2/tickets.json', { as: null });
    expect(res.status).toBe(401);
    expect(res.json.error).toBe('Unauthorized');
  });
  it('a wrong token gets 401', async () => {
    const res = await w.call('GET', '/api/v2/tickets.json', { as: { ...w.acme.agent, token: 'not-the-token' } });
    expect(res.status).toBe(401);
  });
  it('end-users cannot list all tickets or users (403) but can read themselves', async () => {
    expect((await w.call('GET', '/api/v2/tickets.json', { as: w.acme.endUser })).status).toBe(403);
    expect((await w.call('GET', '/api/v2/users.json', { as: w.acme.endUser })).status).toBe(403);
    const me = await w.call('GET', '/api/v2/users/me.json', { as: w.acme.endUser });
    expect(me.json.user.email).toBe(w.acme.endUser.user.email);
  });
  it('agents work tickets but cannot create admins or organizations; admins can', async () => {
    expect((await w.call('GET', '/api/v2/tickets.json', { as: w.acme.agent })).status).toBe(200);
    const admin = await w.call('POST', '/api/v2/users.json', { as: w.acme.agent, body: { user: { name: 'Sneaky', email: 'sneaky@acme.test', role: 'admin' } } });
    expect(admin.status).toBe(403);
    const endUser = await w.call('POST', '/api/v2/users.json', { as: w.acme.agent, body: { user: { name: 'Cust', email: 'cust@x.test' } } });
    expect(endUser.status).toBe(201);
    expect((await w.call('POST', '/api/v2/organizations.json', { as: w.acme.agent, body: { organization: { name: 'Org' } } })).status).toBe(403);
    expect((await w.call('POST', '/api/v2/organizations.json', { as: w.acme.admin, body: { organization: { name: 'Org' } } })).status).toBe(201);
  });
  it('incremental exports are for admins only', async () => {
    expect((await w.call('GET', '/api/v2/incremental/tickets/cursor.json?start_time=0', { as: w.acme.agent })).status).toBe(403);
    expect((await w.call('GET', '/api/v2/incremental/tickets/cursor.json?start_time=0', { as: w.acme.admin })).status).toBe(200);
  });
  it('API tokens and passwords are stored hashed, never in clear', async () => {
    const rows = await w.database.rows<{ token_hash: string }>((await import('drizzle-orm')).sql`select token_hash from api_tokens`);
    expect(rows.some((r) => r.token_hash === w.acme.agent.token)).toBe(false);
    const pw = await w.database.rows<{ password_hash: string }>((await import('drizzle-orm')).sql`select password_hash from users where password_hash is not null`);
    expect(pw.every((r) => r.password_hash.startsWith('scrypt$') && !r.password_hash.includes('password'))).toBe(true);
  });
});

describe('session login', () => {
  const login = (email: string, password: string, ip = '10.0.0.1') =>
    w.app.request('http://localhost/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'x-deskbridge-account': 'acme', 'x-forwarded-for': ip }, body: JSON.stringify({ email, password }) });

  it('sets an httpOnly, SameSite cookie that authenticates API calls, until logout', async () => {
    const res = await login('agent@acme.test', 'agent-password');
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/deskbridge_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const session = cookie.split(';')[0]!;
    const headers = { cookie: session, 'x-deskbridge-account': 'acme' };
    const me = await w.app.request('http://localhost/api/v2/users/me.json', { headers });
    expect((await me.json()).user.email).toBe('agent@acme.test');
    expect((await w.app.request('http://localhost/api/v2/tickets.json', { headers })).status).toBe(200);
    // The same cookie means nothing to another account.
    expect((await w.app.request('http://localhost/api/v2/tickets.json', { headers: { ...headers, 'x-deskbridge-account': 'globex' } })).status).toBe(401);
    await w.app.request('http://localhost/auth/logout', { method: 'POST', headers });
    expect((await w.app.request('http://localhost/api/v2/tickets.json', { headers })).status).toBe(401);
  });
  it('refuses a wrong password with 401 and the same answer for an unknown email', async () => {
    const wrong = await login('agent@acme.test', 'nope', '10.0.0.2');
    const unknown = await login('ghost@acme.test', 'nope', '10.0.0.2');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
  });
  it('slows down password guessing: 429 with Retry-After after 10 failures', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await login('admin@acme.test', `guess-${i}`, '10.0.0.3')).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    const blocked = await login('admin@acme.test', 'admin-password', '10.0.0.3');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
  it('validates the login form', async () => {
    const res = await login('not-an-email', '');
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(Object.keys(body.details)).toEqual(expect.arrayContaining(['email', 'password']));
  });
});
