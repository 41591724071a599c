import { sql } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { jobRow } from '../../helpers/runner.ts';
import { createTicketViaApi, requestsTo, useSalesforce } from './setup.ts';

/** Ticket syncs only: a scheduled poll would share the sandbox's one-shot error modes with the job under test. */
const NO_POLL = { syncAccounts: false, syncContacts: false, syncLeads: false };

const t = useSalesforce();
const upserts = () => requestsTo(t.sf, 'PATCH', /\/sobjects\/Case\/Zendesk_Ticket_Id__c\//);
const cases = () => t.sf.state.find('Case');

describe('ticket → Salesforce Case', () => {
  it('the whole path over HTTP: a ticket created with the API becomes a Case, and the log API shows its id', async () => {
    await t.install(NO_POLL);
    const ticket = await createTicketViaApi(t.world, { priority: 'high', type: 'incident' });
    await t.drain();

    expect(cases()).toHaveLength(1);
    const c = cases()[0]!;
    expect(c).toMatchObject({
      Zendesk_Ticket_Id__c: String(ticket.id), Subject: 'Printer on fire', Description: 'It smokes. Please help.',
      Status: 'New', Priority: 'High', Type: 'Problem', Origin: 'Web',
    });
    // The requester had no Contact: one was created with the requester's email and linked to the Case.
    const contact = t.sf.state.find('Contact', (r) => r.Email === 'rita@customer.test');
    expect(contact).toHaveLength(1);
    expect(c.ContactId).toBe(contact[0]!.Id);

    // Rows are stamped by the wall clock, the world's clock is another day: ask for the hour around now.
    const window = `start_time=${new Date(Date.now() - 3600_000).toISOString()}&end_time=${new Date(Date.now() + 3600_000).toISOString()}`;
    const logs = await t.world.call('GET', `/api/v2/integrations/logs?product=Salesforce&ticket_id=${ticket.id}&${window}`);
    expect(logs.status).toBe(200);
    const synced = logs.json.logs.find((l: { description: string }) => l.description === `Ticket #${ticket.id} synced to Salesforce case ${c.Id}`);
    expect(synced).toMatchObject({ status: 'info', details: expect.objectContaining({ ticket_id: ticket.id, case_id: c.Id, created: true, contact_created: true }) });
  });

  it('updates the same Case when the ticket changes, and never sends comments', async () => {
    await t.install(NO_POLL);
    const ticket = await createTicketViaApi(t.world, {});
    await t.drain();
    const put = await t.world.call('PUT', `/api/v2/tickets/${ticket.id}`, { body: { ticket: { status: 'pending', priority: 'urgent', comment: { body: 'SECRET internal note', public: false } } } });
    expect(put.status).toBe(200);
    await t.drain();

    expect(cases()).toHaveLength(1);
    expect(cases()[0]).toMatchObject({ Status: 'Working', Priority: 'High', Description: 'It smokes. Please help.' });
    expect(upserts()).toHaveLength(2);
    for (const r of upserts()) expect(JSON.stringify(r.body)).not.toContain('SECRET');
    const rows = await t.outcomes();
    expect(rows.filter((r) => r.description.startsWith(`Ticket #${ticket.id} synced to Salesforce case ${cases()[0]!.Id}`))).toHaveLength(2);
    expect(rows.at(-1)!.details).toMatchObject({ created: false });
  });

  it('a job retried after its answer was lost upserts the same Case: no duplicate', async () => {
    await t.install(NO_POLL);
    let lost = false;
    // The first upsert reaches Salesforce, but the connection drops before the answer arrives.
    t.server.use(http.patch('https://acme.my.salesforce.com/services/data/:v/sobjects/Case/:field/:id', async ({ request }) => {
      if (lost) return undefined;
      lost = true;
      await t.sf.handle(request);
      return HttpResponse.json([{ message: 'Service unavailable', errorCode: 'SERVER_UNAVAILABLE' }], { status: 503 });
    }));
    const ticket = await createTicketViaApi(t.world, {});
    await t.drain();
    expect(cases()).toHaveLength(1);
    const [failed] = await t.rows(sql`status = 'warning'`);
    expect(failed!.description).toMatch(/failed \(attempt 1 of 8\): Salesforce answered 503 .* retrying at/);

    await t.later(60_000);
    expect(upserts()).toHaveLength(2);
    expect(cases()).toHaveLength(1);
    expect((await t.outcomes()).at(-1)).toMatchObject({ status: 'info', description: `Ticket #${ticket.id} synced to Salesforce case ${cases()[0]!.Id}`, details: expect.objectContaining({ created: false }) });
  });

  it('skips closed tickets with a row saying so', async () => {
    await t.install(NO_POLL);
    const ticket = await createTicketViaApi(t.world, {});
    await t.drain();
    for (const status of ['solved', 'closed']) {
      expect((await t.world.call('PUT', `/api/v2/tickets/${ticket.id}`, { body: { ticket: { status } } })).status).toBe(200);
      await t.drain();
    }
    expect(upserts()).toHaveLength(2);
    expect(cases()[0]).toMatchObject({ Status: 'Closed' });
    expect((await t.outcomes()).at(-1)).toMatchObject({ status: 'info', description: `Ticket #${ticket.id} is closed: not synced to Salesforce`, details: { ticket_id: ticket.id, status: 'closed' } });
  });

  it('uses the admin\'s value mappings, finds an existing Contact and Account instead of creating them', async () => {
    await t.install({ ...NO_POLL, statusMap: { new: 'Escalated' }, priorityMap: { low: 'Low' }, typeMap: { question: 'Question' } });
    const account = t.sf.state.create('Account', { Name: 'Customer Co' });
    const contact = t.sf.state.create('Contact', { LastName: 'Requester', Email: 'RITA@customer.test' });
    const org = await t.world.call('POST', '/api/v2/organizations', { body: { organization: { name: 'Customer Co' } } });
    expect(org.status).toBe(201);
    await createTicketViaApi(t.world, { priority: 'low', type: 'question', organization_id: org.json.organization.id });
    await t.drain();
    expect(cases()[0]).toMatchObject({ Status: 'Escalated', Priority: 'Low', Type: 'Question', AccountId: account.Id, ContactId: contact.Id });
    expect(t.sf.state.find('Contact')).toHaveLength(1);
    expect(t.sf.state.find('Account')).toHaveLength(1);
  });

  it('creates a missing Account, or uses the default records when creating is off', async () => {
    const fallback = t.sf.state.create('Account', { Name: 'Unassigned' });
    const fallbackContact = t.sf.state.create('Contact', { LastName: 'Unknown' });
    await t.install({ ...NO_POLL, createMissingAccounts: false, defaultAccountId: fallback.Id, createMissingContacts: false, defaultContactId: fallbackContact.Id });
    const org = await t.world.call('POST', '/api/v2/organizations', { body: { organization: { name: 'Brand New Ltd' } } });
    await createTicketViaApi(t.world, { organization_id: org.json.organization.id });
    await t.drain();
    expect(cases()[0]).toMatchObject({ AccountId: fallback.Id, ContactId: fallbackContact.Id });
    expect(t.sf.state.find('Account')).toHaveLength(1);
    expect(requestsTo(t.sf, 'POST', /\/sobjects\/(Account|Contact)$/)).toHaveLength(0);
  });

  it('a required Case field left unmapped fails the sync with a clear row and sends nothing; a default fixes it', async () => {
    t.sf.state.requireCaseField('Product__c');
    await t.install(NO_POLL);
    const ticket = await createTicketViaApi(t.world, {});
    await t.drain();
    expect(upserts()).toHaveLength(0);
    expect(requestsTo(t.sf, 'POST', /\/sobjects\/Contact$/)).toHaveLength(0);
    const rows = await t.outcomes();
    expect(rows).toEqual([expect.objectContaining({
      status: 'error',
      description: `Ticket #${ticket.id} not synced to Salesforce: required Case field Product (Product__c) has no value: map it in the connection's settings (caseFieldDefaults)`,
      details: expect.objectContaining({ ticket_id: ticket.id, missing_fields: ['Product__c'] }),
    })]);

    await t.reconfigure({ caseFieldDefaults: { Product__c: 'Printers' } });
    await t.enqueueJob('resync_ticket', { ticket_id: ticket.id });
    await t.drain();
    expect(cases()).toEqual([expect.objectContaining({ Product__c: 'Printers', Zendesk_Ticket_Id__c: String(ticket.id) })]);
  });

  it('a value Salesforce refuses is a failed sync naming Salesforce\'s error code', async () => {
    await t.install({ ...NO_POLL, caseFieldDefaults: { Severity__c: 'P1' } });
    const ticket = await createTicketViaApi(t.world, {});
    await t.drain();
    const rows = (await t.outcomes()).filter((r) => r.status === 'error');
    expect(rows).toEqual([expect.objectContaining({
      description: `Ticket #${ticket.id} not synced to Salesforce: Salesforce refused upserting the Case of ticket #${ticket.id}: INVALID_FIELD: No such column 'Severity__c' on sobject of type Case`,
      details: expect.objectContaining({ error: expect.objectContaining({ status: 400, code: 'INVALID_FIELD' }) }),
    })]);
    expect(cases()).toHaveLength(0);
  });

  it('API limits (403 REQUEST_LIMIT_EXCEEDED, 429 with Retry-After) back off through the engine with a warning row', async () => {
    await t.install(NO_POLL);
    t.sf.state.limitRequests({ status: 403, count: 1 });
    const ticket = await createTicketViaApi(t.world, {});
    await t.drain();
    const [warning] = await t.rows(sql`status = 'warning'`);
    expect(warning!.description).toMatch(/failed \(attempt 1 of 8\): Salesforce API limit reached \(REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded\.\) while describing the Case object — retrying at/);
    const job = await jobRow(t.world.database, warning!.job_id!);
    expect(job.state).toBe('queued');
    expect(job.runAt.getTime() - t.world.clock.now().getTime()).toBe(60_000);

    t.sf.state.limitRequests({ status: 429, count: 1, retryAfterSeconds: 30 });
    await t.later(60_000);
    expect((await jobRow(t.world.database, job.id)).runAt.getTime() - t.world.clock.now().getTime()).toBe(30_000);
    await t.later(30_000);
    expect((await jobRow(t.world.database, job.id)).state).toBe('succeeded');
    expect(cases()).toEqual([expect.objectContaining({ Zendesk_Ticket_Id__c: String(ticket.id) })]);
  });

  it('resync_ticket re-sends the ticket as it is now, and says so when the ticket does not exist', async () => {
    await t.install({ ...NO_POLL, syncTickets: false });
    const ticket = await createTicketViaApi(t.world, {});
    await t.drain();
    expect(upserts()).toHaveLength(0);
    expect((await t.rows(sql`status = 'debug' and description like 'Ticket #%'`))[0]!.description).toBe(`Ticket #${ticket.id} not sent to Salesforce: ticket sync is turned off for "Acme Salesforce"`);

    await t.reconfigure({});
    for (const ticketId of [ticket.id, 999_999]) await t.enqueueJob('resync_ticket', { ticket_id: ticketId });
    await t.drain();
    expect(cases()).toHaveLength(1);
    const rows = await t.outcomes();
    expect(rows.map((r) => r.description)).toEqual(expect.arrayContaining([
      `Ticket #${ticket.id} synced to Salesforce case ${cases()[0]!.Id}`,
      'Ticket #999999 not synced to Salesforce: it does not exist',
    ]));
  });
});
