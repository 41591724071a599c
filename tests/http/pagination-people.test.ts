import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from '../helpers/world.ts';

let w: World;
let ids: number[];
beforeAll(async () => {
  w = await createWorld();
  const rows = await w.database.rows<{ id: string }>(sql`
    insert into tickets (account_id, subject, description, requester_id, submitter_id)
    select ${w.acme.id}, 'T' || g, 'b', ${w.acme.endUser.user.id}, ${w.acme.endUser.user.id} from generate_series(1, 250) g returning id`);
  ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
});
afterAll(async () => { await w.close(); });

const path = (url: string) => { const u = new URL(url); return u.pathname + u.search; };

describe('cursor pagination (page[size], links.next, meta.has_more)', () => {
  it('walks forward then back without gaps', async () => {
    const seen: number[] = [];
    let res = await w.call('GET', '/api/v2/tickets.json?page[size]=100');
    const pages = [res];
    seen.push(...res.json.tickets.map((t: any) => t.id));
    while (res.json.meta.has_more) {
      res = await w.call('GET', path(res.json.links.next));
      pages.push(res);
      seen.push(...res.json.tickets.map((t: any) => t.id));
    }
    expect(pages.map((p) => p.json.tickets.length)).toEqual([100, 100, 50]);
    expect(seen).toEqual(ids);
    expect(res.json.links.next).toBeNull();
    const back = await w.call('GET', path(res.json.links.prev));
    expect(back.json.tickets.map((t: any) => t.id)).toEqual(ids.slice(100, 200));
  });
  it('sorts descending with sort=-id', async () => {
    const res = await w.call('GET', '/api/v2/tickets.json?page[size]=3&sort=-id');
    expect(res.json.tickets.map((t: any) => t.id)).toEqual(ids.slice(-3).reverse());
  });
  it('rejects a forged cursor', async () => {
    const res = await w.call('GET', '/api/v2/tickets.json?page[after]=zzz');
    expect(res.status).toBe(400);
  });
});

describe('offset pagination (Zendesk default: next_page, count)', () => {
  it('pages with per_page and reports the count', async () => {
    const first = await w.call('GET', '/api/v2/tickets.json?per_page=100');
    expect(first.json.count).toBe(250);
    expect(first.json.previous_page).toBeNull();
    const third = await w.call('GET', path((await w.call('GET', path(first.json.next_page))).json.next_page));
    expect(third.json.tickets.map((t: any) => t.id)).toEqual(ids.slice(200));
    expect(third.json.next_page).toBeNull();
  });
  it('filters tickets by status', async () => {
    const res = await w.call('GET', '/api/v2/tickets.json?status=solved');
    expect(res.json.tickets).toEqual([]);
    expect((await w.call('GET', '/api/v2/tickets.json?status=bogus')).status).toBe(400);
  });
});

describe('users, organizations and groups', () => {
  it('creates a user, refuses a duplicate email (422 naming email), updates it', async () => {
    const made = await w.call('POST', '/api/v2/users.json', { body: { user: { name: 'Nina', email: 'Nina@Example.test', time_zone: 'America/New_York' } } });
    expect(made.status).toBe(201);
    expect(made.json.user).toMatchObject({ email: 'nina@example.test', role: 'end-user', time_zone: 'America/New_York' });
    const dup = await w.call('POST', '/api/v2/users.json', { body: { user: { name: 'Nina 2', email: 'nina@example.test' } } });
    expect(dup.status).toBe(422);
    expect(dup.json.details).toHaveProperty('email');
    const tz = await w.call('PUT', `/api/v2/users/${made.json.user.id}.json`, { body: { user: { time_zone: 'Mars/Olympus' } } });
    expect(tz.status).toBe(422);
    expect(tz.json.details).toHaveProperty('time_zone');
    const up = await w.call('PUT', `/api/v2/users/${made.json.user.id}.json`, { body: { user: { name: 'Nina B', tags: ['vip'] } } });
    expect(up.json.user).toMatchObject({ name: 'Nina B', tags: ['vip'] });
  });
  it('filters users by role', async () => {
    const res = await w.call('GET', '/api/v2/users.json?role=agent');
    expect(res.json.users.map((u: any) => u.email)).toEqual(['agent@acme.test']);
  });
  it('the owner cannot be demoted', async () => {
    const res = await w.call('PUT', `/api/v2/users/${w.acme.owner.user.id}.json`, { body: { user: { role: 'agent' } } });
    expect(res.status).toBe(422);
  });
  it('organizations: unique names, soft delete, new tickets inherit the requester organization', async () => {
    const org = (await w.call('POST', '/api/v2/organizations.json', { body: { organization: { name: 'Initech', domain_names: ['Initech.test'] } } })).json.organization;
    expect(org.domain_names).toEqual(['initech.test']);
    const dup = await w.call('POST', '/api/v2/organizations.json', { body: { organization: { name: 'initech' } } });
    expect(dup.status).toBe(422);
    const user = (await w.call('POST', '/api/v2/users.json', { body: { user: { name: 'Peter', email: 'peter@initech.test', organization_id: org.id } } })).json.user;
    const t = (await w.call('POST', '/api/v2/tickets.json', { body: { ticket: { comment: { body: 'TPS reports' }, requester_id: user.id } } })).json.ticket;
    expect(t.organization_id).toBe(org.id);
    expect(t.subject).toBe('TPS reports');
    expect((await w.call('DELETE', `/api/v2/organizations/${org.id}.json`)).status).toBe(204);
    expect((await w.call('GET', `/api/v2/organizations/${org.id}.json`)).status).toBe(404);
    expect((await w.call('GET', `/api/v2/users/${user.id}.json`)).json.user.organization_id).toBeNull();
  });
  it('groups: create and rename', async () => {
    const g = (await w.call('POST', '/api/v2/groups.json', { body: { group: { name: 'Billing' } } })).json.group;
    const renamed = await w.call('PUT', `/api/v2/groups/${g.id}.json`, { body: { group: { name: 'Finance' } } });
    expect(renamed.json.group.name).toBe('Finance');
    const empty = await w.call('POST', '/api/v2/groups.json', { body: { group: { name: '' } } });
    expect(empty.status).toBe(422);
    expect(empty.json.details).toHaveProperty('name');
  });
});
