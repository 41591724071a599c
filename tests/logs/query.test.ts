import { sql, type SQL } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import type { LogStatus } from '../../db/schema/index.ts';
import { listPage, readPage, textFrequency, toTsQuery, walkBudget, type LogFilter, type Position } from '../../runner/logs/query.ts';
import { createTestDatabase } from '../helpers/db.ts';

let database: Database;

const DAY0 = Date.parse('2026-03-01T00:00:00Z');
const HOUR = 3600_000;
const PRODUCTS = ['salesforce', 'shopify', 'zis', 'webhooks'];
const STATUSES: LogStatus[] = ['info', 'debug', 'warning', 'error'];

/**
 * 6,000 rows over three days (two day partitions and the default one), three to a timestamp so pages
 * end inside ties, one in eleven for another account. A phrase in 4% of rows, another (1%) only in
 * the older half, so a walk from the newest rows runs out of budget; the rest are identifiers.
 */
beforeAll(async () => {
  database = await createTestDatabase();
  for (const day of ['2026-03-01', '2026-03-02']) {
    const name = `integration_logs_p${day.replace(/-/g, '')}`;
    await database.db.execute(sql.raw(`create table ${name} partition of integration_logs for values from ('${day}') to ('${day}'::date + 1)`));
  }
  await database.db.execute(sql`
    insert into integration_logs (ts, account_id, product, status, description, details, ticket_id)
    select ${new Date(DAY0).toISOString()}::timestamptz + (g / 3) * interval '2 minutes',
      case when g % 11 = 0 then 2 else 1 end,
      (array['salesforce', 'salesforce', 'shopify', 'zis', 'webhooks'])[1 + (g * 7 + g / 13) % 5],
      (array['info', 'info', 'info', 'debug', 'warning', 'error'])[1 + (g * 5) % 6]::log_status,
      case
        when g % 25 = 0 then 'Request failed: gateway timeout after 30000 ms'
        when g % 50 = 7 and g < 3000 then 'Rate limit exceeded, the request will be retried'
        else 'Order #' || (100000 + g) || ' received from Shopify'
      end,
      jsonb_build_object('request_id', substr(md5(g::text), 1, 8)),
      case when g % 3 = 0 then 1 + g % 17 end
    from generate_series(1, 6000) g`);
  await database.db.execute(sql`analyze integration_logs`);
});
afterAll(async () => { await database.close(); });

/** Every matching row in (ts desc, id desc) order, by the plainest query there is. */
async function everyMatch(f: LogFilter): Promise<Position[]> {
  const tsQuery = f.text === undefined ? undefined : toTsQuery(f.text);
  const conditions: SQL[] = [sql`account_id = ${f.accountId}`];
  if (f.start) conditions.push(sql`ts >= ${f.start.toISOString()}::timestamptz`);
  if (f.end) conditions.push(sql`ts < ${f.end.toISOString()}::timestamptz`);
  if (f.products?.length) conditions.push(sql`product in (${sql.join(f.products.map((p) => sql`${p}`), sql`, `)})`);
  if (f.statuses?.length) conditions.push(sql`status::text in (${sql.join(f.statuses.map((s) => sql`${s}`), sql`, `)})`);
  if (f.ticketId !== undefined) conditions.push(sql`ticket_id = ${f.ticketId}`);
  if (tsQuery) conditions.push(sql`search @@ to_tsquery('simple', ${tsQuery})`);
  const rows = await database.rows<{ id: number; ms: string }>(sql`
    select id::int as id, (extract(epoch from ts) * 1000)::bigint::text as ms from integration_logs
    where ${sql.join(conditions, sql` and `)} order by ts desc, id desc`);
  return rows.map((r) => ({ id: Number(r.id), ts: new Date(Number(r.ms)) }));
}

const TEXTS = [
  'gateway timeout', 'GATEWAY time', 'rate limit', 'rate lim', 'request', 'order received', 'received', '30000', '100042',
  'order 100421', 'c4ca4238', 'gateway 100042', 'no such words', 'sh', 'r',
];

const caseArb = fc.record({
  window: fc.option(fc.tuple(fc.integer({ min: -6, max: 70 }), fc.integer({ min: 1, max: 80 })), { nil: undefined }),
  products: fc.subarray([...PRODUCTS, 'none-such'], { maxLength: 3 }),
  statuses: fc.subarray(STATUSES, { maxLength: 2 }),
  ticketId: fc.option(fc.integer({ min: 1, max: 17 }), { nil: undefined, freq: 6 }),
  text: fc.option(fc.constantFrom(...TEXTS), { nil: undefined, freq: 8 }),
  size: fc.constantFrom(1, 2, 5, 50),
  from: fc.option(fc.nat({ max: 400 }), { nil: undefined }),
});

describe('listPage: the free-text walk returns the rows of the plain query', () => {
  it('matches the plainest query for random filters, page sizes, cursors and walk budgets (down to one row)', async () => {
    await fc.assert(fc.asyncProperty(caseArb, async (c) => {
      const f: LogFilter = {
        accountId: 1, products: c.products, statuses: c.statuses, ticketId: c.ticketId, text: c.text,
        ...(c.window ? { start: new Date(DAY0 + c.window[0] * HOUR), end: new Date(DAY0 + (c.window[0] + c.window[1]) * HOUR) } : {}),
      };
      const all = await everyMatch(f);
      const at = c.from === undefined || all.length === 0 ? -1 : c.from % all.length;
      const after = at < 0 ? undefined : all[at];
      const expected = { ids: all.slice(at + 1, at + 1 + c.size).map((p) => p.id), hasMore: all.length > at + 1 + c.size };
      const pages = [await listPage(database.db, f, c.size, after)];
      for (const budget of [undefined, 1, 2, 3, 10, 200, 100_000]) pages.push(await readPage(database.db, f, c.size, after, budget));
      for (const page of pages) expect({ ids: page.rows.map((r) => r.id), hasMore: page.hasMore }).toEqual(expected);
    }), { numRuns: 120 });
  });

  it('walking every page of a phrase with a tight budget returns every match exactly once, in order', async () => {
    const f: LogFilter = { accountId: 1, text: 'rate limit', products: ['salesforce', 'zis'] };
    const all = (await everyMatch(f)).map((p) => p.id);
    expect(all.length).toBeGreaterThan(20);
    const seen: number[] = [];
    let after: Position | undefined;
    for (let more = true; more;) {
      const page = await readPage(database.db, f, 7, after, 40);
      seen.push(...page.rows.map((r) => r.id));
      after = page.rows.length ? { ts: page.rows.at(-1)!.ts, id: page.rows.at(-1)!.id } : undefined;
      more = page.hasMore;
    }
    expect(seen).toEqual(all);
  });
});

describe('choosing the walk', () => {
  it('walks a phrase that is common in the statistics, with a budget for the page, and leaves identifiers and tickets to the index', async () => {
    const budget = await walkBudget(database.db, { accountId: 1, text: 'gateway timeout' }, 50);
    // 'gateway' is in 4% of the rows: four times the 51 rows that share needs for a page.
    expect(budget).toBeGreaterThan(51 * 4 / 0.06);
    expect(budget).toBeLessThan(51 * 4 / 0.03);
    expect(await walkBudget(database.db, { accountId: 1, text: 'gateway 100042' }, 50)).toBeUndefined();
    expect(await walkBudget(database.db, { accountId: 1, text: 'c4ca4238' }, 50)).toBeUndefined();
    expect(await walkBudget(database.db, { accountId: 1, text: 'gateway timeout', ticketId: 3 }, 50)).toBeUndefined();
    expect(await walkBudget(database.db, { accountId: 1, text: '!!' }, 50)).toBeUndefined();
  });

  it('estimates a text by its rarest word, a prefix by every common lexeme it starts', () => {
    const common = new Map([['gateway', 0.01], ['timeout', 0.011], ['rate', 0.02], ['limit', 0.01], ['limits', 0.004], ['unable', 0.01], ['to', 0.3], ['lock', 0.01], ['row', 0.012]]);
    expect(textFrequency('gateway timeout', common)).toBe(0.01);
    expect(textFrequency('Rate lim', common)).toBeCloseTo(0.014);
    expect(textFrequency('rate', common)).toBe(0.02);
    expect(textFrequency('limit rate', common)).toBe(0.01);
    expect(textFrequency('UNABLE_TO_LOCK_ROW', common)).toBe(0.01);
    expect(textFrequency('gateway 93e546bb', common)).toBe(0);
    expect(textFrequency('gate way', common)).toBe(0);
    expect(textFrequency('  ', common)).toBe(0);
    expect(textFrequency('t', new Map([['to', 0.7], ['timeout', 0.6]]))).toBe(1);
  });
});
