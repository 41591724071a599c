import { eq, max } from 'drizzle-orm';
import { tickets } from '../../../db/schema/index.ts';
import { createWebhookSinkSandbox } from '../../sandboxes/webhook-sink.ts';
import type { DemoContext, DemoIntegration } from './types.ts';

/**
 * A private integration as the public ZIS tutorials build one, deployed through the registry API
 * exactly as a deployment script would: new tickets are posted to a webhook (the webhook sink
 * sandbox, which refuses every fifth delivery, so the log shows the flow's Catch at work), and
 * status changes to solved are announced. Its rows appear under the product "webhook_relay".
 */

const NAME = 'webhook-sink';
const INTEGRATION = 'webhook_relay';
const SINK_TOKEN = 'demo-webhook-sink-token-3b7f29';
/** The newest ticket id the last tick saw (per process: the demo's traffic is per process too). */

const ZIS = '/api/services/zis';
const action = (name: string, url: string, requestBody: Record<string, unknown>) => ({
  type: 'ZIS::Action::Http', properties: { name, definition: { method: 'POST', url, connectionName: 'webhook_sink', requestBody } },
});
const ref = (kind: 'flow' | 'action', name: string) => `zis:${INTEGRATION}:${kind}:${name}`;

function bundle(sinkUrl: string) {
  return {
      zis_template_version: '2019-10-14',
      name: 'webhook_relay',
      description: 'Posts new tickets and solved tickets to the team webhook',
      resources: {
        post_ticket: action('post_ticket', `${sinkUrl}/tickets/{{$.ticket_id}}`, {
          'ticket_id.$': '$.ticket_id', 'subject.$': '$.subject', 'priority.$': '$.priority', 'channel.$': '$.channel',
        }),
        post_solved: action('post_solved', `${sinkUrl}/solved/{{$.ticket_id}}`, { 'ticket_id.$': '$.ticket_id', text: 'Ticket #{{$.ticket_id}} was solved' }),
        ticket_created_flow: {
          type: 'ZIS::Flow',
          properties: {
            name: 'ticket_created_flow',
            definition: {
              StartAt: 'LoadSettings',
              States: {
                LoadSettings: { Type: 'Action', ActionName: 'zis:common:action:LoadConfig', Parameters: { scope: 'settings' }, ResultPath: '$.settings', Next: 'PostTicket' },
                PostTicket: {
                  Type: 'Action', ActionName: ref('action', 'post_ticket'),
                  Parameters: {
                    'ticket_id.$': '$.input.ticket_event.ticket.id', 'subject.$': '$.input.ticket_event.ticket.subject',
                    'priority.$': '$.input.ticket_event.ticket.priority', 'channel.$': '$.settings.channel',
                  },
                  ResultPath: '$.webhook', Next: 'Posted',
                  Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Refused' }],
                },
                Posted: { Type: 'Succeed', Message: 'Ticket #{{$.input.ticket_event.ticket.id}} posted to {{$.settings.channel}}' },
                Refused: { Type: 'Fail', Error: 'WebhookRefused', Cause: 'The team webhook refused ticket #{{$.input.ticket_event.ticket.id}}: {{$.error.Cause}}' },
              },
            },
          },
        },
        status_changed_flow: {
          type: 'ZIS::Flow',
          properties: {
            name: 'status_changed_flow',
            definition: {
              StartAt: 'Solved?',
              States: {
                'Solved?': { Type: 'Choice', Choices: [{ Variable: '$.input.ticket_event.current', StringEquals: 'solved', Next: 'Announce' }], Default: 'Ignore' },
                Announce: { Type: 'Action', ActionName: ref('action', 'post_solved'), Parameters: { 'ticket_id.$': '$.input.ticket_event.ticket.id' }, ResultPath: null, Next: 'Announced' },
                Announced: { Type: 'Succeed', Message: 'Ticket #{{$.input.ticket_event.ticket.id}} announced as solved' },
                Ignore: { Type: 'Succeed', Message: 'Ticket #{{$.input.ticket_event.ticket.id}} is now {{$.input.ticket_event.current}}: nothing to announce' },
              },
            },
          },
        },
        on_ticket_created: {
          type: 'ZIS::JobSpec',
          properties: { name: 'on_ticket_created', event_source: 'support', event_type: 'ticket.TicketCreated', flow_name: ref('flow', 'ticket_created_flow') },
        },
        on_status_changed: {
          type: 'ZIS::JobSpec',
          properties: { name: 'on_status_changed', event_source: 'support', event_type: 'ticket.StatusChanged', flow_name: ref('flow', 'status_changed_flow') },
        },
      },
    };
  }

  /** Calls the API and insists on one of the expected statuses (a re-run finds things already there). */
  async function expectStatus(ctx: DemoContext, method: string, path: string, body: unknown, ok: number[]): Promise<Response> {
    const res = await ctx.api(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (!ok.includes(res.status)) throw new Error(`${method} ${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    return res;
  }

  const SUBJECTS = ['Order never arrived', 'Cannot reset my password', 'Invoice shows the wrong VAT', 'App crashes on start', 'Change my delivery address'];

  /** A fresh demo: its own sink (which refuses every 5th delivery) and its own view of ticket traffic. */
  export function zisDemo(): DemoIntegration {
    const sink = createWebhookSinkSandbox({ token: SINK_TOKEN, failEvery: 5 });
    let lastSeenTicket: number | null = null;
    return {
    name: NAME,
    sandbox: (req) => sink.handle(req),

    async setup(ctx) {
      const connection = { token: SINK_TOKEN, allowed_domain: new URL(ctx.baseUrl).hostname };
      await expectStatus(ctx, 'POST', `${ZIS}/registry/${INTEGRATION}`, { description: 'Tickets to the team webhook' }, [201, 409]);
      const created = await expectStatus(ctx, 'POST', `${ZIS}/integrations/${INTEGRATION}/connections/bearer_token`, { name: 'webhook_sink', ...connection }, [201, 409]);
      if (created.status === 409) await expectStatus(ctx, 'PATCH', `${ZIS}/integrations/${INTEGRATION}/connections/bearer_token/webhook_sink`, connection, [200]);
      await expectStatus(ctx, 'PUT', `${ZIS}/integrations/${INTEGRATION}/configs/settings`, { config: { channel: '#support-feed' } }, [200]);
      await expectStatus(ctx, 'POST', `${ZIS}/registry/${INTEGRATION}/bundles`, bundle(`${ctx.baseUrl}/sandbox/${NAME}`), [200]);
      for (const spec of ['on_ticket_created', 'on_status_changed']) {
        await expectStatus(ctx, 'POST', `${ZIS}/registry/job_specs/install?job_spec_name=zis:${INTEGRATION}:job_spec:${spec}`, undefined, [204]);
      }
    },

    /**
     * The flows run on ticket traffic. When tickets appeared since the last tick (other demos, people
     * trying the API), that is enough; otherwise a ticket now and then keeps the flows busy.
     */
    async tick(ctx) {
      const [latest] = await ctx.database.db.select({ id: max(tickets.id) }).from(tickets).where(eq(tickets.accountId, ctx.accountId));
      const newest = latest?.id ?? 0;
      const traffic = lastSeenTicket !== null && newest > lastSeenTicket;
      lastSeenTicket = newest;
      if (traffic || ctx.random() < 0.5) return;
      const subject = SUBJECTS[Math.floor(ctx.random() * SUBJECTS.length)]!;
      const res = await expectStatus(ctx, 'POST', '/api/v2/tickets', {
        ticket: { subject, comment: { body: `${subject}. Can you help?` }, priority: ctx.random() < 0.3 ? 'high' : 'normal', requester: { name: 'Dana Demo', email: 'dana@customer.demo' } },
      }, [201]);
      // Our own ticket is not someone else's traffic.
      lastSeenTicket = ((await res.json()) as { ticket: { id: number } }).ticket.id;
    },
  };
}
