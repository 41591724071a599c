import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketFields } from '../../db/schema/index.ts';
import { createAccount } from '../../runner/core/accounts.ts';
import { createOrganization, deleteOrganization } from '../../runner/core/organizations.ts';
import { createTicket, rateTicket, updateTicket } from '../../runner/core/tickets.ts';
import { buildExport, ExportRefusal, type BuildInput } from '../../runner/exports/build.ts';
import { writeZip } from '../../runner/exports/zip.ts';
import { toActor } from '../../runner/http/auth.ts';
import { onPostgres } from '../helpers/db.ts';
import { createWorld, type World } from '../helpers/world.ts';

let w: World;
const dirs: string[] = [];
beforeAll(async () => { w = await createWorld(); });
afterAll(async () => {
  await w.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => { const d = mkdtempSync(path.join(tmpdir(), 'export-test-')); dirs.push(d); return d; };

const REQUESTED = new Date('2026-03-02T12:00:00Z');
let nextId = 100;

function build(over: Partial<BuildInput> = {}) {
  const dir = tempDir();
  const input: BuildInput = {
    database: w.database, accountId: w.acme.id, exportId: nextId++, type: 'json', dataType: 'tickets', startTime: null, endTime: null,
    dir, requestedAt: REQUESTED, ticketThreshold: 1_000_000, signal: new AbortController().signal, onProgress: () => {}, base: 'http://localhost',
    ...over,
  };
  return { dir, input, run: () => buildExport(input) };
}

/** The ZIP's entries by name, read with Info-ZIP (which reads ZIP64 too). */
function unzip(file: string): Map<string, string> {
  const names = execFileSync('zipinfo', ['-1', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
  return new Map(names.map((n) => [n, execFileSync('unzip', ['-p', file, n], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })]));
}
const ndjson = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
/** Zip64 end of central directory record signature 0x06064b50, little-endian on disk. */
const hasZip64 = (file: string) => readFileSync(file).includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]));

/** RFC 4180 reader, strict: quoted cells, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') { cell += '"'; i += 2; } else if (text[i] === '"') { i++; break; } else cell += text[i++];
      }
    } else if (text[i] === ',') { row.push(cell); cell = ''; i++; } else if (text.startsWith('\r\n', i)) {
      row.push(cell); rows.push(row); row = []; cell = ''; i += 2;
    } else cell += text[i++];
  }
  expect(cell).toBe('');
  expect(row).toEqual([]);
  return rows;
}

const dbNow = async () => new Date((await w.database.rows<{ t: number }>(sql`select (extract(epoch from clock_timestamp()) * 1000)::float8 as t`))[0]!.t);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function apiTicket(id: number) {
  const t = await w.call('GET', `/api/v2/tickets/${id}.json`);
  const c = await w.call('GET', `/api/v2/tickets/${id}/comments.json`);
  return { ticket: t.json.ticket, comments: c.json.comments };
}

describe('JSON export', () => {
  let ids: number[];
  let foreign: number;
  beforeAll(async () => {
    const a = await w.call('POST', '/api/v2/tickets.json', { body: { ticket: { subject: 'Printer', comment: { body: 'It jams' }, requester_id: w.acme.endUser.user.id, tags: ['hw'], priority: 'high' } } });
    const b = await w.call('POST', '/api/v2/tickets.json', { body: { ticket: { subject: 'Login', comment: { body: 'Cannot log in' }, requester_id: w.acme.endUser.user.id } } });
    await w.call('PUT', `/api/v2/tickets/${a.json.ticket.id}.json`, { body: { ticket: { status: 'pending', comment: { body: 'Which model?', public: false } } } });
    const g = await w.call('POST', '/api/v2/tickets.json', { account: w.globex, body: { ticket: { subject: 'Globex secret', comment: { body: 'x' }, requester_id: w.globex.endUser.user.id } } });
    ids = [a.json.ticket.id, b.json.ticket.id];
    foreign = g.json.ticket.id;
  });

  it('writes one {"ticket"} line per ticket, equal to the API with its comments, and nothing of another account', async () => {
    const { dir, run } = build();
    const result = await run();
    expect(result.file.name).toMatch(/^export_2026_03_02_\d+\.zip$/);
    expect(readdirSync(dir)).toEqual([result.file.name]);
    const entries = unzip(path.join(dir, result.file.name));
    expect([...entries.keys()]).toEqual([result.file.name.replace('.zip', '_1.json')]);
    const lines = ndjson([...entries.values()][0]!);
    expect(lines.map((l) => l.ticket.id)).not.toContain(foreign);
    expect(result.rows).toBe(lines.length);
    for (const id of ids) {
      const line = lines.find((l) => l.ticket.id === id)!;
      const api = await apiTicket(id);
      expect(Object.keys(line)).toEqual(['ticket']);
      expect(line.ticket).toEqual({ ...api.ticket, generated_timestamp: expect.any(Number), comments: api.comments });
      expect(line.ticket.comments.length).toBeGreaterThan(0);
      const [g] = await w.database.rows<{ s: number }>(sql`select floor(extract(epoch from generated_at))::float8 as s from tickets where id = ${id}`);
      expect(line.ticket.generated_timestamp).toBe(g!.s);
    }
    expect(hasZip64(path.join(dir, result.file.name))).toBe(true);
  });

  it('exports users and organizations (deleted ones included) as the API shapes them', async () => {
    const kept = await createOrganization(w.db, w.acme.ctx(), { name: 'Kept Org' });
    const gone = await createOrganization(w.db, w.acme.ctx(), { name: 'Gone Org' });
    await deleteOrganization(w.db, w.acme.ctx(), gone.id);
    const orgs = build({ dataType: 'organizations' });
    const o = ndjson([...unzip(path.join(orgs.dir, (await orgs.run()).file.name)).values()][0]!);
    expect(o.map((l) => l.organization.name).sort()).toEqual(['Gone Org', 'Kept Org']);
    const deleted = o.find((l) => l.organization.id === gone.id).organization;
    expect(deleted.deleted_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const api = await w.call('GET', `/api/v2/organizations/${kept.id}.json`);
    expect(o.find((l) => l.organization.id === kept.id).organization).toEqual({ ...api.json.organization, generated_timestamp: expect.any(Number) });

    const us = build({ dataType: 'users' });
    const u = ndjson([...unzip(path.join(us.dir, (await us.run()).file.name)).values()][0]!);
    expect(u.map((l) => l.user.email).sort()).toEqual(['admin@acme.test', 'agent@acme.test', 'erin@customer-acme.test', 'owner@acme.test']);
    const me = await w.call('GET', `/api/v2/users/${w.acme.agent.user.id}.json`);
    expect(u.find((l) => l.user.id === w.acme.agent.user.id).user).toEqual({ ...me.json.user, generated_timestamp: expect.any(Number) });
  });

  it('takes the range on generated_timestamp, not on creation', async () => {
    const mk = async (subject: string) => (await w.call('POST', '/api/v2/tickets.json', { body: { ticket: { subject, comment: { body: subject }, requester_id: w.acme.endUser.user.id } } })).json.ticket.id as number;
    const before = await mk('created before, updated inside');
    const untouched = await mk('created before, never updated');
    await pause(20);
    const start = await dbNow();
    await pause(20);
    await w.call('PUT', `/api/v2/tickets/${before}.json`, { body: { ticket: { priority: 'low' } } });
    const inside = await mk('created inside, updated after');
    await pause(20);
    const end = await dbNow();
    await pause(20);
    await w.call('PUT', `/api/v2/tickets/${inside}.json`, { body: { ticket: { priority: 'urgent' } } });
    const { dir, run } = build({ startTime: start, endTime: end });
    const lines = ndjson([...unzip(path.join(dir, (await run()).file.name)).values()][0]!);
    expect(lines.map((l) => l.ticket.id)).toEqual([before]);
    expect(lines.map((l) => l.ticket.id)).not.toContain(untouched);
  });

  it('leaves out the comments of a ticket over 1 MB, lists it in an errors file, and leaves it out of the CSV', async () => {
    const t = await w.call('POST', '/api/v2/tickets.json', { body: { ticket: { subject: 'Huge', comment: { body: 'short' }, requester_id: w.acme.endUser.user.id } } });
    const id = t.json.ticket.id as number;
    // The API caps a comment at 64 KB; imported or older data is not bound by it, so the domain function writes it.
    await updateTicket(w.db, w.acme.ctx(), id, { comment: { body: 'x'.repeat(1_100_000) } });
    const { dir, run } = build();
    const result = await run();
    expect(result.oversized).toBe(1);
    const entries = unzip(path.join(dir, result.file.name));
    const base = result.file.name.replace('.zip', '');
    expect([...entries.keys()]).toEqual([`${base}_1.json`, `${base}_errors.json`]);
    const line = ndjson(entries.get(`${base}_1.json`)!).find((l) => l.ticket.id === id);
    expect(line.ticket.comments).toEqual([]);
    expect(line.ticket.subject).toBe('Huge');
    expect(ndjson(entries.get(`${base}_errors.json`)!)).toEqual([{ ticket_id: id, error: "The ticket's comments were left out because its data exceeds the 1 MB limit" }]);

    const csv = build({ type: 'csv', dataType: null });
    const rows = parseCsv([...unzip(path.join(csv.dir, (await csv.run()).file.name)).values()][0]!);
    expect(rows.map((r) => r[0])).not.toContain(String(id));
    expect(rows.map((r) => r[0])).toContain(String(ids[0]));
  });
});

/** SPEC E11, written out from its text. */
const SPEC_COLUMNS = ['ID', 'Requester', 'Requester ID', 'Requester external id', 'Requester email', 'Requester domain', 'Submitter', 'Assignee',
  'Group', 'Subject', 'Tags', 'Status', 'Priority', 'Via', 'Ticket type', 'Created at', 'Updated at', 'Assigned at', 'Organization', 'Due date',
  'Initially assigned at', 'Solved at', 'Resolution time', 'Satisfaction Score', 'Group stations', 'Assignee stations', 'Reopens', 'Replies',
  'First reply time in minutes', 'First reply time in minutes within business hours', 'First resolution time in minutes',
  'First resolution time in minutes within business hours', 'Full resolution time in minutes', 'Full resolution time in minutes within business hours',
  'Agent wait time in minutes', 'Agent wait time in minutes within business hours', 'Requester wait time in minutes',
  'Requester wait time in minutes within business hours', 'On hold time in minutes', 'On hold time in minutes within business hours'];

describe('CSV export', () => {
  let solved: number;
  let tricky: number;
  let formula: number;
  let header: string[];
  let rows: Map<string, Record<string, string>>;
  let raw: string;
  beforeAll(async () => {
    const field = (type: 'text' | 'textarea' | 'multiselect' | 'date' | 'tagger' | 'integer', title: string, position: number, active = true) =>
      w.db.insert(ticketFields).values({ accountId: w.acme.id, type, title, position, active, customFieldOptions: type === 'tagger' ? [{ name: 'Gold', value: 'gold' }] : [] }).returning();
    const [order] = await field('text', 'Order number', 1);
    await field('textarea', 'Notes', 2);
    await field('multiselect', 'Products', 3);
    await field('date', 'Renewal', 4);
    const [plan] = await field('tagger', 'Plan', 5);
    await field('integer', 'Retired', 6, false);
    await w.db.execute(sql`update users set external_id = 'ext-9' where id = ${w.acme.endUser.user.id}`);
    // The world's clock: 2026-03-02T09:00:00Z, 10:00 in Paris (the account's zone).
    const t = await w.call('POST', '/api/v2/tickets.json', { body: { ticket: {
      subject: 'Solved one', comment: { body: 'Help' }, requester_id: w.acme.endUser.user.id, assignee_id: w.acme.agent.user.id, type: 'incident',
      tags: ['a', 'b'], custom_fields: [{ id: order!.id, value: 'A-1' }, { id: plan!.id, value: 'gold' }],
    } } });
    solved = t.json.ticket.id;
    w.clock.advance(90 * 60_000);
    await w.call('PUT', `/api/v2/tickets/${solved}.json`, { as: w.acme.agent, body: { ticket: { status: 'solved', comment: { body: 'Fixed' } } } });
    await rateTicket(w.db, w.acme.ctx(w.acme.endUser), solved, 'good');
    tricky = (await w.call('POST', '/api/v2/tickets.json', { body: { ticket: { subject: 'Comma, "quote"\nand newline', comment: { body: 'x' }, requester_id: w.acme.endUser.user.id } } })).json.ticket.id;
    formula = (await w.call('POST', '/api/v2/tickets.json', { body: { ticket: { subject: '=HYPERLINK("http://evil.test","click")', comment: { body: 'x' }, requester_id: w.acme.endUser.user.id } } })).json.ticket.id;
    await w.call('POST', '/api/v2/tickets.json', { account: w.globex, body: { ticket: { subject: 'Globex CSV', comment: { body: 'x' }, requester_id: w.globex.endUser.user.id } } });
    const { dir, run } = build({ type: 'csv', dataType: null });
    const result = await run();
    expect(hasZip64(path.join(dir, result.file.name))).toBe(true);
    const entries = unzip(path.join(dir, result.file.name));
    expect([...entries.keys()]).toEqual([result.file.name.replace('.zip', '_1.csv')]);
    raw = [...entries.values()][0]!;
    const [h, ...body] = parseCsv(raw);
    header = h!;
    rows = new Map(body.map((r) => [r[0]!, Object.fromEntries(header.map((k, i) => [k, r[i]!]))]));
  });

  it('has the SPEC columns in order, then the allowed custom fields', () => {
    expect(header).toEqual([...SPEC_COLUMNS, 'Order number', 'Plan']);
    expect(raw.endsWith('\r\n')).toBe(true);
  });

  it('writes names, dates in the account zone and the stored metrics', async () => {
    const r = rows.get(String(solved))!;
    const m = (await w.call('GET', `/api/v2/tickets/${solved}/metrics.json`)).json.ticket_metric;
    expect(r).toMatchObject({
      Requester: 'Erin Enduser', 'Requester ID': String(w.acme.endUser.user.id), 'Requester external id': 'ext-9',
      'Requester email': 'erin@customer-acme.test', 'Requester domain': 'customer-acme.test', Submitter: 'Olivia Owner', Assignee: 'Alex Agent',
      Subject: 'Solved one', Tags: 'a b', Status: 'Solved', Via: 'api', 'Ticket type': 'Incident', 'Created at': '2026-03-02 10:00:00',
      'Solved at': '2026-03-02 11:30:00', 'Satisfaction Score': 'Good', 'Order number': 'A-1', Plan: 'gold',
      'Resolution time': String(Math.round(m.full_resolution_time_in_minutes.calendar / 60)),
      'Group stations': String(m.group_stations), 'Assignee stations': String(m.assignee_stations), Reopens: String(m.reopens), Replies: String(m.replies),
      'First reply time in minutes': String(m.reply_time_in_minutes.calendar ?? ''),
      'First reply time in minutes within business hours': String(m.reply_time_in_minutes.business ?? ''),
      'Full resolution time in minutes': String(m.full_resolution_time_in_minutes.calendar),
      'Full resolution time in minutes within business hours': String(m.full_resolution_time_in_minutes.business ?? ''),
      'Requester wait time in minutes': String(m.requester_wait_time_in_minutes.calendar ?? ''),
      'On hold time in minutes': String(m.on_hold_time_in_minutes.calendar ?? ''),
    });
    expect(m.full_resolution_time_in_minutes.calendar).toBe(90);
    expect(rows.get(String(tricky))!['Satisfaction Score']).toBe('Not Offered');
  });

  it('round-trips commas, quotes and newlines, neutralises formulas, and holds no other account', () => {
    expect(rows.get(String(tricky))!.Subject).toBe('Comma, "quote"\nand newline');
    expect(rows.get(String(formula))!.Subject).toBe(`'=HYPERLINK("http://evil.test","click")`);
    expect(raw).not.toContain('Globex CSV');
  });
});

describe('XML export', () => {
  it('is a classic ZIP32 holding export_…_1.xml', async () => {
    const { dir, run } = build({ type: 'xml', dataType: null });
    const result = await run();
    const file = path.join(dir, result.file.name);
    expect(hasZip64(file)).toBe(false);
    const entries = unzip(file);
    expect([...entries.keys()]).toEqual([result.file.name.replace('.zip', '_1.xml')]);
    const xml = [...entries.values()][0]!;
    expect(xml.startsWith('<?xml')).toBe(true);
    expect(xml).toContain('<ticket>');
    expect(xml).not.toContain('Globex');
    expect(result.rows).toBeGreaterThan(0);
  });

  it('refuses, with no file left, an archive that would pass the ZIP32 limits', async () => {
    const dir = tempDir();
    const write = writeZip({ dir, name: 'big.zip', zip64: false, date: REQUESTED, signal: new AbortController().signal, zip32Limit: 1000 },
      (z) => z.entry('big.xml', (async function* () { for (let i = 0; i < 10; i++) yield 'x'.repeat(200); })()));
    await expect(write).rejects.toBeInstanceOf(ExportRefusal);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('large accounts and interruptions', () => {
  let large: { id: number; ids: number[] };
  beforeAll(async () => {
    const { account, owner } = await createAccount(w.db, w.clock, { subdomain: 'initech', name: 'Initech', timeZone: 'UTC', owner: { name: 'Bill', email: 'bill@initech.test', password: 'bill-password' } });
    const ctx = { accountId: account.id, actor: toActor(owner), clock: w.clock };
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createTicket(w.db, ctx, { subject: `Old ${i}`, comment: { body: 'b' }, requester_id: owner.id })).id);
    // Five tickets over 70 days: days 0, 20, 40, 60 and 70 after 2025-01-01.
    for (const [i, day] of [0, 20, 40, 60, 70].entries()) {
      await w.db.execute(sql`update tickets set generated_at = timestamptz '2025-01-01T00:00:00Z' + ${day} * interval '1 day' where id = ${ids[i]!}`);
    }
    large = { id: account.id, ids };
  });

  it('above the threshold, exports JSON in 31-day parts and refuses CSV and XML', async () => {
    const { dir, run } = build({ accountId: large.id, ticketThreshold: 3 });
    const result = await run();
    const entries = unzip(path.join(dir, result.file.name));
    const base = result.file.name.replace('.zip', '');
    expect([...entries.keys()]).toEqual([1, 2, 3].map((n) => `${base}_${n}.json`));
    const parts = [...entries.values()].map((e) => ndjson(e).map((l) => l.ticket.id));
    expect(parts).toEqual([[large.ids[0], large.ids[1]], [large.ids[2], large.ids[3]], [large.ids[4]]]);
    for (const type of ['csv', 'xml'] as const) {
      const refused = build({ accountId: large.id, ticketThreshold: 3, type, dataType: null });
      await expect(refused.run()).rejects.toThrow(ExportRefusal);
      await expect(refused.run()).rejects.toThrow(/more than 3 tickets: only JSON exports are available, in 31-day parts/);
      expect(readdirSync(refused.dir)).toEqual([]);
    }
  });

  it('an abort mid-build leaves neither a .zip nor a .part file', async () => {
    const controller = new AbortController();
    const { dir, run } = build({ accountId: large.id, signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run()).rejects.toThrow();
    expect(controller.signal.aborted).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe.runIf(onPostgres())('snapshot on PostgreSQL', () => {
  it('shows a ticket updated while the export streams as it was at the snapshot', async () => {
    const { account, owner } = await createAccount(w.db, w.clock, { subdomain: 'snap', name: 'Snap', owner: { name: 'Sam', email: 'sam@snap.test', password: 'sam-password' } });
    const inserted = await w.database.rows<{ id: string }>(sql`
      insert into tickets (account_id, subject, description, requester_id, submitter_id)
      select ${account.id}, 'Before ' || g, 'body', ${owner.id}, ${owner.id} from generate_series(1, 2500) g returning id`);
    const last = Math.max(...inserted.map((r) => Number(r.id)));
    let updatedAt: Date | null = null;
    const { dir, run } = build({
      accountId: account.id,
      onProgress: async () => {
        if (updatedAt) return;
        await w.db.execute(sql`update tickets set subject = 'After', generated_at = clock_timestamp() where id = ${last}`);
        updatedAt = await dbNow();
      },
    });
    const result = await run();
    expect(updatedAt).not.toBeNull();
    expect(result.snapshotAt.getTime()).toBeLessThan(updatedAt!.getTime());
    const lines = ndjson([...unzip(path.join(dir, result.file.name)).values()][0]!);
    expect(lines).toHaveLength(2500);
    expect(lines.find((l) => l.ticket.id === last).ticket.subject).toBe('Before 2500');
  });
});
