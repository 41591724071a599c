import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { countRows } from '../../helpers/runner.ts';
import { requestsTo, useSalesforce } from './setup.ts';

// Query pages of 2 records, so every poll below also walks nextRecordsUrl.
const t = useSalesforce({ maxPageSize: 2 });
const POLL_MS = 60_000;

let seq = 0;
/** An email no earlier test used (the world is shared by the file). */
const email = (who: string) => `${who}.${++seq}@customer.test`;

async function userBy(emailAddress: string) {
  const [row] = await t.world.database.rows<{ id: number }>(sql`select id from users where account_id = ${t.world.acme.id} and email = ${emailAddress.toLowerCase()}`);
  if (!row) return null;
  return (await t.world.call('GET', `/api/v2/users/${row.id}`)).json.user as { id: number; name: string; email: string; phone: string | null; tags: string[]; external_id: string | null; role: string };
}
async function newUser(user: Record<string, unknown>) {
  const res = await t.world.call('POST', '/api/v2/users', { body: { user } });
  expect(res.status).toBe(201);
  return res.json.user as { id: number };
}
const poll = async () => {
  await t.enqueueJob('poll');
  await t.drain();
};
/** The SOQL of each query, or the locator path of a next page. */
const queries = () => requestsTo(t.sf, 'GET', /\/query/).map((r) => new URL(r.path, 'https://x').searchParams.get('q') ?? r.path);
/** The latest row about a Salesforce record, whatever its level (an unchanged record is a debug row). */
const lastSync = async () => (await t.rows(sql`details ? 'salesforce_id'`)).at(-1)!;

describe('Salesforce → deskbridge by polling', () => {
  it('brings Accounts, Contacts and Leads in, across pages, then only what changed since the stored cursor', async () => {
    await t.install({ pollIntervalSeconds: POLL_MS / 1000 });
    const emails = [email('ann'), email('bob'), email('cid')];
    const contacts = emails.map((e, i) => t.sf.state.create('Contact', { FirstName: ['Ann', 'Bob', 'Cid'][i], LastName: 'Contact', Email: e }));
    const lead = t.sf.state.create('Lead', { FirstName: 'Lea', LastName: 'Lead', Company: 'Leads Inc', Email: email('lea'), LeadSource: 'Web Referral' });
    const account = t.sf.state.create('Account', { Name: `Initech ${seq}`, Industry: 'Banking', Website: 'https://www.initech.example/en' });
    await poll();

    for (const [i, e] of emails.entries()) expect(await userBy(e)).toMatchObject({ name: `${['Ann', 'Bob', 'Cid'][i]} Contact`, role: 'end-user' });
    expect(await userBy(lead.Email as string)).toMatchObject({ name: 'Lea Lead', tags: ['web_referral'] });
    const orgs = await t.world.call('GET', '/api/v2/organizations');
    expect(orgs.json.organizations.find((o: { name: string }) => o.name === account.Name)).toMatchObject({ tags: ['banking'], domain_names: ['initech.example'] });
    expect((await t.outcomes()).filter((r) => r.status === 'info').map((r) => r.description)).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`^Salesforce Contact ${contacts[0]!.Id} \\(Ann Contact\\) created user #\\d+ \\(${emails[0]}\\)$`)),
    ]));
    expect(queries().some((q) => /\/query\/01g/.test(q))).toBe(true); // 3 Contacts on pages of 2

    // The next poll runs at its slot; nothing changed, so nothing is written.
    const before = (await t.rows(sql`status <> 'debug'`)).length;
    await t.later(POLL_MS);
    expect(queries().at(-1)).toMatch(/WHERE SystemModstamp >= \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z ORDER BY SystemModstamp ASC, Id ASC/);
    expect((await t.rows(sql`status <> 'debug'`)).length).toBe(before);

    t.world.clock.advance(5_000);
    t.sf.state.update('Contact', contacts[1]!.Id, { LastName: 'Renamed' });
    await t.later(POLL_MS);
    const fresh = (await t.rows(sql`status = 'info'`)).slice(-1);
    expect(fresh.map((r) => r.description)).toEqual([expect.stringMatching(new RegExp(`^Salesforce Contact ${contacts[1]!.Id} \\(Bob Renamed\\) updated user #\\d+ \\(${emails[1]}\\): name$`))]);
    expect(fresh[0]!.details).toMatchObject({ matched_by: 'link', fields: ['name'] });
  });

  it('is polled by the engine once per slot of the installation\'s interval, however often the engine checks', async () => {
    await t.install({ pollIntervalSeconds: POLL_MS / 1000 });
    const slots = new Set<number>();
    for (const step of [0, 10_000, 20_000, 40_000, 15_000, 60_000]) {
      t.world.clock.advance(step);
      slots.add(Math.floor(t.world.clock.now().getTime() / POLL_MS));
      await t.drain();
    }
    const polls = await t.world.database.rows<{ idempotency_key: string; state: string }>(sql`select idempotency_key, state from jobs where name = 'poll' order by id`);
    expect(polls.map((p) => p.idempotency_key)).toEqual([...slots].map((slot) => `schedule:${t.installationId}:poll:${slot}`));
    expect(polls.every((p) => p.state === 'succeeded')).toBe(true);
  });

  it('links on the first match, and later changes go to the linked user without matching again', async () => {
    await t.install();
    const original = email('link');
    const user = await newUser({ name: 'Lin Kedd', email: original });
    const contact = t.sf.state.create('Contact', { FirstName: 'Lin', LastName: 'Kedd', Email: original });
    await poll();
    expect(await lastSync()).toMatchObject({ status: 'debug', details: expect.objectContaining({ user_id: user.id, matched_by: 'email' }) });

    // In Salesforce the email changes; the user is found by the link, keeps its email, and the new one
    // is appended to the user's Salesforce profile.
    const other = email('link-new');
    t.sf.state.update('Contact', contact.Id, { Email: other });
    await poll();
    expect((await lastSync()).details).toMatchObject({ user_id: user.id, matched_by: 'link', appended_to_profile: [{ type: 'email', value: other }] });
    expect(await userBy(original)).toMatchObject({ id: user.id });
    expect(await userBy(other)).toBeNull();
    const profiles = (await t.world.call('GET', `/api/v2/users/${user.id}/profiles`)).json.profiles;
    expect(profiles).toEqual([expect.objectContaining({ source: 'salesforce', type: 'contact', identifiers: expect.arrayContaining([{ type: 'salesforce_id', value: contact.Id }, { type: 'email', value: other }]) })]);
  });

  it('more than one match fails the sync with a row naming the count', async () => {
    await t.install({ contactMatchKey: 'name' });
    const [a, b] = [await newUser({ name: 'Sam Same', email: email('sam1') }), await newUser({ name: 'Sam Same', email: email('sam2') })];
    const contact = t.sf.state.create('Contact', { FirstName: 'Sam', LastName: 'Same', Email: email('sam3') });
    await poll();
    expect(await t.outcomes()).toEqual([expect.objectContaining({
      status: 'error', description: `Contact ${contact.Id} (Sam Same) matched 2 users by name: sync failed`,
      details: expect.objectContaining({ salesforce_id: contact.Id, count: 2, user_ids: [a.id, b.id], match_value: 'Sam Same' }),
    })]);
    expect(await userBy(contact.Email as string)).toBeNull();
  });

  it('applies up to 3 "all" and 3 "any" filter conditions to the Salesforce record', async () => {
    await t.install({
      contactFilters: {
        all: [{ field: 'LeadSource', operator: 'equals', value: 'Partner' }, { field: 'Email', operator: 'is_not_empty' }],
        any: [{ field: 'Title', operator: 'contains', value: 'cto' }, { field: 'Title', operator: 'starts_with', value: 'VP' }],
      },
    });
    const make = (who: string, LeadSource: string, Title: string) => t.sf.state.create('Contact', { LastName: who, Email: email(who), LeadSource, Title });
    const pass1 = make('Cathy', 'Partner', 'Acting CTO');
    const pass2 = make('Vince', 'partner', 'VP Sales');
    const noAll = make('Wendy', 'Web', 'CTO');
    const noAny = make('Dan', 'Partner', 'Developer');
    await poll();
    for (const c of [pass1, pass2]) expect(await userBy(c.Email as string)).not.toBeNull();
    for (const c of [noAll, noAny]) expect(await userBy(c.Email as string)).toBeNull();
    const skipped = await t.rows(sql`status = 'debug' and description like '%skipped: filter%'`);
    expect(skipped.map((r) => r.description)).toEqual([
      `Contact ${noAll.Id} (Wendy) skipped: filter condition LeadSource equals "Partner" is not true`,
      `Contact ${noAny.Id} (Dan) skipped: filter condition none of Title contains "cto", Title starts with "VP" is true`,
    ]);
    const bad = await t.world.call('PUT', `/api/v2/integrations/installations/${t.installationId}`, {
      body: { installation: { settings: { instanceUrl: 'https://acme.my.salesforce.com', contactFilters: { all: Array(4).fill({ field: 'Title', operator: 'is_empty' }) } } } },
    });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.json)).toContain('at most 3');
  });

  it('Salesforce wins on the name; tags, email and phone are appended; external_id is written when asked', async () => {
    await t.install({ writeExternalId: true });
    const address = email('app');
    const user = await newUser({ name: 'Old Name', email: address, phone: '+1 555 0100', tags: ['vip'] });
    const lead = t.sf.state.create('Lead', { FirstName: 'New', LastName: 'Name', Company: 'X', Email: address, Phone: '+1 555 0199', LeadSource: 'Trade Show' });
    await poll();
    expect(await userBy(address)).toMatchObject({ id: user.id, name: 'New Name', phone: '+1 555 0100', tags: ['vip', 'trade_show'], external_id: lead.Id });
    expect((await t.outcomes()).at(-1)).toMatchObject({
      status: 'info', description: `Salesforce Lead ${lead.Id} (New Name) updated user #${user.id} (${address}): name, tags, external_id`,
      details: expect.objectContaining({ appended_to_profile: [{ type: 'phone', value: '+1 555 0199' }] }),
    });
  });

  it('never changes agents or admins: the record is skipped with a warning', async () => {
    await t.install();
    const agent = t.world.acme.agent.user;
    const contact = t.sf.state.create('Contact', { FirstName: 'Hacked', LastName: 'Name', Email: agent.email, Phone: '+1 555 0666' });
    await poll();
    expect(await t.outcomes()).toEqual([expect.objectContaining({
      status: 'warning', description: `Contact ${contact.Id} (Hacked Name) matches agent Alex Agent (user #${agent.id}): agents and admins are never changed by Salesforce`,
    })]);
    expect(await userBy(agent.email)).toMatchObject({ name: 'Alex Agent', phone: null });
  });

  it('an Account updates the organization of the same name: name and notes overwritten, tags and domains appended', async () => {
    await t.install();
    const name = `Umbrella ${++seq}`;
    const org = (await t.world.call('POST', '/api/v2/organizations', { body: { organization: { name, tags: ['gold'], domain_names: ['umbrella.example'], notes: 'old notes' } } })).json.organization;
    const account = t.sf.state.create('Account', { Name: name, Industry: 'Pharma', Website: 'umbrella-corp.example', Description: 'Key account since 2020' });
    await poll();
    const after = (await t.world.call('GET', `/api/v2/organizations/${org.id}`)).json.organization;
    expect(after).toMatchObject({ name, tags: ['gold', 'pharma'], domain_names: ['umbrella.example', 'umbrella-corp.example'], notes: 'Key account since 2020' });

    t.sf.state.update('Account', account.Id, { Name: `${name} Corp` });
    await poll();
    expect((await t.world.call('GET', `/api/v2/organizations/${org.id}`)).json.organization.name).toBe(`${name} Corp`);
    expect((await t.outcomes()).at(-1)).toMatchObject({ description: `Salesforce Account ${account.Id} (${name} Corp) updated organization #${org.id} (${name} Corp): name`, details: expect.objectContaining({ matched_by: 'link' }) });
    expect(await countRows(t.world.database, sql`select count(*)::int as n from organizations where account_id = ${t.world.acme.id} and name like ${`${name}%`}`)).toBe(1);
  });
});
