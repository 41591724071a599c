import { http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWebhookSinkSandbox } from '../../runner/sandboxes/webhook-sink.ts';
import { closeTestEngines } from '../helpers/runner.ts';
import type { World } from '../helpers/world.ts';
import { createZisWorld, integrationLog } from './helpers.ts';

const ZIS = '/api/services/zis';
const KEY = 'sink-api-key-7d1e40';
let sink = createWebhookSinkSandbox();
const server = setupServer(http.all('https://hooks.example.com/*', ({ request }) => sink.handle(request)));

const action = (name: string, path: string, requestBody: unknown) => ({
  type: 'ZIS::Action::Http',
  properties: { name, definition: { method: 'POST', path, connectionName: 'sink', requestBody } },
});
const jobSpec = (name: string, eventSource: string, eventType: string, flow: string) => ({
  type: 'ZIS::JobSpec', properties: { name, event_source: eventSource, event_type: eventType, flow_name: `zis:relay:flow:${flow}` },
});

/** Comments go to the webhook when the config says so (LoadConfig → Jq → Choice → HTTP → PatchConfig); status changes and an inbound webhook too. */
const bundle = {
  zis_template_version: '2019-10-14',
  name: 'relay',
  resources: {
    post_comment: action('post_comment', '/comments', { 'summary.$': '$.summary', 'channel.$': '$.channel' }),
    post_status: action('post_status', '/status-changes', { 'ticket.$': '$.ticket', 'from.$': '$.from', 'to.$': '$.to' }),
    post_order: action('post_order', '/orders', { 'order.$': '$.order' }),
    comment_flow: {
      type: 'ZIS::Flow',
      properties: {
        name: 'comment_flow',
        definition: {
          StartAt: 'LoadSettings',
          States: {
            LoadSettings: { Type: 'Action', ActionName: 'zis:common:action:LoadConfig', Parameters: { scope: 'settings' }, ResultPath: '$.settings', Next: 'Shape' },
            Shape: {
              Type: 'Action', ActionName: 'zis:common:transform:Jq',
              Parameters: { 'data.$': '$.input.ticket_event', expr: '{ticket: .ticket.id, words: (.comment.body | split(" ") | length), public: .comment.is_public}' },
              ResultPath: '$.summary', Next: 'Forward?',
            },
            'Forward?': {
              Type: 'Choice',
              Choices: [{ And: [{ Variable: '$.settings.enabled', BooleanEquals: true }, { Variable: '$.summary.public', BooleanEquals: true }], Next: 'Post' }],
              Default: 'Skip',
            },
            Post: {
              Type: 'Action', ActionName: 'zis:relay:action:post_comment',
              Parameters: { 'summary.$': '$.summary', 'channel.$': '$.settings.channel' }, ResultPath: null, Next: 'Remember',
            },
            Remember: {
              Type: 'Action', ActionName: 'zis:common:action:PatchConfig',
              Parameters: { scope: 'stats', config: { 'last_ticket.$': '$.summary.ticket' } }, ResultPath: '$.stats', Next: 'Done',
            },
            Done: { Type: 'Succeed', Message: 'Comment on ticket {{$.summary.ticket}} forwarded to {{$.settings.channel}}' },
            Skip: { Type: 'Succeed', Message: 'Comment on ticket {{$.summary.ticket}} not forwarded: forwarding is off' },
          },
        },
      },
    },
    status_flow: {
      type: 'ZIS::Flow',
      properties: {
        name: 'status_flow',
        definition: {
          StartAt: 'Post',
          States: {
            Post: {
              Type: 'Action', ActionName: 'zis:relay:action:post_status',
              Parameters: { 'ticket.$': '$.input.ticket_event.ticket.id', 'from.$': '$.input.ticket_event.previous', 'to.$': '$.input.ticket_event.current' },
              End: true,
            },
          },
        },
      },
    },
    order_flow: {
      type: 'ZIS::Flow',
      properties: {
        name: 'order_flow',
        definition: { StartAt: 'Post', States: { Post: { Type: 'Action', ActionName: 'zis:relay:action:post_order', Parameters: { 'order.$': '$.input.order' }, ResultPath: '$.relayed', Next: 'Done' }, Done: { Type: 'Succeed', Message: 'Order {{$.input.order.id}} relayed' } } },
      },
    },
    on_comment: jobSpec('on_comment', 'support', 'ticket.CommentAdded', 'comment_flow'),
    on_status: jobSpec('on_status', 'support', 'ticket.StatusChanged', 'status_flow'),
    on_order: jobSpec('on_order', 'shop', 'order.created', 'order_flow'),
  },
};

let w: World;
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());
beforeEach(async () => {
  sink = createWebhookSinkSandbox();
  w = await createZisWorld();
  expect((await w.call('POST', `${ZIS}/registry/relay`, { body: {} })).status).toBe(201);
  expect((await w.call('POST', `${ZIS}/integrations/relay/connections/api_key`, { body: { name: 'sink', api_key: KEY, header_name: 'X-Api-Key', allowed_domain: 'hooks.example.com' } })).status).toBe(201);
  expect((await w.call('POST', `${ZIS}/registry/relay/bundles`, { body: bundle })).status).toBe(200);
  for (const spec of ['on_comment', 'on_status', 'on_order']) {
    expect((await w.call('POST', `${ZIS}/registry/job_specs/install?job_spec_name=zis:relay:job_spec:${spec}`)).status).toBe(204);
  }
});
afterEach(async () => { server.resetHandlers(); await closeTestEngines(); await w.close(); });

/** The flows' outcomes, oldest first. */
const infoRows = async () => (await integrationLog(w, 'relay', 'info,error')).map((r) => `${r.status}: ${r.description}`).reverse();

describe('flows on support events, with the config store and jq', () => {
  it('forwards a comment shaped by jq while the config allows it, remembers it with PatchConfig, and stops when the config says so', async () => {
    const created = await w.call('POST', `${ZIS}/integrations/relay/configs`, { body: { scope: 'settings', config: { enabled: true, channel: '#support' } } });
    expect(created.status).toBe(201);
    expect(created.json.config).toMatchObject({ scope: 'settings', integration: 'relay', config: { enabled: true, channel: '#support' } });

    const t = (await w.call('POST', '/api/v2/tickets', { body: { ticket: { subject: 'Hello', comment: { body: 'first' }, requester: { name: 'Rita', email: 'rita@customer.test' } } } })).json.ticket;
    await w.call('PUT', `/api/v2/tickets/${t.id}`, { body: { ticket: { comment: { body: 'three words here', public: true } } } });
    await w.engine!.drain();

    const post = sink.state.received.find((d) => d.path === '/comments');
    expect(post?.body).toEqual({ summary: { ticket: t.id, words: 3, public: true }, channel: '#support' });
    expect(post?.headers['x-api-key']).toBe(KEY);
    const stats = await w.call('GET', `${ZIS}/integrations/relay/configs?filter[scope]=stat*`);
    expect(stats.json.configs.map((c: { scope: string; config: unknown }) => [c.scope, c.config])).toEqual([['stats', { last_ticket: t.id }]]);

    const off = await w.call('PATCH', `${ZIS}/integrations/relay/configs/settings`, { body: { config: { enabled: false } } });
    expect(off.json.config.config).toEqual({ enabled: false, channel: '#support' });
    await w.call('PUT', `/api/v2/tickets/${t.id}`, { body: { ticket: { comment: { body: 'not forwarded', public: true } } } });
    await w.engine!.drain();

    expect(sink.state.received.filter((d) => d.path === '/comments')).toHaveLength(1);
    expect(await infoRows()).toEqual([
      `info: Comment on ticket ${t.id} forwarded to #support`,
      `info: Comment on ticket ${t.id} not forwarded: forwarding is off`,
    ]);
  });

  it('a LoadConfig of a missing scope ends the flow with an error row', async () => {
    const t = (await w.call('POST', '/api/v2/tickets', { body: { ticket: { subject: 'Hello', comment: { body: 'first' }, requester: { name: 'Rita', email: 'rita@customer.test' } } } })).json.ticket;
    await w.call('PUT', `/api/v2/tickets/${t.id}`, { body: { ticket: { comment: { body: 'hi' } } } });
    await w.engine!.drain();
    expect(await infoRows()).toEqual(['error: LoadConfig: relay has no config with scope "settings"']);
  });

  it('passes previous and current status of ticket.StatusChanged', async () => {
    const t = (await w.call('POST', '/api/v2/tickets', { body: { ticket: { subject: 'Hello', comment: { body: 'first' }, requester: { name: 'Rita', email: 'rita@customer.test' } } } })).json.ticket;
    await w.call('PUT', `/api/v2/tickets/${t.id}`, { body: { ticket: { status: 'pending' } } });
    await w.engine!.drain();
    expect(sink.state.received.map((d) => [d.path, d.body])).toEqual([['/status-changes', { ticket: t.id, from: 'new', to: 'pending' }]]);
    expect(await infoRows()).toEqual(['info: Execution Successful']);
  });

  it('an inbound webhook starts the job specs of its event, once per delivery id', async () => {
    const hook = await w.call('POST', `${ZIS}/inbound_webhooks/generic/relay`, { body: { source_system: 'shop', event_type: 'order.created' } });
    expect(hook.status).toBe(201);
    const path: string = hook.json.data.path;
    expect(path).toMatch(/^\/api\/services\/zis\/inbound_webhooks\/generic\/ingest\/[\w-]{20,}$/);

    const order = { order: { id: 'A-1001', total: '42.00' } };
    const first = await w.call('POST', path, { as: null, body: order, headers: { 'x-delivery-id': 'd1' } });
    expect(first.status).toBe(200);
    const again = await w.call('POST', path, { as: null, body: order, headers: { 'x-delivery-id': 'd1' } });
    expect(again.json.job_ids).toEqual(first.json.job_ids);
    await w.engine!.drain();
    expect(sink.state.received.map((d) => [d.path, d.body])).toEqual([['/orders', { order: { id: 'A-1001', total: '42.00' } }]]);
    expect(await infoRows()).toEqual(['info: Order A-1001 relayed']);

    expect((await w.call('POST', `${ZIS}/inbound_webhooks/generic/ingest/not-a-token`, { as: null, body: order })).status).toBe(404);
  });
});
