import { z } from 'zod';
import { defineConnector } from '../../sdk/index.ts';
import { poll } from './poll.ts';
import { credentialsSchema, settingsSchema } from './settings.ts';
import { syncTicket } from './ticket-sync.ts';
import { inboundWebhook } from './webhook.ts';

const resyncPayload = z.object({ ticket_id: z.number().int().positive() });

/**
 * Salesforce (SPEC R5): tickets → Cases (upsert on an External ID field), and Accounts → organizations,
 * Contacts and Leads → users, by polling on SystemModstamp (`poll` job) and through the inbound webhook.
 * See ticket-sync.ts, inbound.ts, poll.ts and webhook.ts for the rules of each direction.
 */
export default defineConnector({
  id: 'salesforce',
  product: 'Salesforce',
  displayName: 'Salesforce',
  description: 'Sends tickets to Salesforce as Cases, and brings Accounts, Contacts and Leads in as organizations and users.',
  settings: settingsSchema,
  credentials: credentialsSchema,
  concurrency: 4,
  on: {
    'ticket.created': (ctx, event) => syncTicket(ctx, event.payload.ticket),
    'ticket.updated': (ctx, event) => syncTicket(ctx, event.payload.ticket),
  },
  webhooks: { inbound: inboundWebhook },
  webhookKey: (settings) => settings.organizationId,
  /** Polling runs once per slot of the installation's interval, when at least one inbound sync is on. */
  schedules: { poll: { everySeconds: (s) => (s.syncAccounts || s.syncContacts || s.syncLeads ? s.pollIntervalSeconds : 0) } },
  jobs: {
    poll: (ctx) => poll(ctx),
    /** The sidebar app's "re-sync" button: the same sync, from the ticket as it is now. */
    resync_ticket: async (ctx, payload) => {
      const parsed = resyncPayload.safeParse(payload);
      if (!parsed.success) {
        ctx.log.error('Salesforce re-sync ignored: the payload needs a ticket_id (a positive integer)', { payload });
        return;
      }
      const ticket = await ctx.data.tickets.get(parsed.data.ticket_id);
      if (!ticket) {
        ctx.log.error(`Ticket #${parsed.data.ticket_id} not synced to Salesforce: it does not exist`, { ticket_id: parsed.data.ticket_id });
        return;
      }
      await syncTicket(ctx, ticket);
    },
  },
});
