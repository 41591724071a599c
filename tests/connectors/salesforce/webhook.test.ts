import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { countRows } from '../../helpers/runner.ts';
import { useSalesforce } from './setup.ts';

// The webhook's own syncs only: a scheduled poll would sync the same records alongside.
const t = useSalesforce({ orgId: '00D5g000004ACMEAAA' }, { schedules: false });
const ORG = '00D5g000004ACMEAAA';
const TOKEN = 'whk-0123456789-secret';

/** A Salesforce outbound message (workflow rule → SOAP) naming one record. */
const outboundMessage = (object: string, id: string, notificationId: string, org = ORG) => `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>${org}</OrganizationId>
   <ActionId>04k5g000000SANDBOX</ActionId>
   <SessionId xsi:nil="true"/>
   <EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/60.0/${org}</EnterpriseUrl>
   <PartnerUrl>https://acme.my.salesforce.com/services/Soap/u/60.0/${org}</PartnerUrl>
   <Notification>
    <Id>${notificationId}</Id>
    <sObject xsi:type="sf:${object}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
     <sf:Id>${id}</sf:Id>
     <sf:Email>stale@example.com</sf:Email>
    </sObject>
   </Notification>
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>`;

const post = (path: string, body: string, type = 'text/xml; charset=utf-8') =>
  t.world.call('POST', path, { as: null, raw: body, headers: { 'content-type': type } });

describe('Salesforce inbound webhook', () => {
  it('an outbound message at /webhooks/salesforce/{org id} syncs the record as Salesforce has it now; a redelivery is processed once', async () => {
    await t.install({ organizationId: ORG }, { clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret', webhookToken: TOKEN });
    const contact = t.sf.state.create('Contact', { FirstName: 'Olive', LastName: 'Outbound', Email: 'olive@customer.test' });
    const body = outboundMessage('Contact', contact.Id, '04l5g00000NOTIF1');

    // Salesforce needs its SOAP acknowledgement, or it sends the message again for 24 hours.
    const ack = /^<\?xml[^>]*\?><soapenv:Envelope [^>]*><soapenv:Body><notificationsResponse xmlns="http:\/\/soap\.sforce\.com\/2005\/09\/outbound"><Ack>true<\/Ack><\/notificationsResponse><\/soapenv:Body><\/soapenv:Envelope>$/;
    const first = await post(`/webhooks/salesforce/${ORG}?token=${TOKEN}`, body);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(first.json.__text).toMatch(ack);
    const again = await post(`/webhooks/salesforce/${ORG}?token=${TOKEN}`, body);
    expect(again.status).toBe(200);
    expect(await countRows(t.world.database, sql`select count(*)::int as n from jobs where kind = 'webhook'`)).toBe(1);
    await t.drain();

    const created = (await t.outcomes()).filter((r) => r.description.includes('created user'));
    expect(created).toEqual([expect.objectContaining({ description: expect.stringMatching(/\(olive@customer\.test\)$/) })]);
    // The message carried a stale email: the record was read back from Salesforce.
    expect(await countRows(t.world.database, sql`select count(*)::int as n from users where email = 'stale@example.com'`)).toBe(0);
  });

  it('refuses a wrong token or another org\'s message with 401, and queues nothing', async () => {
    await t.install({ organizationId: ORG }, { clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret', webhookToken: TOKEN });
    const contact = t.sf.state.create('Contact', { LastName: 'Nope', Email: 'nope@customer.test' });
    expect((await post(`/webhooks/salesforce/${ORG}?token=wrong-token-value`, outboundMessage('Contact', contact.Id, 'n1'))).status).toBe(401);
    expect((await post(`/webhooks/salesforce/${ORG}?token=${TOKEN}`, outboundMessage('Contact', contact.Id, 'n2', '00D5g000004OTHERAA'))).status).toBe(401);
    expect(await countRows(t.world.database, sql`select count(*)::int as n from jobs`)).toBe(0);
  });

  it('takes a JSON change event and REST-shaped records; says so when a body names nothing it can sync', async () => {
    await t.install();
    const account = t.sf.state.create('Account', { Name: 'Event Corp' });
    const lead = t.sf.state.create('Lead', { LastName: 'Json', Company: 'J', Email: 'json.lead@customer.test' });
    const cdc = { data: { event: { replayId: 42 }, payload: { ChangeEventHeader: { entityName: 'AccountChangeEvent', recordIds: [account.Id], changeType: 'UPDATE' } } } };
    const path = `/webhooks/salesforce/${t.installationId}`;
    for (const body of [cdc, { records: [{ attributes: { type: 'Lead' }, Id: lead.Id }] }, { hello: 'world' }]) {
      expect((await post(path, JSON.stringify(body), 'application/json')).status).toBe(202);
    }
    await t.drain();
    const rows = (await t.outcomes()).map((r) => `${r.status}: ${r.description}`);
    expect(rows).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`^info: Salesforce Account ${account.Id} \\(Event Corp\\) created organization #\\d+ \\(Event Corp\\)$`)),
      expect.stringMatching(new RegExp(`^info: Salesforce Lead ${lead.Id} \\(Json\\) created user #\\d+ \\(json.lead@customer.test\\)$`)),
      'error: Salesforce webhook ignored: the body is neither an outbound message nor a change event with record ids',
    ]));
  });

  it('the Connections page gets the settings form and the write-only credential fields', async () => {
    const res = await t.world.call('GET', '/api/v2/integrations/connectors/salesforce');
    expect(res.status).toBe(200);
    const { connector } = res.json;
    expect(connector).toMatchObject({ product: 'Salesforce', webhooks: ['inbound'], jobs: ['poll', 'resync_ticket'], credential_fields: ['clientId', 'clientSecret', 'refreshToken', 'authorizationCode', 'accessToken', 'webhookToken'] });
    expect(Object.keys(connector.settings_schema.properties)).toEqual(expect.arrayContaining(['instanceUrl', 'apiVersion', 'authFlow', 'caseExternalIdField', 'statusMap', 'contactFilters', 'pollIntervalSeconds']));
    expect(connector.settings_schema.required).toEqual(['instanceUrl']);
  });
});
