import { spawnSync } from 'node:child_process';
import { sql, type SQL } from 'drizzle-orm';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { ticketFields } from '../../db/schema/index.ts';
import { createTicket, updateTicket } from '../../runner/core/tickets.ts';
import { createUser } from '../../runner/core/users.ts';
import { escapeXml, xmlChunks, type Batches } from '../../runner/exports/xml.ts';
import { createWorld, type TestAccount, type World } from '../helpers/world.ts';

// SPEC E4 (Full XML, User XML), E12 (streamed), C1 (one account's data only).

/** The whole query as one batch. */
const oneBatch = (database: Database): Batches => async function* <T extends Record<string, unknown>>(query: SQL) {
  yield await database.rows<T>(query);
};

/** Keyset pages of `size` rows, as the embedded builder pages a query by id. */
const paged = (database: Database, size: number): Batches => async function* <T extends Record<string, unknown>>(query: SQL) {
  let after: unknown = null;
  for (;;) {
    const more = after === null ? sql`` : sql`where q.id > ${after}`;
    const rows = await database.rows<T>(sql`select * from (${query}) q ${more} order by q.id limit ${size}`);
    if (rows.length) yield rows;
    if (rows.length < size) return;
    after = rows[rows.length - 1]!.id;
  }
};

async function collect(chunks: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}

const LISTS = new Set(['group', 'organization', 'ticket', 'comment', 'user', 'schedule', 'ticket-field', 'tag', 'custom-field']);
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (name) => LISTS.has(name) });
/** An element's text whether or not it has attributes (`<id type="integer">1</id>`). */
const txt = (node: unknown): string => (typeof node === 'string' ? node : String((node as Record<string, unknown> | undefined)?.['#text'] ?? ''));

const NASTY_SUBJECT = `<script>alert("x")</script> & 'quoted' 😀`;
const CONTROL_BODY = 'bell\u0007 vtab\u000B formfeed\u000C esc\u001B del\u007F nonchar\uFFFE emoji🎉 tab\tend';
const CONTROL_BODY_CLEAN = 'bell vtab formfeed esc del\u007F nonchar emoji🎉 tab\tend';

let w: World;
let acme: TestAccount;
let nastyTicketId: number;
let deletedOrgId: number;
let fieldIds: number[];
let full: string;
let fullChunks: string[];
let doc: any;

beforeAll(async () => {
  w = await createWorld();
  acme = w.acme;
  const group = (await w.call('POST', '/api/v2/groups.json', { body: { group: { name: 'Acme Support' } } })).json.group;
  const org = (await w.call('POST', '/api/v2/organizations.json', { body: { organization: { name: 'Acme Customers' } } })).json.organization;
  deletedOrgId = (await w.call('POST', '/api/v2/organizations.json', { body: { organization: { name: 'Acme Gone Ltd' } } })).json.organization.id;
  expect((await w.call('DELETE', `/api/v2/organizations/${deletedOrgId}.json`)).status).toBe(204);

  const [textField, checkField] = await w.db.insert(ticketFields).values([
    { accountId: acme.id, type: 'text', title: 'Order ref', position: 2 },
    { accountId: acme.id, type: 'checkbox', title: 'Urgent?', position: 1 },
    { accountId: acme.id, type: 'text', title: 'Retired', active: false, position: 0 },
  ]).returning();
  fieldIds = [checkField!.id, textField!.id];

  const agentCtx = acme.ctx(acme.agent);
  const first = await createTicket(w.db, agentCtx, {
    subject: NASTY_SUBJECT, comment: { body: 'How can we help?' }, requester_id: acme.endUser.user.id, group_id: group.id, organization_id: org.id,
    custom_fields: [{ id: textField!.id, value: 'A&B <42>' }, { id: checkField!.id, value: true }],
  });
  nastyTicketId = first.id;
  await updateTicket(w.db, agentCtx, first.id, { comment: { body: 'Internal: check the logs', public: false } });
  await updateTicket(w.db, agentCtx, first.id, { comment: { body: CONTROL_BODY, author_id: acme.endUser.user.id } });
  for (let i = 1; i <= 4; i++) {
    await createTicket(w.db, agentCtx, { subject: `Acme ticket ${i}`, comment: { body: `body ${i}` }, requester_id: acme.endUser.user.id, due_at: '2026-07-14T12:00:00Z' });
  }

  // The other account: every name here is unique to globex, so finding one in acme's file is a leak.
  const g = w.globex;
  await w.call('POST', '/api/v2/groups.json', { account: g, body: { group: { name: 'Globex Hushed Group' } } });
  await w.call('POST', '/api/v2/organizations.json', { account: g, body: { organization: { name: 'Globex Hushed Org' } } });
  const gus = await createUser(w.db, g.ctx(), { name: 'Gus Globexonly', email: 'gus@globex-only.test' });
  await createTicket(w.db, g.ctx(g.agent), { subject: 'Globex hushed subject', comment: { body: 'Globex hushed body' }, requester_id: gus.id });

  fullChunks = await collect(xmlChunks(oneBatch(w.database), { accountId: acme.id, kind: 'xml', timeZone: 'Europe/Paris' }));
  full = fullChunks.join('');
  doc = parser.parse(full).export;
});
afterAll(async () => { await w?.close(); });

async function count(table: string): Promise<number> {
  const [row] = await w.database.rows<{ n: unknown }>(sql`select count(*) as n from ${sql.identifier(table)} where account_id = ${acme.id}`);
  return Number(row!.n);
}

describe('Full XML export', () => {
  it('is a well-formed document with the export root and Rails type attributes', () => {
    expect(XMLValidator.validate(full)).toBe(true);
    expect(full.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<export kind="xml">\n')).toBe(true);
    expect(doc.account.subdomain).toBe('acme');
    expect(doc.account['time-zone']).toBe('Europe/Paris');
    expect(doc.account.id['@type']).toBe('integer');
    // xmlschema in the account's zone: 09:00Z is 10:00 in Paris in March.
    expect(txt(doc.account['created-at'])).toBe('2026-03-02T10:00:00+01:00');
    expect(doc.account['created-at']['@type']).toBe('datetime');
    // Summer time is applied per instant.
    expect(txt(doc.tickets.ticket[1]['due-at'])).toBe('2026-07-14T14:00:00+02:00');
  });

  it('holds every group, organization, ticket and user of the account and nothing of the other', async () => {
    expect(doc.groups.group).toHaveLength(await count('groups'));
    expect(doc.organizations.organization).toHaveLength(await count('organizations'));
    expect(doc.tickets.ticket).toHaveLength(await count('tickets'));
    expect(doc.users.user).toHaveLength(await count('users'));
    expect(doc.tickets.ticket.length).toBe(5);
    for (const leak of ['Globex', 'globex', 'gus@']) expect(full).not.toContain(leak);
  });

  it('writes a ticket with its subject and its comments, public and private, with their authors', () => {
    const t = doc.tickets.ticket.find((x: any) => txt(x.id) === String(nastyTicketId));
    expect(t.subject).toBe(NASTY_SUBJECT);
    expect(txt(t['requester-id'])).toBe(String(acme.endUser.user.id));
    const comments = t.comments.comment.map((c: any) => ({ author: txt(c['author-id']), public: txt(c.public), body: c.body }));
    expect(comments).toEqual([
      { author: String(acme.agent.user.id), public: 'true', body: 'How can we help?' },
      { author: String(acme.agent.user.id), public: 'false', body: 'Internal: check the logs' },
      { author: String(acme.endUser.user.id), public: 'true', body: CONTROL_BODY_CLEAN },
    ]);
    expect(t.comments.comment[0].public['@type']).toBe('boolean');
    expect(t['assignee-id']).toEqual({ '@type': 'integer', '@nil': 'true' });
  });

  it('lists the active custom fields of every ticket in display order, typed, and their definitions under the account', () => {
    const fields = (id: number) => doc.tickets.ticket.find((x: any) => txt(x.id) === String(id))['custom-fields']['custom-field']
      .map((f: any) => [txt(f.id), f.value]);
    expect(fields(nastyTicketId)).toEqual([
      [String(fieldIds[0]), { '@type': 'boolean', '#text': 'true' }],
      [String(fieldIds[1]), 'A&B <42>'],
    ]);
    const other = doc.tickets.ticket.find((x: any) => txt(x.id) !== String(nastyTicketId));
    expect(other['custom-fields']['custom-field'].map((f: any) => f.value)).toEqual([{ '@nil': 'true' }, { '@nil': 'true' }]);
    expect(doc.account['ticket-fields']['ticket-field'].map((f: any) => f.title)).toEqual(['Order ref', 'Urgent?', 'Retired']);
  });

  it('escapes markup and strips characters XML 1.0 cannot hold', () => {
    expect(full).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;quoted&apos;');
    expect(full).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    expect(escapeXml('a\uD800b\uDFFFc\u{1F600}\r\n')).toBe('abc\u{1F600}&#13;\n');
  });

  it('keeps deleted organizations with their deletion time', () => {
    const gone = doc.organizations.organization.find((o: any) => txt(o.id) === String(deletedOrgId));
    expect(gone.name).toBe('Acme Gone Ltd');
    expect(gone['deleted-at']['@type']).toBe('datetime');
    expect(txt(gone['deleted-at'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$/);
    const alive = doc.organizations.organization.find((o: any) => o.name === 'Acme Customers');
    expect(alive['deleted-at']['@nil']).toBe('true');
  });

  it('never writes passwords, password hashes or API tokens', async () => {
    expect(full.toLowerCase()).not.toContain('password');
    const secrets = await w.database.rows<{ s: string }>(sql`
      select password_hash as s from users where account_id = ${acme.id} and password_hash is not null
      union all select token_hash from api_tokens where account_id = ${acme.id}`);
    expect(secrets.length).toBeGreaterThan(0);
    for (const { s } of secrets) expect(full).not.toContain(s);
    for (const p of [acme.owner, acme.admin, acme.agent, acme.endUser]) expect(full).not.toContain(p.token);
    expect(doc.account.settings.export.enabled).toEqual({ '@type': 'boolean', '#text': 'false' });
  });

  it('is the same document when the rows come two at a time, and comes in many small chunks', async () => {
    const chunks = await collect(xmlChunks(paged(w.database, 2), { accountId: acme.id, kind: 'xml', timeZone: 'Europe/Paris' }));
    expect(chunks.join('')).toBe(full);
    expect(chunks.length).toBeGreaterThan(fullChunks.length);
    // Chunks follow batches: smaller batches, smaller chunks (memory bounded by the batch size).
    const biggest = (cs: string[]) => Math.max(...cs.map((c) => c.length));
    expect(biggest(chunks)).toBeLessThan(biggest(fullChunks));
  });

  it.skipIf(spawnSync('python3', ['--version']).status !== 0)('passes a strict XML 1.0 parser (expat)', () => {
    const res = spawnSync('python3', ['-c', 'import sys, xml.dom.minidom as m; m.parse(sys.stdin.buffer)'], { input: Buffer.from(full, 'utf8') });
    expect(res.stderr.toString()).toBe('');
    expect(res.status).toBe(0);
  });
});

describe('User XML export', () => {
  it('holds groups, organizations and users only', async () => {
    const xml = (await collect(xmlChunks(paged(w.database, 2), { accountId: acme.id, kind: 'user_xml', timeZone: 'UTC' }))).join('');
    expect(XMLValidator.validate(xml)).toBe(true);
    const root = parser.parse(xml).export;
    expect(Object.keys(root).filter((k) => !k.startsWith('@'))).toEqual(['groups', 'organizations', 'users']);
    expect(xml).not.toContain('<ticket');
    expect(xml).not.toContain('<account>');
    expect(root.users.user).toHaveLength(await count('users'));
    expect(txt(root.users.user[0]['created-at'])).toBe('2026-03-02T09:00:00Z');
    expect(xml.toLowerCase()).not.toContain('password');
    expect(xml).not.toContain('Globex');
  });

  it('writes an empty array the way Rails did', async () => {
    const xml = (await collect(xmlChunks(oneBatch(w.database), { accountId: 987654321, kind: 'user_xml', timeZone: 'UTC' }))).join('');
    expect(xml).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<export kind="user_xml">\n  <groups type="array"/>\n  <organizations type="array"/>\n  <users type="array"/>\n</export>\n');
  });
});
