import { randomUUID } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Persona } from '../helpers/world.ts';
import { createSecurityWorld, outsiderAdmin, seedAccount, type Fixtures, type SecurityWorld } from './helpers.ts';

/**
 * The access matrix (SPEC C1, C5, E1–E3): every route of the real app × every role × own and
 * another account's objects. The table below must name every route the app serves, so a route added
 * without a decision on who may call it fails this file.
 */

/** Who passes a route's gate: everyone, a minimum role, or an admin who may export (approved domain). */
type Gate = 'public' | 'end-user' | 'agent' | 'admin' | 'exporter';
/** `ok`: the status a caller who passes the gate gets for own objects (mutations send `{}`, so often a 4xx naming the fields). */
type Route = { gate: Gate; path: (f: Fixtures) => string; ok: number } & Options;
/**
 * `body`: a valid body, so the request reaches the object's lookup (the other-account column then
 * proves a write cannot reach another account); without one, mutations send `{}`.
 * `denied`: what a role below the gate gets when it is not 403.
 */
type Options = { body?: (f: Fixtures) => unknown; denied?: Partial<Record<Role, number>> };

const V2 = '/api/v2';
const ZIS = '/api/services/zis';
const ZI = (f: Fixtures) => `${ZIS}/integrations/${f.integration}`;
const r = (gate: Gate, ok: number, path: (f: Fixtures) => string, opts: Options = {}): Route => ({ gate, ok, path, ...opts });
/**
 * These routes check their body before the admin gate (the agent group's routers hand the role
 * check to runner/core): an agent sending `{}` learns only that the body is malformed — no data, no effect.
 */
const BODY_FIRST: Options = { denied: { agent: 400 } };
const body = (value: unknown): Options => ({ body: () => value });
const fixed = (gate: Gate, ok: number, p: string, opts: Options = {}) => r(gate, ok, () => p, opts);

const ROUTES: Record<string, Route> = {
  'GET /healthz': fixed('public', 200, '/healthz'),
  'POST /auth/login': fixed('public', 422, '/auth/login'),
  'POST /auth/logout': fixed('public', 204, '/auth/logout'),
  'GET /auth/session': fixed('public', 200, '/auth/session'),
  'POST /webhooks/:connector/:key': r('public', 401, (f) => `/webhooks/vault/${f.installation}`),
  'POST /api/services/zis/inbound_webhooks/generic/ingest/:token': r('public', 200, (f) => `${ZIS}/inbound_webhooks/generic/ingest/${f.ingest}`),

  'GET /api/v2/apps/sidebar/tickets/:id': r('agent', 200, (f) => `${V2}/apps/sidebar/tickets/${f.ticket}`),
  'POST /api/v2/apps/sidebar/tickets/:id/resync': r('admin', 422, (f) => `${V2}/apps/sidebar/tickets/${f.ticket}/resync`),

  'GET /api/v2/tickets': fixed('agent', 200, `${V2}/tickets`),
  'GET /api/v2/tickets/show_many': r('agent', 200, (f) => `${V2}/tickets/show_many?ids=${f.ticket}`),
  'GET /api/v2/tickets/:id': r('agent', 200, (f) => `${V2}/tickets/${f.ticket}`),
  'POST /api/v2/tickets': fixed('agent', 400, `${V2}/tickets`),
  'PUT /api/v2/tickets/:id': r('agent', 200, (f) => `${V2}/tickets/${f.ticket}`, body({ ticket: { priority: 'high' } })),
  'GET /api/v2/tickets/:id/comments': r('agent', 200, (f) => `${V2}/tickets/${f.ticket}/comments`),
  'GET /api/v2/tickets/:id/audits': r('agent', 200, (f) => `${V2}/tickets/${f.ticket}/audits`),
  'GET /api/v2/tickets/:id/metrics': r('agent', 200, (f) => `${V2}/tickets/${f.ticket}/metrics`),

  'GET /api/v2/users/:id/profiles': r('agent', 200, (f) => `${V2}/users/${f.user}/profiles`),
  'GET /api/v2/users/:id/events': r('agent', 200, (f) => `${V2}/users/${f.user}/events`),
  'GET /api/v2/users/me': fixed('public', 200, `${V2}/users/me`),
  'GET /api/v2/users': fixed('agent', 200, `${V2}/users`),
  'GET /api/v2/users/:id': r('agent', 200, (f) => `${V2}/users/${f.user}`),
  'POST /api/v2/users': fixed('agent', 400, `${V2}/users`),
  'PUT /api/v2/users/:id': r('agent', 200, (f) => `${V2}/users/${f.user}`, body({ user: { notes: 'VIP' } })),

  'GET /api/v2/organizations': fixed('agent', 200, `${V2}/organizations`),
  'GET /api/v2/organizations/:id': r('agent', 200, (f) => `${V2}/organizations/${f.organization}`),
  'POST /api/v2/organizations': fixed('admin', 400, `${V2}/organizations`, BODY_FIRST),
  'PUT /api/v2/organizations/:id': r('admin', 200, (f) => `${V2}/organizations/${f.organization}`, body({ organization: { notes: 'Key account' } })),
  'DELETE /api/v2/organizations/:id': r('admin', 204, (f) => `${V2}/organizations/${f.organization}`),
  'GET /api/v2/groups': fixed('agent', 200, `${V2}/groups`),
  'GET /api/v2/groups/:id': r('agent', 200, (f) => `${V2}/groups/${f.group}`),
  'POST /api/v2/groups': fixed('admin', 400, `${V2}/groups`, BODY_FIRST),
  'PUT /api/v2/groups/:id': r('admin', 200, (f) => `${V2}/groups/${f.group}`, body({ group: { description: 'Front line' } })),
  'GET /api/v2/ticket_fields': fixed('agent', 200, `${V2}/ticket_fields`),
  'GET /api/v2/ticket_fields/:id': r('agent', 200, (f) => `${V2}/ticket_fields/${f.ticketField}`),

  'GET /api/v2/incremental/tickets/cursor': fixed('admin', 200, `${V2}/incremental/tickets/cursor?start_time=0`),
  'GET /api/v2/incremental/users/cursor': fixed('admin', 200, `${V2}/incremental/users/cursor?start_time=0`),
  'GET /api/v2/incremental/organizations': fixed('admin', 200, `${V2}/incremental/organizations?start_time=0`),
  'GET /api/v2/ticket_metrics': fixed('agent', 200, `${V2}/ticket_metrics`),
  'GET /api/v2/ticket_metrics/:id': r('agent', 200, (f) => `${V2}/ticket_metrics/${f.ticketMetric}`),

  'GET /api/v2/business_hours/schedules': fixed('agent', 200, `${V2}/business_hours/schedules`),
  'GET /api/v2/business_hours/schedules/:id': r('agent', 200, (f) => `${V2}/business_hours/schedules/${f.schedule}`),
  'POST /api/v2/business_hours/schedules': fixed('admin', 400, `${V2}/business_hours/schedules`, BODY_FIRST),
  'PUT /api/v2/business_hours/schedules/:id': r('admin', 200, (f) => `${V2}/business_hours/schedules/${f.schedule}`, body({ schedule: { name: 'Office hours' } })),
  'PUT /api/v2/business_hours/schedules/:id/workweek': r('admin', 200, (f) => `${V2}/business_hours/schedules/${f.schedule}/workweek`, body({ workweek: { intervals: [{ start_time: 1980, end_time: 2460 }] } })),
  'GET /api/v2/business_hours/schedules/:id/holidays': r('agent', 200, (f) => `${V2}/business_hours/schedules/${f.schedule}/holidays`),
  'POST /api/v2/business_hours/schedules/:id/holidays': r('admin', 201, (f) => `${V2}/business_hours/schedules/${f.schedule}/holidays`, body({ holiday: { name: 'Boxing day', start_date: '2026-12-26', end_date: '2026-12-26' } })),
  'DELETE /api/v2/business_hours/schedules/:id/holidays/:holidayId': r('admin', 204, (f) => `${V2}/business_hours/schedules/${f.schedule}/holidays/${f.holiday}`),

  'GET /api/v2/integrations/logs': fixed('admin', 200, `${V2}/integrations/logs`),
  'GET /api/v2/integrations/logs/products': fixed('admin', 200, `${V2}/integrations/logs/products`),
  'GET /api/v2/integrations/logs/stream': fixed('admin', 200, `${V2}/integrations/logs/stream`),
  'GET /api/v2/integrations/logs/export': fixed('admin', 200, `${V2}/integrations/logs/export`),
  'GET /api/v2/integrations/logs/:id': r('admin', 200, (f) => `${V2}/integrations/logs/${f.log}`),
  'POST /api/v2/integrations/logs/:id/retry': r('admin', 422, (f) => `${V2}/integrations/logs/${f.log}/retry`),
  'POST /api/v2/integrations/webhooks/:installation/:name': r('public', 401, (f) => `${V2}/integrations/webhooks/${f.installation}/inbound`),
  'GET /api/v2/integrations/connectors': fixed('admin', 200, `${V2}/integrations/connectors`),
  'GET /api/v2/integrations/connectors/:id': fixed('admin', 200, `${V2}/integrations/connectors/vault`),
  'GET /api/v2/integrations/installations': fixed('admin', 200, `${V2}/integrations/installations`),
  'POST /api/v2/integrations/installations': fixed('admin', 400, `${V2}/integrations/installations`),
  'GET /api/v2/integrations/installations/:id': r('admin', 200, (f) => `${V2}/integrations/installations/${f.installation}`),
  'PUT /api/v2/integrations/installations/:id': r('admin', 200, (f) => `${V2}/integrations/installations/${f.installation}`, body({ installation: { name: 'Renamed' } })),
  'DELETE /api/v2/integrations/installations/:id': r('admin', 204, (f) => `${V2}/integrations/installations/${f.installation}`),

  'GET /api/v2/account/export_settings': fixed('admin', 200, `${V2}/account/export_settings`),
  'PUT /api/v2/account/export_settings': fixed('admin', 400, `${V2}/account/export_settings`),
  'POST /api/v2/exports': fixed('exporter', 400, `${V2}/exports`),
  'GET /api/v2/exports': fixed('exporter', 200, `${V2}/exports`),
  'GET /api/v2/exports/latest': fixed('exporter', 200, `${V2}/exports/latest`),
  'GET /api/v2/exports/:id': r('exporter', 200, (f) => `${V2}/exports/${f.export}`),
  'GET /api/v2/exports/:id/download': r('exporter', 409, (f) => `${V2}/exports/${f.export}/download`),
  'GET /api/v2/email_outbox': fixed('admin', 200, `${V2}/email_outbox`),

  'GET /api/v2/integrations/http_connections': fixed('admin', 200, `${V2}/integrations/http_connections`),
  'POST /api/v2/integrations/http_connections': fixed('admin', 400, `${V2}/integrations/http_connections`),
  'GET /api/v2/integrations/http_connections/:name': r('admin', 200, (f) => `${V2}/integrations/http_connections/${f.connection}`),
  'PUT /api/v2/integrations/http_connections/:name': r('admin', 200, (f) => `${V2}/integrations/http_connections/${f.connection}`, body({ connection: { type: 'api_key', header_name: 'X-Api-Key', api_key: 'rotated-api-key', allowed_domain: 'orders.example.test' } })),
  'DELETE /api/v2/integrations/http_connections/:name': r('admin', 204, (f) => `${V2}/integrations/http_connections/${f.connection}`),
  'GET /api/v2/bots/steps': fixed('admin', 200, `${V2}/bots/steps`),
  'POST /api/v2/bots/steps': fixed('admin', 400, `${V2}/bots/steps`),
  'GET /api/v2/bots/steps/:id': r('admin', 200, (f) => `${V2}/bots/steps/${f.step}`),
  'PUT /api/v2/bots/steps/:id': r('admin', 200, (f) => `${V2}/bots/steps/${f.step}`, body({ step: { timeout_ms: 2000 } })),
  'DELETE /api/v2/bots/steps/:id': r('admin', 204, (f) => `${V2}/bots/steps/${f.step}`),
  'POST /api/v2/bots/steps/:id/invoke': r('admin', 200, (f) => `${V2}/bots/steps/${f.step}/invoke`),
  'GET /api/v2/actions': fixed('admin', 200, `${V2}/actions`),
  'POST /api/v2/actions': fixed('admin', 400, `${V2}/actions`),
  'GET /api/v2/actions/:id': r('admin', 200, (f) => `${V2}/actions/${f.action}`),
  'PUT /api/v2/actions/:id': r('admin', 200, (f) => `${V2}/actions/${f.action}`, body({ action: { description: 'Looks an order up' } })),
  'DELETE /api/v2/actions/:id': r('admin', 204, (f) => `${V2}/actions/${f.action}`),
  'POST /api/v2/actions/:id/test': r('admin', 200, (f) => `${V2}/actions/${f.action}/test`, body({ inputs: { order_id: '1001' } })),
  'POST /api/v2/actions/:id/run': r('admin', 200, (f) => `${V2}/actions/${f.action}/run`, { body: (f) => ({ inputs: { order_id: '1001' }, ticket_id: Number(f.ticket) }) }),
  'GET /api/v2/action_flows': fixed('admin', 200, `${V2}/action_flows`),
  'POST /api/v2/action_flows': fixed('admin', 400, `${V2}/action_flows`),
  'GET /api/v2/action_flows/:id': r('admin', 200, (f) => `${V2}/action_flows/${f.flow}`),
  'PUT /api/v2/action_flows/:id': r('admin', 200, (f) => `${V2}/action_flows/${f.flow}`, body({ action_flow: { description: 'Order lookup' } })),
  'DELETE /api/v2/action_flows/:id': r('admin', 204, (f) => `${V2}/action_flows/${f.flow}`),
  'POST /api/v2/action_flows/:id/test': r('admin', 200, (f) => `${V2}/action_flows/${f.flow}/test`),
  'POST /api/v2/action_flows/:id/run': r('admin', 200, (f) => `${V2}/action_flows/${f.flow}/run`),

  'POST /api/services/zis/inbound_webhooks/generic/:integration': r('admin', 422, (f) => `${ZIS}/inbound_webhooks/generic/${f.integration}`),
  'GET /api/services/zis/registry/integrations': fixed('admin', 200, `${ZIS}/registry/integrations`),
  'POST /api/services/zis/registry/job_specs/install': fixed('admin', 400, `${ZIS}/registry/job_specs/install`),
  'DELETE /api/services/zis/registry/job_specs/install': fixed('admin', 400, `${ZIS}/registry/job_specs/install`),
  'POST /api/services/zis/registry/:integration': r('admin', 409, (f) => `${ZIS}/registry/${f.integration}`),
  'POST /api/services/zis/registry/:integration/bundles': r('admin', 400, (f) => `${ZIS}/registry/${f.integration}/bundles`),
  'GET /api/services/zis/registry/:integration/bundles': r('admin', 200, (f) => `${ZIS}/registry/${f.integration}/bundles`),
  'GET /api/services/zis/registry/:integration/bundles/:uuid': r('admin', 200, (f) => `${ZIS}/registry/${f.integration}/bundles/${f.bundle}`),
  'GET /api/services/zis/registry/:integration/job_specs': r('admin', 200, (f) => `${ZIS}/registry/${f.integration}/job_specs`),
  'GET /api/services/zis/integrations/:integration/connections/all': r('admin', 200, (f) => `${ZI(f)}/connections/all`),
  'POST /api/services/zis/integrations/:integration/connections/:type': r('admin', 422, (f) => `${ZI(f)}/connections/bearer_token`),
  'GET /api/services/zis/integrations/:integration/connections/:type/:name': r('admin', 200, (f) => `${ZI(f)}/connections/bearer_token/${f.zisConnection}`),
  'PATCH /api/services/zis/integrations/:integration/connections/:type/:name': r('admin', 200, (f) => `${ZI(f)}/connections/bearer_token/${f.zisConnection}`, body({ token: 'bearer-rotated-secret', allowed_domain: 'hooks.example.com' })),
  'DELETE /api/services/zis/integrations/:integration/connections/:type/:name': r('admin', 204, (f) => `${ZI(f)}/connections/bearer_token/${f.zisConnection}`),
  'GET /api/services/zis/integrations/:integration/configs': r('admin', 200, (f) => `${ZI(f)}/configs`),
  'POST /api/services/zis/integrations/:integration/configs': r('admin', 422, (f) => `${ZI(f)}/configs`),
  'PUT /api/services/zis/integrations/:integration/configs/:scope': r('admin', 200, (f) => `${ZI(f)}/configs/${f.scope}`, body({ config: { channel: 'replaced' } })),
  'PATCH /api/services/zis/integrations/:integration/configs/:scope': r('admin', 200, (f) => `${ZI(f)}/configs/${f.scope}`, body({ config: { extra: 1 } })),
  'DELETE /api/services/zis/integrations/:integration/configs/:scope': r('admin', 204, (f) => `${ZI(f)}/configs/${f.scope}`),
};

/**
 * `ALL` entries are middleware (tenancy, authentication, body limits, static files) or the JSON 404
 * for unknown /api paths; they are listed so that a new catch-all handler also needs a decision.
 */
const MIDDLEWARE = new Set([
  '/api/v2/apps/sidebar/*', '/api/*', '/auth/*', '/webhooks/*', '/zaf/assets/*', '/api/services/zis/*',
  '/api/v2/users/:id/profiles', '/api/v2/users/:id/events',
  ...['tickets', 'users', 'organizations', 'groups', 'ticket_fields', 'incremental', 'ticket_metrics', 'business_hours/schedules',
    'integrations/logs', 'integrations/connectors', 'integrations/installations', 'exports', 'integrations/http_connections',
    'bots/steps', 'actions', 'action_flows'].map((p) => `${V2}/${p}/*`),
]);

type Role = 'anonymous' | 'end-user' | 'agent' | 'outsider admin' | 'admin' | 'owner';
const ROLES: Role[] = ['anonymous', 'end-user', 'agent', 'outsider admin', 'admin', 'owner'];
const RANK: Record<Gate, number> = { public: 0, 'end-user': 1, agent: 2, admin: 3, exporter: 4 };

function expectedStatus(route: Route, role: Role): number {
  if (route.gate === 'public') return route.ok;
  if (role === 'anonymous') return 401;
  const rank = ({ 'end-user': 1, agent: 2, 'outsider admin': 3, admin: 4, owner: 4 } as const)[role];
  return rank >= RANK[route.gate] ? route.ok : route.denied?.[role] ?? 403;
}

/** Ids that exist in no account. */
const MISSING: Fixtures = {
  ticket: '999999991', user: '999999992', organization: '999999993', group: '999999994', ticketField: '999999995', ticketMetric: '999999996',
  schedule: '999999997', holiday: '999999998', log: '999999999', installation: '999999990', export: '999999989', connection: 'no-such-connection',
  step: '999999988', action: '999999987', flow: '999999986', integration: 'no_such_integration', bundle: randomUUID(), zisConnection: 'no_such_connection',
  scope: 'no_such_scope', ingest: 'A'.repeat(32),
};

// The order API the seeded actions and bot steps call when the matrix runs them.
const server = setupServer(
  http.get('https://orders.example.test/v1/orders/*', () => HttpResponse.json({ order: { status: 'shipped' } })),
);

let w: SecurityWorld;
let own: Fixtures;
let other: Fixtures;
let personas: Record<Role, Persona | null>;
let before: Record<string, unknown>;
const routeKeys: string[] = [];

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  w = await createSecurityWorld();
  own = await seedAccount(w, w.acme);
  other = await seedAccount(w, w.globex);
  const outsider = await outsiderAdmin(w, w.acme);
  personas = { anonymous: null, 'end-user': w.acme.endUser, agent: w.acme.agent, 'outsider admin': outsider, admin: w.acme.admin, owner: w.acme.owner };
  for (const route of w.app.routes) {
    const key = `${route.method} ${route.path}`;
    if (route.method === 'ALL' && MIDDLEWARE.has(route.path)) continue;
    if (!routeKeys.includes(key)) routeKeys.push(key);
  }
  before = await otherAccountView();
}, 120_000);
afterAll(async () => {
  server.close();
  await w.close();
});

async function send(key: string, f: Fixtures, as: Persona | null) {
  const method = key.split(' ')[0]!;
  const route = ROUTES[key]!;
  const path = route.path(f);
  if (key === 'GET /api/v2/integrations/logs/stream') return openStream(path, as);
  return w.call(method, path, { as, ...(method === 'GET' || method === 'DELETE' ? {} : { body: route.body?.(f) ?? {} }) });
}

/** What the other account's owner reads of each of its objects: the matrix must not change a byte of it. */
async function otherAccountView() {
  const view: Record<string, unknown> = {};
  for (const key of routeKeys.filter((k) => k.startsWith('GET ') && ROUTES[k]!.path(other) !== ROUTES[k]!.path(own))) {
    const res = await w.call('GET', ROUTES[key]!.path(other), { account: w.globex });
    view[key] = [res.status, res.json];
  }
  return view;
}

/** The live tail never ends: read its status and, on an error, its JSON; then hang up. */
async function openStream(path: string, as: Persona | null) {
  const headers: Record<string, string> = { 'x-deskbridge-account': w.acme.subdomain };
  if (as) headers.authorization = `Basic ${Buffer.from(`${as.user.email}/token:${as.token}`).toString('base64')}`;
  const res = await w.app.request(`http://localhost${path}`, { headers });
  if (res.status !== 200) return { status: res.status, json: await res.json() };
  await res.body?.cancel();
  return { status: res.status, json: null };
}

/** A body with the path's ids replaced, so "not found: …/7" and "not found: …/999999991" compare equal. */
function normalized(json: unknown, path: string, reference: string): string {
  let text = JSON.stringify(json);
  const ours = path.split(/[/?=]/);
  const theirs = reference.split(/[/?=]/);
  ours.forEach((segment, i) => {
    if (segment !== theirs[i]) text = text.replace(new RegExp(`(?<![\\w-])${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'g'), '<id>');
  });
  // Rows an upsert creates in the caller's own account get the next id, whichever name was asked for.
  return text.replace(/"id":\d+/g, '"id":<n>');
}

describe('the route table', () => {
  it('classifies every route the app serves, and no route it does not', () => {
    expect(routeKeys.filter((k) => !ROUTES[k]), 'routes without an access decision: add them to ROUTES').toEqual([]);
    expect(Object.keys(ROUTES).filter((k) => !routeKeys.includes(k)), 'ROUTES entries the app no longer serves').toEqual([]);
  });
});

describe('access matrix: own account', () => {
  it('answers each role with the status its gate gives, never a 500, and never an object of another account', async () => {
    const wrong: string[] = [];
    // Deletions last, so every other route still finds its object (flows before the actions they use);
    // after the first allowed delete, later callers find nothing.
    const ordered = [...routeKeys.filter((k) => !k.startsWith('DELETE')), ...routeKeys.filter((k) => k.startsWith('DELETE')).sort()];
    for (const key of ordered) {
      const route = ROUTES[key]!;
      let deleted = false;
      for (const role of ROLES) {
        const res = await send(key, own, personas[role]);
        let expected = expectedStatus(route, role);
        if (deleted && expected === route.ok) expected = 404;
        if (key.startsWith('DELETE') && route.ok < 300 && res.status === route.ok) deleted = true;
        if (res.status !== expected) wrong.push(`${key} as ${role}: ${res.status} (expected ${expected}) ${JSON.stringify(res.json).slice(0, 160)}`);
        if (res.status < 300 && JSON.stringify(res.json ?? '').includes('globex')) wrong.push(`${key} as ${role}: answers globex data`);
      }
    }
    expect(wrong).toEqual([]);
    expect(w.errors).toEqual([]);
  }, 120_000);
});

describe("access matrix: another account's objects", () => {
  it('answers exactly as for an object that does not exist, for every role: no existence leak, no data of the other account', async () => {
    const leaks: string[] = [];
    for (const key of routeKeys) {
      const route = ROUTES[key]!;
      const theirs = route.path(other);
      const missing = route.path(MISSING);
      if (theirs === route.path(own)) continue; // no object in the path: the own-account check covers it
      for (const role of ROLES) {
        const [a, b] = [await send(key, other, personas[role]), await send(key, MISSING, personas[role])];
        if (a.status !== b.status || normalized(a.json, theirs, missing) !== normalized(b.json, missing, theirs)) {
          leaks.push(`${key} as ${role}: other account ${a.status} ${JSON.stringify(a.json).slice(0, 120)} ≠ missing ${b.status} ${JSON.stringify(b.json).slice(0, 120)}`);
        }
        if (normalized(a.json, theirs, missing).includes('globex')) leaks.push(`${key} as ${role}: answers globex data`);
      }
    }
    expect(leaks).toEqual([]);
    expect(w.errors).toEqual([]);
  }, 120_000);

  it("leaves every object of the other account as its owner saw it before the matrix ran", async () => {
    expect(await otherAccountView()).toEqual(before);
  });
});
