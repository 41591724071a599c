import { createSalesforceSandbox, type SObjectType } from '../../sandboxes/salesforce.ts';
import { FIRST_NAMES, LAST_NAMES } from '../random.ts';
import type { DemoContext, DemoIntegration } from './types.ts';

const ORG = '00D5g000004DEMOAAA';
const CLIENT = { clientId: '3MVG9demo.sandbox.client', clientSecret: 'demo-sandbox-consumer-secret-5f1e' };
const INDUSTRIES = ['Technology', 'Retail', 'Banking', 'Healthcare', 'Manufacturing'];
const TITLES = ['CTO', 'Head of Support', 'VP Operations', 'Office Manager', 'Developer'];
const SOURCES = ['Web', 'Trade Show', 'Partner Referral', 'Phone Inquiry'];

/**
 * The demo's Salesforce org: the sandbox on loopback (`/sandbox/salesforce`), connected with the
 * client-credentials grant. Each tick the org does one thing, so the log shows every kind of row:
 * a Contact is edited or a Lead/Contact created (the next poll brings it in), an outbound message is
 * sent to the public webhook, a ticket is opened by a Contact (a Case upsert), and now and then an
 * error mode: a required Case field nobody mapped (error rows), the API limit (warning rows and a
 * backoff), or every session ended (a token refresh).
 */
export function salesforceDemo(): DemoIntegration {
  const org = createSalesforceSandbox({ ...CLIENT, orgId: ORG });
  const { state } = org;
  let started = false;
  let requiredFieldTicks = 0;

  const pick = <T>(ctx: DemoContext, xs: readonly T[]): T => xs[Math.floor(ctx.random() * xs.length)]!;
  const person = (ctx: DemoContext) => {
    const [first, last] = [pick(ctx, FIRST_NAMES), pick(ctx, LAST_NAMES)];
    const email = `${first}.${last}.${Math.floor(ctx.random() * 10_000)}@crm-customer.example`.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    return { FirstName: first, LastName: last, Email: email };
  };
  const seed = (ctx: DemoContext) => {
    for (const name of ['Initech', 'Globex Partners', 'Umbrella Health']) state.create('Account', { Name: name, Industry: pick(ctx, INDUSTRIES), Website: `https://www.${name.split(' ')[0]!.toLowerCase()}.example` });
    for (let i = 0; i < 4; i++) state.create('Contact', { ...person(ctx), Title: pick(ctx, TITLES) });
    state.create('Lead', { ...person(ctx), Company: 'Prospect Ltd', LeadSource: pick(ctx, SOURCES) });
  };

  /** An outbound message for one record, as a workflow rule sends it. */
  async function sendOutboundMessage(ctx: DemoContext, type: SObjectType, id: string) {
    const body = `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>`
      + `<notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>${ORG}</OrganizationId><Notification><Id>04l${Date.now().toString(36)}</Id>`
      + `<sObject xsi:type="sf:${type}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>${id}</sf:Id></sObject></Notification></notifications></soapenv:Body></soapenv:Envelope>`;
    await fetch(`${ctx.baseUrl}/webhooks/salesforce/${ORG}`, { method: 'POST', body, headers: { 'content-type': 'text/xml; charset=utf-8', 'x-deskbridge-account': 'demo' } });
  }

  async function openTicket(ctx: DemoContext) {
    const contact = pick(ctx, state.find('Contact'));
    const name = `${contact.FirstName ?? ''} ${contact.LastName}`.trim();
    await ctx.api('/api/v2/tickets', {
      method: 'POST',
      body: JSON.stringify({ ticket: {
        subject: pick(ctx, ['Invoice does not match the contract', 'Cannot log in since the update', 'Export stuck at 90%', 'Need a second admin seat']),
        comment: { body: `Hello, ${name} here. Could you have a look?` }, requester: { name, email: contact.Email },
        priority: pick(ctx, ['low', 'normal', 'high', 'urgent']), type: pick(ctx, ['question', 'incident', 'problem', 'task']),
      } }),
    });
  }

  return {
    name: 'salesforce',
    sandbox: (req) => org.handle(req),
    async setup(ctx) {
      if (state.find('Contact').length === 0) seed(ctx);
      await ctx.install({
        connectorId: 'salesforce', name: 'Demo org (sandbox)',
        settings: { instanceUrl: `${ctx.baseUrl}/sandbox/salesforce`, authFlow: 'client_credentials', organizationId: ORG, pollIntervalSeconds: 30 },
        credentials: CLIENT,
      });
    },
    async tick(ctx) {
      if (requiredFieldTicks > 0 && --requiredFieldTicks === 0) state.dropCaseField('Product__c');
      if (!started) {
        // The first webhook also starts the poll chain (see runner/connectors/salesforce/poll.ts).
        started = true;
        const first = state.find('Contact')[0];
        if (first) await sendOutboundMessage(ctx, 'Contact', first.Id);
        return;
      }
      const roll = ctx.random();
      if (roll < 0.25) {
        const contact = pick(ctx, state.find('Contact'));
        state.update('Contact', contact.Id, { Title: pick(ctx, TITLES), Phone: `+1 555 01${Math.floor(ctx.random() * 90 + 10)}` });
      } else if (roll < 0.4) {
        if (ctx.random() < 0.5) state.create('Contact', { ...person(ctx), Title: pick(ctx, TITLES) });
        else state.create('Lead', { ...person(ctx), Company: 'Prospect Ltd', LeadSource: pick(ctx, SOURCES) });
      } else if (roll < 0.5) {
        const account = pick(ctx, state.find('Account'));
        state.update('Account', account.Id, { Industry: pick(ctx, INDUSTRIES) });
        await sendOutboundMessage(ctx, 'Account', account.Id);
      } else if (roll < 0.56) {
        // An admin adds a required Case field in Salesforce: ticket syncs fail until it is removed again.
        state.requireCaseField('Product__c');
        requiredFieldTicks = 3;
        await openTicket(ctx);
      } else if (roll < 0.61) {
        state.limitRequests({ status: 403, count: 2 });
        await openTicket(ctx);
      } else if (roll < 0.65) {
        state.expireTokens();
      } else {
        await openTicket(ctx);
      }
    },
  };
}
