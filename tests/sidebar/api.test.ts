import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectorInstallations, integrationLogs, jobs, type Ticket } from '../../db/schema/index.ts';
import { testConfig } from '../../runner/config.ts';
import { createTicket } from '../../runner/core/tickets.ts';
import { createApp } from '../../runner/http/app.ts';
import { defineConnector } from '../../runner/sdk/index.ts';
import { createWorld, type Persona, type TestAccount, type World } from '../helpers/world.ts';

// The sidebar's backend as the app calls it: from deskbridge's agent view (session / API token)
// and from Zendesk (an RS256 ZAF JWT as a Bearer token).

const zendeskKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const strangerKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = zendeskKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

const noop = async () => {};
// Declares the job the sidebar's re-sync queues, like the Salesforce connector.
const crm = defineConnector({ id: 'test-crm', product: 'salesforce', displayName: 'Test CRM', settings: z.object({}), jobs: { resync_ticket: noop } });
// Reacts to events but declares no re-sync: never queued.
const shop = defineConnector({ id: 'test-shop', product: 'shopify', displayName: 'Test Shop', settings: z.object({}), on: { 'ticket.updated': noop } });

let w: World;
let app: ReturnType<typeof createApp>;
let acmeTicket: Ticket;
let globexTicket: Ticket;
const AUDIENCE = 'http://localhost/zaf/assets/iframe.html';
const SIDEBAR = '/api/v2/apps/sidebar/tickets';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
function jwt(claims: Record<string, unknown>, { key = zendeskKeys.privateKey, alg = 'RS256' }: { key?: KeyObject; alg?: string } = {}) {
  const unsigned = `${b64({ alg, typ: 'JWT' })}.${b64(claims)}`;
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), key).toString('base64url')}`;
}
const nowS = () => Math.floor(w.clock.now().getTime() / 1000);
const claimsFor = (account: TestAccount, over: Record<string, unknown> = {}) =>
  ({ iss: `${account.subdomain}.zendesk.com`, aud: AUDIENCE, iat: nowS(), exp: nowS() + 300, ...over });

async function call(method: string, path: string, opts: { bearer?: string; as?: Persona; account?: TestAccount } = {}) {
  const account = opts.account ?? w.acme;
  const headers: Record<string, string> = { 'x-deskbridge-account': account.subdomain };
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  if (opts.as) headers.authorization = `Basic ${Buffer.from(`${opts.as.user.email}/token:${opts.as.token}`).toString('base64')}`;
  const res = await app.request(`http://localhost${path}`, { method, headers });
  return { status: res.status, json: await res.json() as any };
}

beforeAll(async () => {
  w = await createWorld();
  app = createApp({ database: w.database, config: testConfig({ ZAF_PUBLIC_KEY: pem }), clock: w.clock, connectors: [crm, shop] });
  acmeTicket = await w.db.transaction((tx) => createTicket(tx, w.acme.ctx(w.acme.agent), {
    subject: 'Printer on fire', comment: { body: 'Help' }, requester_id: w.acme.endUser.user.id,
  }));
  globexTicket = await w.db.transaction((tx) => createTicket(tx, w.globex.ctx(w.globex.agent), {
    subject: 'Globex secret', comment: { body: 'Confidential' }, requester_id: w.globex.endUser.user.id,
  }));
  const ts = new Date(w.clock.now().getTime() - 60_000);
  await w.db.insert(integrationLogs).values([
    { accountId: w.acme.id, ts, product: 'salesforce', status: 'info', description: `Ticket #${acmeTicket.id} synced to Salesforce case 5003000000D8cuI`, details: { case_id: '5003000000D8cuI' }, ticketId: acmeTicket.id },
    { accountId: w.acme.id, ts, product: 'salesforce', status: 'info', description: 'Another ticket', ticketId: acmeTicket.id + 1000 },
    { accountId: w.globex.id, ts, product: 'salesforce', status: 'error', description: 'Globex only', ticketId: globexTicket.id },
  ]);
});
afterAll(async () => { await w.close(); });

describe('GET /api/v2/apps/sidebar/tickets/{id}', () => {
  it('answers an agent of the account with the metrics, the ticket timeline and the requester', async () => {
    const res = await call('GET', `${SIDEBAR}/${acmeTicket.id}`, { as: w.acme.agent });
    expect(res.status).toBe(200);
    const metrics = await w.call('GET', `/api/v2/tickets/${acmeTicket.id}/metrics`, { as: w.acme.agent });
    expect(res.json.metrics).toEqual(metrics.json.ticket_metric);
    expect(res.json.timeline.logs.map((l: { description: string }) => l.description)).toEqual([`Ticket #${acmeTicket.id} synced to Salesforce case 5003000000D8cuI`]);
    expect(res.json.timeline.logs[0].log_url).toMatch(new RegExp(`/admin/apps-integrations/integrations/logs\\?ticket_id=${acmeTicket.id}&start_time=.+&log=\\d+$`));
    expect(res.json.requester).toEqual({ id: w.acme.endUser.user.id, name: w.acme.endUser.user.name, email: w.acme.endUser.user.email });
    expect(res.json.viewer).toMatchObject({ role: 'agent', can_resync: false });
  });

  it('accepts a valid ZAF JWT from the account, and acts as the user its email names', async () => {
    const anonymous = await call('GET', `${SIDEBAR}/${acmeTicket.id}`, { bearer: jwt(claimsFor(w.acme)) });
    expect(anonymous.status).toBe(200);
    expect(anonymous.json.ticket.subject).toBe('Printer on fire');
    expect(anonymous.json.viewer).toMatchObject({ name: 'Zendesk app', role: 'agent' });
    const named = await call('GET', `${SIDEBAR}/${acmeTicket.id}.json`, { bearer: jwt(claimsFor(w.acme, { email: w.acme.admin.user.email })) });
    expect(named.json.viewer).toMatchObject({ id: w.acme.admin.user.id, role: 'admin' });
  });

  it.each([
    ['forged (signed by another key)', () => jwt(claimsFor(w.acme), { key: strangerKeys.privateKey }), /signature does not match/],
    ['expired', () => jwt(claimsFor(w.acme, { exp: nowS() - 120 })), /expired at/],
    ['for another audience', () => jwt(claimsFor(w.acme, { aud: 'https://evil.example/app' })), /meant for https:\/\/evil.example\/app/],
    ['issued by another account', () => jwt(claimsFor(w.globex)), /issued by globex.zendesk.com, not by account acme/],
    ['unsigned (alg none)', () => `${b64({ alg: 'none' })}.${b64(claimsFor(w.acme))}.`, /signed with none, not RS256/],
    ['without an expiry', () => jwt({ iss: 'acme.zendesk.com', aud: AUDIENCE }), /payload lacks exp/],
    ['not a JWT', () => 'hello', /not a JWT/],
  ])('refuses a ZAF JWT that is %s with 401 JSON', async (_what, token, reason) => {
    const res = await call('GET', `${SIDEBAR}/${acmeTicket.id}`, { bearer: token() });
    expect(res.status).toBe(401);
    expect(res.json.error).toBe('InvalidToken');
    expect(res.json.description).toMatch(reason);
  });

  it('refuses a JWT whose signature was kept while its claims were changed', async () => {
    const [head, , sig] = jwt(claimsFor(w.acme)).split('.');
    const res = await call('GET', `${SIDEBAR}/${acmeTicket.id}`, { bearer: `${head}.${b64(claimsFor(w.acme, { exp: nowS() + 9999 }))}.${sig}` });
    expect(res.status).toBe(401);
  });

  it("never gives out another account's ticket: not by id, not with the other account's token", async () => {
    const byId = await call('GET', `${SIDEBAR}/${globexTicket.id}`, { bearer: jwt(claimsFor(w.acme)) });
    expect(byId.status).toBe(404);
    expect(JSON.stringify(byId.json)).not.toContain('Globex');
    // A genuine globex token sent to acme's address is refused, whatever the ticket.
    const crossed = await call('GET', `${SIDEBAR}/${globexTicket.id}`, { bearer: jwt(claimsFor(w.globex)) });
    expect(crossed.status).toBe(401);
    const session = await call('GET', `${SIDEBAR}/${globexTicket.id}`, { as: w.acme.admin });
    expect(session.status).toBe(404);
    // globex's own view of its ticket shows none of acme's rows, and acme's none of globex's.
    const own = await call('GET', `${SIDEBAR}/${globexTicket.id}`, { account: w.globex, bearer: jwt(claimsFor(w.globex)) });
    expect(own.json.timeline.logs.map((l: { description: string }) => l.description)).toEqual(['Globex only']);
  });

  it('refuses anonymous callers, end-users, and Bearer tokens when no key is configured', async () => {
    expect((await call('GET', `${SIDEBAR}/${acmeTicket.id}`)).status).toBe(401);
    expect((await call('GET', `${SIDEBAR}/${acmeTicket.id}`, { as: w.acme.endUser })).status).toBe(403);
    const keyless = createApp({ database: w.database, config: testConfig(), clock: w.clock, connectors: [] });
    const res = await keyless.request(`http://localhost${SIDEBAR}/${acmeTicket.id}`, { headers: { 'x-deskbridge-account': 'acme', authorization: `Bearer ${jwt(claimsFor(w.acme))}` } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { description: string }).description).toMatch(/ZAF_PUBLIC_KEY is not set/);
  });
});

describe('POST /api/v2/apps/sidebar/tickets/{id}/resync', () => {
  const install = (account: TestAccount, connectorId: string, enabled = true) =>
    w.db.insert(connectorInstallations).values({ accountId: account.id, connectorId, name: `${connectorId} of ${account.subdomain}`, enabled, settings: {} }).returning();

  it('answers 422 while no enabled installation declares the job', async () => {
    await install(w.acme, 'test-shop');
    await install(w.acme, 'test-crm', false);
    const res = await call('POST', `${SIDEBAR}/${acmeTicket.id}/resync`, { as: w.acme.admin });
    expect(res.status).toBe(422);
    expect(res.json.description).toMatch(/resync_ticket/);
  });

  it('queues resync_ticket only for the connectors that declare it, and logs who asked', async () => {
    const [crmInstall] = await install(w.acme, 'test-crm');
    await install(w.globex, 'test-crm');
    const before = await call('GET', `${SIDEBAR}/${acmeTicket.id}`, { as: w.acme.admin });
    expect(before.json.viewer.can_resync).toBe(true);

    const res = await call('POST', `${SIDEBAR}/${acmeTicket.id}/resync`, { as: w.acme.admin });
    expect(res.status).toBe(202);
    expect(res.json.resync).toEqual([expect.objectContaining({ connector_id: 'test-crm', installation_id: crmInstall!.id })]);
    const queued = await w.db.select().from(jobs).where(and(eq(jobs.name, 'resync_ticket')));
    expect(queued.map((j) => ({ account: j.accountId, installation: j.installationId, kind: j.kind, payload: j.payload, ticket: j.ticketId })))
      .toEqual([{ account: w.acme.id, installation: crmInstall!.id, kind: 'job', payload: { ticket_id: acmeTicket.id }, ticket: acmeTicket.id }]);

    const after = await call('GET', `${SIDEBAR}/${acmeTicket.id}`, { as: w.acme.admin });
    expect(after.json.timeline.logs[0].description).toBe(`Re-sync of ticket #${acmeTicket.id} to test-crm of acme requested by Adam Admin`);
  });

  it('is for admins only', async () => {
    const res = await call('POST', `${SIDEBAR}/${acmeTicket.id}/resync`, { as: w.acme.agent });
    expect(res.status).toBe(403);
    const app = await call('POST', `${SIDEBAR}/${acmeTicket.id}/resync`, { bearer: jwt(claimsFor(w.acme)) });
    expect(app.status).toBe(403);
  });
});
