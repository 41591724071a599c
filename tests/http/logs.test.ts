import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrationLogs, jobs, type IntegrationLog, type Job } from '../../db/schema/index.ts';
import { authenticate, tenancy } from '../../runner/http/auth.ts';
import { logRoutes } from '../../runner/http/routes/logs.ts';
import type { AppEnv } from '../../runner/http/types.ts';
import { createWorld, type Persona, type TestAccount, type World } from '../helpers/world.ts';

let w: World;
beforeAll(async () => { w = await createWorld(); });
afterAll(async () => { await w.close(); });

const LOGS = '/api/v2/integrations/logs';
const HOUR = 3600_000;
const at = (iso: string, plusMs = 0) => new Date(Date.parse(iso) + plusMs);

type NewLog = Partial<typeof integrationLogs.$inferInsert>;
/** Rows default to a minute ago: inside the default window, which ends (exclusive) at now. */
async function insertLogs(rows: NewLog[], account: TestAccount = w.acme): Promise<IntegrationLog[]> {
  return w.db.insert(integrationLogs).values(rows.map((r) => ({
    accountId: account.id, ts: new Date(w.clock.now().getTime() - 60_000), product: 'salesforce', status: 'info' as const, description: 'Synced', ...r,
  }))).returning();
}

async function insertJob(state: Job['state'], over: Partial<typeof jobs.$inferInsert> = {}): Promise<Job> {
  const [job] = await w.db.insert(jobs).values({
    accountId: w.acme.id, kind: 'event', name: 'ticket.updated', connectorId: 'salesforce', state, attempts: 8, maxAttempts: 8,
    lastError: state === 'dead' ? { message: 'Salesforce answered 503', status: 503 } : null, ...over,
  }).returning();
  return job!;
}

const query = (params: Record<string, string | number>) => new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
const list = (params: Record<string, string | number>, opts: Parameters<World['call']>[2] = {}) => w.call('GET', `${LOGS}?${query(params)}`, opts);
const ids = (res: { json: { logs: { id: number }[] } }) => res.json.logs.map((l) => l.id);
/** API order: newest first, the higher id first within one millisecond. */
const newestFirst = (rows: IntegrationLog[]) => [...rows].sort((a, b) => b.ts.getTime() - a.ts.getTime() || b.id - a.id).map((r) => r.id);

/** Follows `links.next` to the end, as a client would; returns every row in the order received. */
async function walk(firstPath: string, between?: () => Promise<void>) {
  const rows: any[] = [];
  let path: string | null = firstPath;
  let pages = 0;
  while (path) {
    const res = await w.call('GET', path);
    expect(res.status).toBe(200);
    rows.push(...res.json.logs);
    expect(res.json.meta.has_more).toBe(res.json.links.next !== null);
    path = res.json.links.next ? new URL(res.json.links.next).pathname + new URL(res.json.links.next).search : null;
    pages++;
    await between?.();
  }
  return { rows, pages };
}

// One day of activity used by the filter tests; nothing else is written inside this window.
const DAY = '2026-02-10T00:00:00.000Z';
const DAY_END = '2026-02-11T00:00:00.000Z';
let day: Record<string, IntegrationLog>;

beforeAll(async () => {
  const named = {
    atStart: { ts: at(DAY), product: 'salesforce', description: 'Ticket 101 synced to case 5001', details: { case_id: '5001' }, ticketId: 101 },
    lockError: { ts: at(DAY, 1 * HOUR), product: 'salesforce', status: 'error' as const, description: 'Case update failed', details: { error: { message: 'UNABLE_TO_LOCK_ROW gateway timeout' } }, ticketId: 101 },
    delayed: { ts: at(DAY, 2 * HOUR), product: 'shopify', status: 'warning' as const, description: 'Order 1234 fulfillment delayed', details: { order: 1234 }, ticketId: 102 },
    badEmail: { ts: at(DAY, 3 * HOUR), product: 'shopify', status: 'error' as const, description: 'Customer sync failed: invalid email' },
    apiCall: { ts: at(DAY, 4 * HOUR), product: 'bot-api', status: 'debug' as const, description: 'Make an API call', details: { method: 'GET', status: 200 } },
    delivery: { ts: at(DAY, 5 * HOUR), product: 'sunshine', status: 'error' as const, description: 'Messaging delivery failed', details: { channel: 'whatsapp' } },
    sameMsA: { ts: at(DAY, 6 * HOUR), product: 'actions', description: 'Auto assist suggestion' },
    sameMsB: { ts: at(DAY, 6 * HOUR), product: 'actions', description: 'Auto assist suggestion applied' },
    atEnd: { ts: at(DAY_END), product: 'salesforce', status: 'error' as const, description: 'Next day failed' },
    justBefore: { ts: at(DAY, -1), product: 'salesforce', status: 'error' as const, description: 'Previous day failed' },
  };
  const rows = await insertLogs(Object.values(named));
  day = Object.fromEntries(Object.keys(named).map((k, i) => [k, rows[i]!]));
  // Another account's rows in the same window, matching every filter used below.
  await insertLogs([
    { ts: at(DAY, 1 * HOUR), product: 'salesforce', status: 'error', description: 'Case update failed gateway', ticketId: 101 },
    { ts: at(DAY, 3 * HOUR), product: 'shopify', status: 'error', description: 'Customer sync failed' },
  ], w.globex);
});

const inDay = (params: Record<string, string | number> = {}, opts: Parameters<World['call']>[2] = {}) => list({ start_time: DAY, end_time: DAY_END, ...params }, opts);

describe('GET /api/v2/integrations/logs — filters', () => {
  it('the window includes start_time and excludes end_time, newest first, id breaking ties', async () => {
    const res = await inDay();
    expect(res.status).toBe(200);
    const { atStart, lockError, delayed, badEmail, apiCall, delivery, sameMsA, sameMsB } = day;
    expect(ids(res)).toEqual([sameMsB, sameMsA, delivery, apiCall, badEmail, delayed, lockError, atStart].map((r) => r!.id));
    expect(res.json.meta).toEqual({ has_more: false, after_cursor: expect.any(String) });
    expect(res.json.links.next).toBeNull();
  });

  it('answers rows in the documented shape', async () => {
    const row = (await inDay({ ticket_id: 101, status: 'error' })).json.logs[0];
    expect(row).toEqual({
      id: day.lockError!.id, url: `http://localhost${LOGS}/${day.lockError!.id}.json`, timestamp: '2026-02-10T01:00:00.000Z',
      product: 'salesforce', status: 'error', description: 'Case update failed',
      details: { error: { message: 'UNABLE_TO_LOCK_ROW gateway timeout' } }, ticket_id: 101, job_id: null,
    });
  });

  it('accepts epoch seconds and ISO offsets for the window', async () => {
    const epoch = await list({ start_time: Date.parse(DAY) / 1000, end_time: Date.parse(DAY) / 1000 + 3 * 3600 });
    expect(ids(epoch)).toEqual([day.delayed!.id, day.lockError!.id, day.atStart!.id]);
    const offset = await list({ start_time: '2026-02-10T03:00:00+02:00', end_time: '2026-02-10T02:00:00.001' });
    expect(ids(offset)).toEqual([day.delayed!.id, day.lockError!.id]);
  });

  it('filters on a product or a list of products, exact names only', async () => {
    expect(ids(await inDay({ product: 'shopify' }))).toEqual([day.badEmail!.id, day.delayed!.id]);
    expect(ids(await inDay({ product: 'shopify,sunshine' }))).toEqual([day.delivery!.id, day.badEmail!.id, day.delayed!.id]);
    expect(ids(await inDay({ product: 'shop' }))).toEqual([]);
  });

  it('filters on a status or a list of statuses', async () => {
    expect(ids(await inDay({ status: 'error' }))).toEqual([day.delivery!.id, day.badEmail!.id, day.lockError!.id]);
    expect(ids(await inDay({ status: 'warning,debug' }))).toEqual([day.apiCall!.id, day.delayed!.id]);
  });

  it('combines product and status', async () => {
    expect(ids(await inDay({ product: 'shopify', status: 'error' }))).toEqual([day.badEmail!.id]);
    expect(ids(await inDay({ product: 'shopify,salesforce', status: 'error,warning' }))).toEqual([day.badEmail!.id, day.delayed!.id, day.lockError!.id]);
  });

  it('filters on ticket_id, alone and with a status', async () => {
    expect(ids(await inDay({ ticket_id: 101 }))).toEqual([day.lockError!.id, day.atStart!.id]);
    expect(ids(await inDay({ ticket_id: 101, status: 'error' }))).toEqual([day.lockError!.id]);
    expect(ids(await inDay({ ticket_id: 999 }))).toEqual([]);
  });

  it('free text: every word must match, the last one as a prefix, in the description or the details', async () => {
    expect(ids(await inDay({ q: 'failed' }))).toEqual([day.delivery!.id, day.badEmail!.id, day.lockError!.id]);
    expect(ids(await inDay({ q: 'failed customer' }))).toEqual([day.badEmail!.id]);
    expect(ids(await inDay({ q: 'gateway' }))).toEqual([day.lockError!.id]);
    expect(ids(await inDay({ q: 'delivery whats' }))).toEqual([day.delivery!.id]);
    expect(ids(await inDay({ q: 'FULFIL' }))).toEqual([day.delayed!.id]);
    expect(ids(await inDay({ q: 'order fulfil' }))).toEqual([day.delayed!.id]);
    // Only the last word is a prefix.
    expect(ids(await inDay({ q: 'fulfil delayed' }))).toEqual([]);
    expect(ids(await inDay({ q: 'failed', product: 'shopify' }))).toEqual([day.badEmail!.id]);
  });

  it('free text is data, never syntax', async () => {
    for (const q of ["'); drop table integration_logs; --", 'failed & | ! :* <->', "o'brien\\", '((failed']) {
      const res = await inDay({ q });
      expect(res.status, q).toBe(200);
    }
    expect(ids(await inDay({ q: 'failed & customer' }))).toEqual([day.badEmail!.id]);
    expect((await inDay()).json.logs).toHaveLength(8);
  });

  it('defaults to the 7 days up to now', async () => {
    const now = w.clock.now().getTime();
    const [recent, old, future] = await insertLogs([
      { ts: new Date(now - HOUR), product: 'window-probe' },
      { ts: new Date(now - 7 * 24 * HOUR - 1), product: 'window-probe' },
      { ts: new Date(now + 1), product: 'window-probe' },
    ]);
    expect(ids(await list({ product: 'window-probe' }))).toEqual([recent!.id]);
    expect(ids(await list({ product: 'window-probe', end_time: new Date(now + HOUR).toISOString() }))).toEqual([future!.id, recent!.id]);
    // Without start_time the window is the week before end_time.
    expect(ids(await list({ product: 'window-probe', end_time: new Date(now - 7 * 24 * HOUR).toISOString() }))).toEqual([old!.id]);
  });
});

describe('access and accounts', () => {
  const paths = [LOGS, `${LOGS}/products`, `${LOGS}/export?format=csv`, `${LOGS}/stream`];

  it('agents and end-users get 403, anonymous callers 401, on every log endpoint', async () => {
    for (const path of [...paths, `${LOGS}/${day.atStart!.id}`]) {
      expect((await w.call('GET', path, { as: w.acme.agent })).status, path).toBe(403);
      expect((await w.call('GET', path, { as: w.acme.endUser })).status, path).toBe(403);
      expect((await w.call('GET', path, { as: null })).status, path).toBe(401);
    }
    const retry = `${LOGS}/${day.atStart!.id}/retry`;
    expect((await w.call('POST', retry, { as: w.acme.agent })).status).toBe(403);
    expect((await w.call('POST', retry, { as: null })).status).toBe(401);
  });

  it('an admin who is not the owner may read the log', async () => {
    expect(ids(await inDay({ ticket_id: 101 }, { as: w.acme.admin }))).toHaveLength(2);
  });

  it("another account's rows are never listed, and their ids answer 404", async () => {
    const globexRows = ids(await list({ start_time: DAY, end_time: DAY_END }, { account: w.globex, as: w.globex.admin }));
    expect(globexRows).toHaveLength(2);
    const acmeRows = ids(await inDay());
    expect(acmeRows.filter((id) => globexRows.includes(id))).toEqual([]);
    const missing = await w.call('GET', `${LOGS}/999999999`);
    const foreign = await w.call('GET', `${LOGS}/${globexRows[0]}`);
    expect(foreign.status).toBe(404);
    expect(foreign.json).toEqual(missing.json);
    expect((await w.call('POST', `${LOGS}/${globexRows[0]}/retry`)).status).toBe(404);
    expect((await w.call('GET', `${LOGS}/${globexRows[0]}`, { account: w.globex, as: w.globex.admin })).status).toBe(200);
  });
});

describe('validation', () => {
  const cases: [Record<string, string>, string][] = [
    [{ start_time: 'yesterday' }, 'start_time'],
    [{ end_time: '2026-02-30T00:00:00Z' }, 'end_time'],
    [{ end_time: '2026-03-01T25:00:00Z' }, 'end_time'],
    [{ start_time: DAY_END, end_time: DAY }, 'start_time'],
    [{ start_time: DAY, end_time: DAY }, 'start_time'],
    [{ status: 'fatal' }, 'status'],
    [{ status: 'error,fatal' }, 'status'],
    [{ product: ',' }, 'product'],
    [{ 'page[size]': '0' }, 'page[size]'],
    [{ 'page[size]': '101' }, 'page[size]'],
    [{ 'page[size]': 'ten' }, 'page[size]'],
    [{ 'page[after]': 'not-a-cursor' }, 'page[after]'],
    [{ ticket_id: '0' }, 'ticket_id'],
    [{ ticket_id: '-3' }, 'ticket_id'],
    [{ ticket_id: '1.5' }, 'ticket_id'],
    [{ q: 'x'.repeat(201) }, 'q'],
  ];
  it.each(cases)('%o → 400 naming %s', async (params, name) => {
    const res = await list(params);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: expect.any(String), description: expect.stringContaining(name), details: { [name]: [expect.objectContaining({ description: expect.any(String) })] } });
  });

  it('empty parameters, as a form sends them, mean "not given"', async () => {
    const res = await list({ start_time: '', end_time: '', product: '', status: '', q: '', ticket_id: '', 'page[size]': '', 'page[after]': '' });
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual(ids(await list({})));
  });

  it('a q of 200 characters is accepted', async () => {
    expect((await list({ q: 'x'.repeat(200) })).status).toBe(200);
  });

  it('export and products validate the same way', async () => {
    expect((await w.call('GET', `${LOGS}/export?format=xml`)).json.details).toHaveProperty('format');
    expect((await w.call('GET', `${LOGS}/export?status=fatal`)).status).toBe(400);
    expect((await w.call('GET', `${LOGS}/products?start_time=${DAY_END}&end_time=${DAY}`)).json.details).toHaveProperty('start_time');
  });
});

describe('pagination', () => {
  const START = '2026-01-20T00:00:00.000Z';
  const window = { start_time: START, end_time: '2026-01-21T00:00:00.000Z' };
  let rows: IntegrationLog[];
  beforeAll(async () => {
    // 237 rows, three to a millisecond, so pages often end in the middle of a tie.
    rows = await insertLogs(Array.from({ length: 237 }, (_, i) => ({ ts: at(START, Math.floor(i / 3) * 1000), product: 'paging', description: `row ${i}` })));
  });

  it('walking every page returns every row exactly once, in order', async () => {
    const { rows: seen, pages } = await walk(`${LOGS}?${query({ ...window, product: 'paging', 'page[size]': 25 })}`);
    expect(pages).toBe(10);
    expect(seen.map((r) => r.id)).toEqual(newestFirst(rows));
  });

  it('pages default to 50 rows and keep the filters in links.next', async () => {
    const first = await list({ ...window, product: 'paging', status: 'info' });
    expect(first.json.logs).toHaveLength(50);
    const next = new URL(first.json.links.next);
    expect(next.searchParams.get('product')).toBe('paging');
    expect(next.searchParams.get('status')).toBe('info');
    expect(next.searchParams.get('page[after]')).toBe(first.json.meta.after_cursor);
  });

  it('rows written while a client walks the pages neither repeat nor hide the rows that were there', async () => {
    const now = w.clock.now().getTime();
    const before = await insertLogs(Array.from({ length: 120 }, (_, i) => ({ ts: new Date(now - 3 * HOUR + Math.floor(i / 2) * 60_000), product: 'moving' })));
    let n = 0;
    // Between pages: a newer row, a row in the middle of what is left, and one at the same ms as an existing row.
    const writeMore = async () => {
      n++;
      await insertLogs([
        { ts: new Date(now - 10 * 60_000 + n), product: 'moving' },
        { ts: new Date(now - 3 * HOUR + 30 * 60_000 + n), product: 'moving' },
        { ts: before[n]!.ts, product: 'moving' },
      ]);
    };
    const { rows: seen } = await walk(`${LOGS}?${query({ product: 'moving', 'page[size]': 20 })}`, writeMore);
    const seenIds = seen.map((r) => r.id);
    expect(new Set(seenIds).size).toBe(seenIds.length);
    const old = new Set(before.map((r) => r.id));
    expect(seenIds.filter((id) => old.has(id))).toEqual(newestFirst(before));
  });
});

describe('GET /api/v2/integrations/logs/products (SPEC L5)', () => {
  it('lists only the products with errors in the window, by name, with their error count', async () => {
    const res = await w.call('GET', `${LOGS}/products?${query({ start_time: DAY, end_time: DAY_END })}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ products: [{ name: 'salesforce', error_count: 1, error_count_capped: false }, { name: 'shopify', error_count: 1, error_count_capped: false }, { name: 'sunshine', error_count: 1, error_count_capped: false }] });
  });

  it('counts errors up to 1,000 per product and says when there are more', async () => {
    const start = '2026-01-10T00:00:00Z', end = '2026-01-11T00:00:00Z';
    await w.db.execute(sql`insert into integration_logs (ts, account_id, product, status, description)
      select ${start}::timestamptz + n * interval '1 second', ${w.acme.id}, 'bulk', 'error', 'Bulk failure ' || n from generate_series(1, 1001) n`);
    const res = await w.call('GET', `${LOGS}/products?${query({ start_time: start, end_time: end })}`);
    expect(res.json).toEqual({ products: [{ name: 'bulk', error_count: 1000, error_count_capped: true }] });
  });

  it('is empty when the window has no errors', async () => {
    const res = await w.call('GET', `${LOGS}/products?${query({ start_time: '2026-01-20T00:00:00Z', end_time: '2026-01-21T00:00:00Z' })}`);
    expect(res.json).toEqual({ products: [] });
  });
});

/** Basic auth headers of a persona, for requests that `call()` cannot make (streams). */
const authHeaders = (p: Persona, account: TestAccount = w.acme) => ({
  'x-deskbridge-account': account.subdomain,
  authorization: `Basic ${Buffer.from(`${p.user.email}/token:${p.token}`).toString('base64')}`,
});

/** Reads a text/event-stream body and lets a test wait for what it expects. */
function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const events = () => text.split('\n\n').filter((block) => block.includes('event: log')).map((block) => {
    const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
    return { id: field('id'), data: JSON.parse(field('data') ?? 'null') };
  });
  async function until(done: (text: string) => boolean, ms = 5_000) {
    const deadline = Date.now() + ms;
    while (!done(text)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`stream did not deliver in time; got:\n${text}`);
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([reader.read(), new Promise<null>((r) => { timer = setTimeout(() => r(null), left); })]);
      clearTimeout(timer);
      if (chunk?.done) throw new Error(`stream ended; got:\n${text}`);
      if (chunk?.value) text += decoder.decode(chunk.value, { stream: true });
    }
  }
  return { events, until, text: () => text, cancel: () => reader.cancel() };
}

async function subscribe(app: { request: World['app']['request'] }, path: string, persona: Persona = w.acme.admin) {
  const res = await app.request(`http://localhost${path}`, { headers: authHeaders(persona) });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const sse = sseReader(res.body!);
  await sse.until((t) => t.includes(': ready'));
  return sse;
}

describe('GET /api/v2/integrations/logs/stream (live tail, B3)', () => {
  it('sends rows that appear after subscribing, including a late-committed older one, and nothing else', async () => {
    const t0 = Date.parse('2026-03-02T08:50:00Z');
    const [existing] = await insertLogs([{ ts: new Date(t0), product: 'tail' }]);
    const sse = await subscribe(w.app, `${LOGS}/stream?product=tail`);
    try {
      const [fresh] = await insertLogs([{ ts: new Date(t0 + 10_000), product: 'tail', description: 'fresh' }]);
      await insertLogs([{ ts: new Date(t0 + 11_000), product: 'tail' }], w.globex);
      await insertLogs([{ ts: new Date(t0 + 12_000), product: 'not-tail' }]);
      await sse.until(() => sse.events().length >= 1);
      // Written by a slower process: an older ts than the row already sent, inside the look-back.
      const [late] = await insertLogs([{ ts: new Date(t0 + 8_000), product: 'tail', description: 'late' }]);
      await sse.until(() => sse.events().length >= 2);
      await new Promise((r) => setTimeout(r, 1_200)); // two more polls: nothing else may arrive
      expect(sse.events().map((e) => e.id)).toEqual([String(fresh!.id), String(late!.id)]);
      expect(sse.events().map((e) => e.data.id)).not.toContain(existing!.id);
      const shown = await w.call('GET', `${LOGS}/${fresh!.id}`);
      expect(sse.events()[0]!.data).toEqual(shown.json.log);
    } finally {
      await sse.cancel();
    }
  });

  it('sends a heartbeat comment and leaves no timer behind once the client goes away', async () => {
    const deps = { database: w.database, config: w.config, clock: w.clock };
    const app = new Hono<AppEnv>().use('*', tenancy(deps), authenticate(deps))
      // A long poll interval: a sleep that outlived the client would still be pending when checked.
      // heartbeatMs 0: the first poll sends one, however fast it is (with 1 ms, a sub-millisecond poll sent none for 10 s).
      .route(LOGS, logRoutes(deps, { pollMs: 10_000, heartbeatMs: 0 }));
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const tick = () => new Promise((r) => setTimeout(r, 20));
    const settles = async (done: () => boolean) => {
      for (const deadline = Date.now() + 2_000; !done() && Date.now() < deadline;) await tick();
      return done();
    };
    // Short timers of earlier tests may still be pending: wait until the count holds still for 500 ms.
    let idle = timers();
    for (let since = Date.now(); Date.now() - since < 500; await tick()) {
      if (timers() !== idle) { idle = timers(); since = Date.now(); }
    }
    const sse = await subscribe(app, `${LOGS}/stream?product=heartbeat`);
    try {
      await sse.until((t) => t.includes(': heartbeat'));
      expect(await settles(() => timers() > idle), 'the tail sleeps on a timer between polls').toBe(true);
    } finally {
      await sse.cancel();
    }
    expect(await settles(() => timers() === idle), 'no timer is left once the client has gone').toBe(true);
  });
});

/** RFC 4180: quoted cells may hold commas, doubled quotes and line breaks; records end with CRLF. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') cell += ch;
      else if (text[i + 1] === '"') { cell += '"'; i++; } else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { record.push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  expect(cell === '' && record.length === 0, 'the file ends with a complete record').toBe(true);
  return records;
}

describe('GET /api/v2/integrations/logs/export (B1)', () => {
  const START = '2026-01-25T00:00:00.000Z';
  const window = { start_time: START, end_time: '2026-01-26T00:00:00.000Z' };
  let tricky: IntegrationLog[];
  beforeAll(async () => {
    tricky = await insertLogs([
      { ts: at(START, 1), product: 'export', status: 'error', description: '=HYPERLINK("http://evil.test","click")', ticketId: 7, jobId: 70 },
      { ts: at(START, 2), product: 'export', description: 'comma, "quotes"\nand a new line', details: { note: 'say "hi", then\r\nleave', n: 1 } },
      { ts: at(START, 3), product: 'export', status: 'warning', description: '-2+3', details: {} },
      { ts: at(START, 4), product: '@export', description: '\tTabbed' },
      { ts: at(START, 5), product: 'export', description: 'Plain' },
    ]);
    await insertLogs([{ ts: at(START, 6), product: 'export', description: 'globex' }], w.globex);
  });

  async function apiRows(params: Record<string, string | number>) {
    return (await walk(`${LOGS}?${query({ ...params, 'page[size]': 100 })}`)).rows;
  }

  it('CSV holds the same rows as the API for the same filter, field by field, with formulas neutralised', async () => {
    const params = { ...window, product: 'export,@export' };
    const res = await w.app.request(`http://localhost${LOGS}/export?${query({ ...params, format: 'csv' })}`, { headers: authHeaders(w.acme.admin) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="integration-log-20260125T000000Z-20260126T000000Z.csv"');
    const [header, ...records] = parseCsv(await res.text());
    expect(header).toEqual(['timestamp', 'product', 'status', 'description', 'ticket_id', 'job_id', 'details']);
    const api = await apiRows(params);
    expect(api).toHaveLength(5);
    const neutral = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
    expect(records).toEqual(api.map((r) => [
      r.timestamp, neutral(r.product), r.status, neutral(r.description), r.ticket_id?.toString() ?? '', r.job_id?.toString() ?? '', JSON.stringify(r.details),
    ]));
    const formula = records.find((rec) => rec[3]!.includes('HYPERLINK'))!;
    expect(formula[3]).toBe(`'=HYPERLINK("http://evil.test","click")`);
    expect(records.map((rec) => rec[3]!.charAt(0))).not.toContain('=');
    expect(records.find((rec) => rec[3] === '\'-2+3')).toBeDefined();
    expect(JSON.parse(records.find((rec) => rec[3]!.startsWith('comma'))![6]!)).toEqual(tricky[1]!.details);
  });

  it('NDJSON holds exactly the API rows', async () => {
    const res = await w.app.request(`http://localhost${LOGS}/export?${query({ ...window, format: 'ndjson' })}`, { headers: authHeaders(w.acme.admin) });
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    expect(res.headers.get('content-disposition')).toContain('integration-log-20260125T000000Z-20260126T000000Z.ndjson');
    const text = await res.text();
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trimEnd().split('\n').map((line) => JSON.parse(line))).toEqual(await apiRows(window));
  });

  it('exports every matching row across many internal pages, newest first', async () => {
    const start = '2026-01-27T00:00:00.000Z';
    const rows = await insertLogs(Array.from({ length: 2_345 }, (_, i) => ({ ts: at(start, Math.floor(i / 4)), product: 'bulk' })));
    const res = await w.app.request(`http://localhost${LOGS}/export?${query({ start_time: start, end_time: '2026-01-28T00:00:00Z', format: 'ndjson' })}`, { headers: authHeaders(w.acme.admin) });
    const exported = (await res.text()).trimEnd().split('\n').map((line) => JSON.parse(line).id);
    expect(exported).toEqual(newestFirst(rows));
  });
});

describe('GET /api/v2/integrations/logs/{id} and POST …/retry (L6, B4)', () => {
  it('shows a row with its job', async () => {
    const job = await insertJob('dead', { ticketId: 55 });
    const [row] = await insertLogs([{ product: 'salesforce', status: 'error', description: 'Case create failed', jobId: job.id, ticketId: 55 }]);
    const res = await w.call('GET', `${LOGS}/${row!.id}.json`);
    expect(res.status).toBe(200);
    expect(res.json.log).toMatchObject({ id: row!.id, job_id: job.id, ticket_id: 55, status: 'error' });
    expect(res.json.job).toEqual({
      id: job.id, state: 'dead', attempts: 8, max_attempts: 8, run_at: expect.stringMatching(/Z$/),
      last_error: { message: 'Salesforce answered 503', status: 503 }, retryable: true,
    });
    const [plain] = await insertLogs([{ description: 'No job here' }]);
    expect((await w.call('GET', `${LOGS}/${plain!.id}`)).json).toEqual({ log: expect.objectContaining({ id: plain!.id, job_id: null }) });
  });

  it('retrying a dead job requeues it and logs who asked', async () => {
    const job = await insertJob('dead');
    const [row] = await insertLogs([{ product: 'shopify', status: 'error', description: 'Order sync failed', jobId: job.id, ticketId: 42 }]);
    const res = await w.call('POST', `${LOGS}/${row!.id}/retry`, { as: w.acme.admin });
    expect(res.status).toBe(202);
    expect(res.json.job).toMatchObject({ id: job.id, state: 'queued', retryable: false });
    expect(res.json.log).toMatchObject({
      product: 'shopify', status: 'info', description: 'Retry requested by Adam Admin', ticket_id: 42, job_id: job.id,
      details: { job_id: job.id, retried_log_id: row!.id, requested_by: { id: w.acme.admin.user.id, name: 'Adam Admin' } },
    });
    const shown = await w.call('GET', `${LOGS}/${res.json.log.id}`);
    expect(shown.json.log).toEqual(res.json.log);
    expect(shown.json.job).toMatchObject({ state: 'queued' });

    const again = await w.call('POST', `${LOGS}/${row!.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.json.description).toContain('already waiting to run');
  });

  it('a succeeded job cannot be retried (409) and the log is left alone', async () => {
    const job = await insertJob('succeeded');
    const [row] = await insertLogs([{ product: 'retry-409', jobId: job.id }]);
    const res = await w.call('POST', `${LOGS}/${row!.id}/retry`);
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ error: 'JobNotRetryable', description: expect.stringContaining('already succeeded') });
    expect(ids(await list({ product: 'retry-409' }))).toEqual([row!.id]);
  });

  it('a row not tied to a job answers 422', async () => {
    const [row] = await insertLogs([{ description: 'Just information' }]);
    const res = await w.call('POST', `${LOGS}/${row!.id}/retry`);
    expect(res.status).toBe(422);
    expect(res.json.description).toContain('not tied to a job');
  });
});
