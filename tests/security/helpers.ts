import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { integrationLogs, ticketFields } from '../../db/schema/index.ts';
import { createApiToken } from '../../runner/core/accounts.ts';
import { createSecretBox } from '../../runner/core/crypto.ts';
import { createTicket } from '../../runner/core/tickets.ts';
import { createUser } from '../../runner/core/users.ts';
import { defineConnector, PermanentError } from '../../runner/sdk/index.ts';
import { createTestEngine } from '../helpers/runner.ts';
import { createWorld, type Persona, type TestAccount, type World } from '../helpers/world.ts';

/** Where the test connector sends tickets; tests route it with msw. */
export const VAULT_API = 'https://vault.crm.test';

/**
 * A connector holding an API key, calling its CRM on every new ticket with the key in a header,
 * and taking signed inbound webhooks at its public address.
 */
export const vault = defineConnector({
  id: 'vault', product: 'Vault CRM', displayName: 'Vault CRM',
  settings: z.object({ baseUrl: z.url() }),
  credentials: z.object({ apiKey: z.string().min(8) }),
  on: {
    'ticket.created': async (ctx, event) => {
      const id = event.payload.ticket.id;
      const res = await ctx.http.request({
        method: 'POST', url: `${ctx.settings.baseUrl}/cases`, headers: { authorization: `Bearer ${ctx.credentials.apiKey}` }, json: { ticket: id }, throwOnError: false,
      });
      // The CRM's error echoes the key; the row an admin reads must not.
      if (!res.ok) throw new PermanentError(`Vault CRM refused ticket #${id}: ${res.text}`);
      ctx.log.info(`Ticket #${id} sent to Vault CRM (${res.text})`);
    },
  },
  webhooks: {
    inbound: {
      verify: (req, { credentials }) => req.headers['x-signature'] === createHmac('sha256', credentials.apiKey).update(req.body).digest('hex'),
      handle: async () => {},
    },
  },
});

export type SecurityWorld = World & { box: ReturnType<typeof createSecretBox> };

/** The usual two accounts, with an engine running the vault connector, both sealing with one key. */
export async function createSecurityWorld(): Promise<SecurityWorld> {
  const box = createSecretBox(randomBytes(32));
  const w = await createWorld({ secrets: box, engine: (database, clock) => createTestEngine(database, clock, { secrets: box, connectors: [vault] }).engine });
  return { ...w, box };
}

/** An admin of the account whose login email is outside the export approved domain. */
export async function outsiderAdmin(w: World, a: TestAccount): Promise<Persona> {
  const user = await createUser(w.db, a.ctx(), { name: 'Oscar Outsider', email: `oscar@contractor-${a.subdomain}.test`, role: 'admin', password: 'outsider-password' });
  return { user, token: await createApiToken(w.db, w.clock, user, 'test') };
}

/** Creates through the API as the account owner, failing loudly: a fixture that silently failed would hide a route. */
export async function made(w: World, a: TestAccount, method: string, path: string, body?: unknown) {
  const res = await w.call(method, path, { account: a, body });
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.json)}`);
  return res.json;
}

export type Fixtures = Record<'ticket' | 'user' | 'organization' | 'group' | 'ticketField' | 'ticketMetric' | 'schedule' | 'holiday' | 'log'
  | 'installation' | 'export' | 'connection' | 'step' | 'action' | 'flow' | 'integration' | 'bundle' | 'zisConnection' | 'scope' | 'ingest', string>;

const ORDERS = 'https://orders.example.test';

/** One object of every kind a route reads by id, in account a; the ids fill the routes' path parameters. */
export async function seedAccount(w: World, a: TestAccount): Promise<Fixtures> {
  const ctx = a.ctx();
  const tag = a.subdomain;
  const ticket = await createTicket(w.db, ctx, { subject: `${tag} printer`, comment: { body: `${tag} jams` }, requester_id: a.endUser.user.id });
  const [field] = await w.db.insert(ticketFields).values({ accountId: a.id, type: 'text', title: `${tag} order number`, createdAt: w.clock.now(), updatedAt: w.clock.now() }).returning();
  const [log] = await w.db.insert(integrationLogs).values({ accountId: a.id, ts: new Date(), product: 'Vault CRM', status: 'error', description: `${tag} sync failed`, details: {} }).returning();
  const organization = await made(w, a, 'POST', '/api/v2/organizations', { organization: { name: `${tag} customers` } });
  const group = await made(w, a, 'POST', '/api/v2/groups', { group: { name: `${tag} support` } });
  const schedule = await made(w, a, 'POST', '/api/v2/business_hours/schedules', { schedule: { name: `${tag} hours`, time_zone: 'UTC' } });
  const holiday = await made(w, a, 'POST', `/api/v2/business_hours/schedules/${schedule.schedule.id}/holidays`, { holiday: { name: 'New year', start_date: '2027-01-01', end_date: '2027-01-01' } });
  const metrics = await made(w, a, 'GET', '/api/v2/ticket_metrics');
  const installation = await made(w, a, 'POST', '/api/v2/integrations/installations', {
    installation: { connector_id: 'vault', name: `${tag} vault`, settings: { baseUrl: VAULT_API }, credentials: { apiKey: `key-${tag}-0123456789` } },
  });
  await made(w, a, 'PUT', '/api/v2/account/export_settings', { export_settings: { enabled: true, approved_domain: `${tag}.test` } });
  const exp = await made(w, a, 'POST', '/api/v2/exports', { export: { type: 'csv' } });
  const connection = `${tag}-orders`;
  await made(w, a, 'POST', '/api/v2/integrations/http_connections', { connection: { name: connection, type: 'api_key', header_name: 'X-Api-Key', api_key: `api-${tag}-secret`, allowed_domain: 'orders.example.test' } });
  const request = { method: 'GET', url: `${ORDERS}/v1/orders/{{order_id}}`, connection };
  const step = await made(w, a, 'POST', '/api/v2/bots/steps', { step: { name: `${tag} order status`, ...request } });
  const action = await made(w, a, 'POST', '/api/v2/actions', { action: { name: `${tag} get order`, ...request, inputs: [{ name: 'order_id', type: 'string', required: true }] } });
  const flow = await made(w, a, 'POST', '/api/v2/action_flows', { action_flow: { name: `${tag} flow`, steps: [{ action_id: action.action.id, inputs: { order_id: '1' } }] } });
  const zis = '/api/services/zis';
  const integration = `${tag}_integration`;
  await made(w, a, 'POST', `${zis}/registry/${integration}`, { description: 'Tickets to a webhook' });
  await made(w, a, 'POST', `${zis}/integrations/${integration}/connections/bearer_token`, { name: 'hook', token: `bearer-${tag}-secret`, allowed_domain: 'hooks.example.com' });
  await made(w, a, 'POST', `${zis}/integrations/${integration}/configs`, { scope: 'main', config: { channel: tag } });
  const bundles = await made(w, a, 'POST', `${zis}/registry/${integration}/bundles`, zisBundle(integration));
  const inbound = await made(w, a, 'POST', `${zis}/inbound_webhooks/generic/${integration}`, { source_system: 'shop', event_type: 'order.paid' });
  return {
    ticket: String(ticket.id), user: String(a.agent.user.id), organization: String(organization.organization.id), group: String(group.group.id),
    ticketField: String(field!.id), ticketMetric: String(metrics.ticket_metrics.find((m: { ticket_id: number }) => m.ticket_id === ticket.id).id),
    schedule: String(schedule.schedule.id), holiday: String(holiday.holiday.id), log: String(log!.id), installation: String(installation.installation.id),
    export: String(exp.export.id), connection, step: String(step.step.id), action: String(action.action.id), flow: String(flow.action_flow.id),
    integration, bundle: String(bundles.uuid), zisConnection: 'hook', scope: 'main', ingest: String(inbound.data.path).split('/').at(-1)!,
  };
}

function zisBundle(integration: string) {
  return {
    zis_template_version: '2019-10-14', name: 'hook', description: 'Posts new tickets',
    resources: {
      post_ticket: { type: 'ZIS::Action::Http', properties: { name: 'post_ticket', definition: { method: 'POST', url: 'https://hooks.example.com/t', connectionName: 'hook' } } },
      flow: { type: 'ZIS::Flow', properties: { name: 'flow', definition: { StartAt: 'Post', States: { Post: { Type: 'Action', ActionName: `zis:${integration}:action:post_ticket`, End: true } } } } },
    },
  };
}
