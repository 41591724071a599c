import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketFields } from '../../db/schema/index.ts';
import { createWorld, type World } from '../helpers/world.ts';

let w: World;
beforeAll(async () => { w = await createWorld(); });
afterAll(async () => { await w.close(); });

const newTicket = (over: Record<string, unknown> = {}) => ({
  ticket: { subject: 'My printer is on fire', comment: { body: 'It smokes.\n\nPlease help.' }, requester: { name: 'Rita Requester', email: 'rita@customer.test' }, priority: 'high', ...over },
});

describe('tickets API (Zendesk paths and envelopes)', () => {
  it('creates a ticket with its first comment and a Create audit', async () => {
    const res = await w.call('POST', '/api/v2/tickets.json', { body: newTicket({ tags: ['Fire', 'urgent stuff'] }) });
    expect(res.status).toBe(201);
    const t = res.json.ticket;
    expect(t).toMatchObject({ subject: 'My printer is on fire', description: 'It smokes.\n\nPlease help.', status: 'new', priority: 'high', tags: ['fire', 'urgent', 'stuff'] });
    expect(t.url).toBe(`http://localhost/api/v2/tickets/${t.id}.json`);
    expect(t.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(res.headers.get('location')).toBe(t.url);

    const requester = await w.call('GET', `/api/v2/users/${t.requester_id}.json`);
    expect(requester.json.user).toMatchObject({ email: 'rita@customer.test', role: 'end-user' });

    const audits = await w.call('GET', `/api/v2/tickets/${t.id}/audits.json`);
    expect(audits.status).toBe(200);
    expect(audits.json.audits).toHaveLength(1);
    const events = audits.json.audits[0].events;
    expect(events).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'Create', field_name: 'status', value: 'new' }),
      expect.objectContaining({ type: 'Create', field_name: 'priority', value: 'high' }),
      expect.objectContaining({ type: 'Comment', public: true, body: 'It smokes.\n\nPlease help.' }),
    ]));
  });

  it('answers with and without the .json suffix', async () => {
    const { json } = await w.call('POST', '/api/v2/tickets', { body: newTicket() });
    const a = await w.call('GET', `/api/v2/tickets/${json.ticket.id}`);
    const b = await w.call('GET', `/api/v2/tickets/${json.ticket.id}.json`);
    expect(a.status).toBe(200);
    expect(b.json).toEqual(a.json);
  });

  it('an update with a comment adds it, and status/assignee/group changes are audited with previous values', async () => {
    const created = (await w.call('POST', '/api/v2/tickets.json', { body: newTicket() })).json.ticket;
    const group = (await w.call('POST', '/api/v2/groups.json', { body: { group: { name: 'Tier 2' } } })).json.group;
    const res = await w.call('PUT', `/api/v2/tickets/${created.id}.json`, {
      body: { ticket: { status: 'pending', assignee_id: w.acme.agent.user.id, group_id: group.id, comment: { body: 'Internal: checking', public: false } } },
    });
    expect(res.status).toBe(200);
    expect(res.json.ticket).toMatchObject({ status: 'pending', assignee_id: w.acme.agent.user.id, group_id: group.id });

    const comments = (await w.call('GET', `/api/v2/tickets/${created.id}/comments.json`)).json.comments;
    expect(comments.map((c: any) => [c.body, c.public])).toEqual([['It smokes.\n\nPlease help.', true], ['Internal: checking', false]]);

    const audits = (await w.call('GET', `/api/v2/tickets/${created.id}/audits.json`)).json.audits;
    expect(audits).toHaveLength(2);
    expect(audits[1].author_id).toBe(w.acme.owner.user.id);
    expect(audits[1].events).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'Change', field_name: 'status', value: 'pending', previous_value: 'new' }),
      expect.objectContaining({ type: 'Change', field_name: 'assignee_id', value: w.acme.agent.user.id, previous_value: null }),
      expect.objectContaining({ type: 'Change', field_name: 'group_id', value: group.id, previous_value: null }),
      expect.objectContaining({ type: 'Comment', public: false, body: 'Internal: checking' }),
    ]));
  });

  it('an update that changes nothing writes no audit', async () => {
    const created = (await w.call('POST', '/api/v2/tickets.json', { body: newTicket() })).json.ticket;
    await w.call('PUT', `/api/v2/tickets/${created.id}.json`, { body: { ticket: { priority: 'high', subject: created.subject } } });
    expect((await w.call('GET', `/api/v2/tickets/${created.id}/audits.json`)).json.audits).toHaveLength(1);
  });

  it("a requester's reply reopens a pending ticket; closed tickets only accept tags, subject and priority", async () => {
    const t = (await w.call('POST', '/api/v2/tickets.json', { body: newTicket({ assignee_id: w.acme.agent.user.id, status: 'pending' }) })).json.ticket;
    const reply = await w.call('PUT', `/api/v2/tickets/${t.id}.json`, { body: { ticket: { comment: { body: 'Any news?', author_id: t.requester_id } } } });
    expect(reply.json.ticket.status).toBe('open');
    await w.call('PUT', `/api/v2/tickets/${t.id}.json`, { body: { ticket: { status: 'solved' } } });
    expect((await w.call('PUT', `/api/v2/tickets/${t.id}.json`, { body: { ticket: { status: 'closed' } } })).json.ticket.status).toBe('closed');
    const refused = await w.call('PUT', `/api/v2/tickets/${t.id}.json`, { body: { ticket: { status: 'open' } } });
    expect(refused.status).toBe(422);
    expect(refused.json.description).toMatch(/closed/);
    const allowed = await w.call('PUT', `/api/v2/tickets/${t.id}.json`, { body: { ticket: { tags: ['after-close'], priority: 'low' } } });
    expect(allowed.status).toBe(200);
    expect(allowed.json.ticket).toMatchObject({ status: 'closed', tags: ['after-close'], priority: 'low' });
  });

  it('custom fields are validated against their definitions and returned as custom_fields[{id,value}]', async () => {
    const [f] = await w.db.insert(ticketFields).values({ accountId: w.acme.id, type: 'tagger', title: 'Product', customFieldOptions: [{ name: 'Shop', value: 'shop' }] }).returning();
    const bad = await w.call('POST', '/api/v2/tickets.json', { body: newTicket({ custom_fields: [{ id: f!.id, value: 'nope' }] }) });
    expect(bad.status).toBe(422);
    expect(bad.json.details['custom_fields[0]'][0].description).toMatch(/must be one of: shop/);
    const good = await w.call('POST', '/api/v2/tickets.json', { body: newTicket({ custom_fields: [{ id: f!.id, value: 'shop' }] }) });
    expect(good.status).toBe(201);
    expect(good.json.ticket.custom_fields).toContainEqual({ id: f!.id, value: 'shop' });
  });
});

describe('bad input gets a clear JSON error', () => {
  it('names the failing field (422)', async () => {
    const res = await w.call('POST', '/api/v2/tickets.json', { body: { ticket: { subject: 'x', comment: { body: 'y' }, status: 'exploded' } } });
    expect(res.status).toBe(422);
    expect(res.json.error).toBe('RecordInvalid');
    expect(Object.keys(res.json.details)).toContain('status');
  });
  it('requires a first comment', async () => {
    const res = await w.call('POST', '/api/v2/tickets.json', { body: { ticket: { subject: 'no body' } } });
    expect(res.status).toBe(422);
    expect(res.json.details).toHaveProperty('comment');
  });
  it('rejects malformed JSON with 400 and a missing envelope with 400', async () => {
    const malformed = await w.call('POST', '/api/v2/tickets.json', { raw: '{"ticket": {' });
    expect(malformed.status).toBe(400);
    expect(malformed.json.description).toMatch(/not valid JSON/);
    const envelope = await w.call('POST', '/api/v2/tickets.json', { body: { subject: 'no envelope' } });
    expect(envelope.status).toBe(400);
    expect(envelope.json.description).toMatch(/"ticket"/);
  });
  it('refuses references to records of another account as invalid, not as a leak', async () => {
    const res = await w.call('POST', '/api/v2/tickets.json', { body: newTicket({ assignee_id: w.globex.agent.user.id }) });
    expect(res.status).toBe(422);
    expect(res.json.details).toHaveProperty('assignee_id');
  });
  it('unknown routes and unknown ids answer 404 JSON', async () => {
    const route = await w.call('GET', '/api/v2/nothing_here.json');
    expect(route.status).toBe(404);
    expect(route.json.error).toBe('InvalidEndpoint');
    const id = await w.call('GET', '/api/v2/tickets/987654321.json');
    expect(id.status).toBe(404);
    expect(id.json.error).toBe('RecordNotFound');
    expect((await w.call('GET', '/api/v2/tickets/abc.json')).status).toBe(404);
  });
  it('refuses page sizes above the limit', async () => {
    const res = await w.call('GET', '/api/v2/tickets.json?page[size]=1000');
    expect(res.status).toBe(400);
    expect(res.json.details).toHaveProperty('page[size]');
  });
  it('never answered a user mistake with a 500', () => {
    expect(w.errors).toEqual([]);
  });
});
