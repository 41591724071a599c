import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { createLogWriter, LogRowsDroppedError, type LogRowInput, type LogWriter } from '../../runner/logs/writer.ts';
import { createTestDatabase } from '../helpers/db.ts';

let database: Database;
const writers: LogWriter[] = [];
beforeAll(async () => { database = await createTestDatabase(); });
afterAll(async () => {
  for (const w of writers) await w.close();
  await database.close();
});
beforeEach(async () => { await database.db.execute(sql`truncate integration_logs`); });

const writer = (db: Database, opts: Parameters<typeof createLogWriter>[1] = {}) => {
  const w = createLogWriter(db, opts);
  writers.push(w);
  return w;
};

const row = (n: number, extra: Partial<LogRowInput> = {}): LogRowInput => ({
  accountId: 1, product: 'Salesforce', status: 'info', description: `row ${n}`, ...extra,
});

type Stored = { id: string; ts_ms: string; account_id: string; product: string; status: string; description: string; details: string; ticket_id: string | null; job_id: string | null };
const stored = () => database.rows<Stored>(sql`
  select id::text, (extract(epoch from ts) * 1000)::bigint::text as ts_ms, account_id::text, product, status::text,
         description, details::text, ticket_id::text, job_id::text
  from integration_logs order by id`);
const count = async () => Number((await database.rows<{ n: string }>(sql`select count(*)::text as n from integration_logs`))[0]!.n);

/** One statement at a time: PGlite prepares what it runs, and a prepared statement holds one command. */
async function run(statements: string[]) {
  for (const statement of statements) await database.db.execute(sql.raw(statement));
}

/**
 * The same database, but while `outage.down` is set the writer cannot reach it: connecting fails,
 * as when PostgreSQL is restarting.
 */
function unreachableWhile(outage: { down: boolean }): Database {
  const refuse = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432 (simulated)'), { code: 'ECONNREFUSED' }));
  if (database.raw.postgres) {
    const real = database.raw.postgres;
    const postgres = new Proxy(real, {
      get: (target, prop, receiver) => (prop === 'reserve' ? () => (outage.down ? refuse() : target.reserve()) : Reflect.get(target, prop, receiver)),
    });
    return { ...database, raw: { postgres } };
  }
  const real = database.raw.pglite!;
  const pglite = new Proxy(real, {
    get(target, prop) {
      if (prop === 'query') return (...args: Parameters<typeof real.query>) => (outage.down ? refuse() : target.query(...args));
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { ...database, raw: { pglite } };
}

describe('createLogWriter', () => {
  it('stores the row with its columns, stamped when written', async () => {
    const clock = new Date('2026-11-20T12:34:56.789Z');
    const w = writer(database, { now: () => clock });
    await Promise.all([
      w.write({ accountId: 7, product: 'Shopify', status: 'warning', description: 'Order 1001 received', details: { order_id: 1001, topic: 'orders/create' }, ticketId: 42, jobId: 9 }),
      w.write({ accountId: 8, product: 'Bot builder', status: 'debug', description: 'API call made', ts: new Date('2026-11-19T01:02:03.004Z') }),
    ]);
    expect(await stored()).toEqual([
      expect.objectContaining({ ts_ms: String(clock.getTime()), account_id: '7', product: 'Shopify', status: 'warning', description: 'Order 1001 received', ticket_id: '42', job_id: '9' }),
      expect.objectContaining({ ts_ms: String(Date.parse('2026-11-19T01:02:03.004Z')), account_id: '8', product: 'Bot builder', status: 'debug', details: '{}', ticket_id: null, job_id: null }),
    ]);
    expect(JSON.parse((await stored())[0]!.details)).toEqual({ order_id: 1001, topic: 'orders/create' });
  });

  it('round-trips tabs, newlines, backslashes, COPY markers, unicode and JSON text exactly', async () => {
    const tricky = 'tab\there\nnew line\r\ncrlf \\ back\\slash \\N \\. NULL {a,"b"} \'q\' "dq" é 中文 עברית 😀 e\u0301 \u2028';
    const details = {
      text: tricky,
      json_as_text: '{"a":[1,2,{"b":"c\\"d"}]}',
      nested: { list: [tricky, 1.5, -0.25, 9007199254740991, true, false, null, {}], 'key\twith\ttabs': 'v', 'ключ': 'значение' },
    };
    const w = writer(database);
    await w.write({ ...row(1), description: tricky, product: 'Private\tintegration \\ x', details });
    const [r] = await stored();
    expect(r!.description).toBe(tricky);
    expect(r!.product).toBe('Private\tintegration \\ x');
    expect(JSON.parse(r!.details)).toEqual(details);
  });

  it('stores characters PostgreSQL refuses (NUL, lone surrogates) as U+FFFD instead of failing the batch', async () => {
    const w = writer(database);
    await Promise.all([w.write({ ...row(1), description: 'nul\u0000 and \uD83D alone', details: { v: 'x\u0000' } }), w.write(row(2))]);
    const rows = await stored();
    expect(rows.map((r) => r.description)).toEqual(['nul\uFFFD and \uFFFD alone', 'row 2']);
    expect(JSON.parse(rows[0]!.details)).toEqual({ v: 'x\uFFFD' });
  });

  it('truncates descriptions over 2,000 characters with an ellipsis and refuses empty ones', async () => {
    const w = writer(database);
    await w.write({ ...row(1), description: 'd'.repeat(2500) });
    expect((await stored())[0]!.description).toBe(`${'d'.repeat(1999)}…`);
    expect(() => w.write({ ...row(2), description: '  ' })).toThrow(TypeError);
    expect(() => w.write({ ...row(3), status: 'fatal' as never })).toThrow(TypeError);
    expect(() => w.write({ ...row(4), accountId: 1.5 })).toThrow(TypeError);
  });

  it('never stores a secret: known values and secret-looking fields are redacted in the stored row', async () => {
    const apiToken = 'shpat_a1b2c3d4e5f6a7b8c9d0';
    const password = 'Tr0ub4dor&3';
    const w = writer(database);
    await w.write({
      accountId: 1,
      product: 'Shopify',
      status: 'error',
      description: `Token ${apiToken} rejected by https://admin:${password}@shop.example/admin?access_token=${apiToken}`,
      details: {
        ticket_id: 4242,
        token_type: 'bearer',
        request: { url: `https://shop.example/orders.json?api_key=k-77&page=2`, headers: { 'X-Shopify-Access-Token': apiToken, Cookie: 'sid=abc' } },
        response: { status: 401, body: `{"errors":"Invalid API key or access token (unrecognized login or wrong password)","echo":"${password}"}` },
        client_secret: 'cs-123',
      },
    }, [apiToken, password]);
    const [{ text }] = (await database.rows<{ text: string }>(sql`select t::text as text from integration_logs t`)) as [{ text: string }];
    for (const leak of [apiToken, password, 'k-77', 'sid=abc', 'cs-123', 'admin:']) expect(text).not.toContain(leak);
    expect(text).toContain('[REDACTED]');
    expect(text).toContain('4242');
    expect(text).toContain('bearer');
    expect(text).toContain('page=2');
  });

  it('lands 5,000 concurrent writes, each exactly once', async () => {
    const w = writer(database);
    await Promise.all(Array.from({ length: 5000 }, (_, i) => w.write(row(i, { details: { i } }))));
    const [summary] = await database.rows<{ n: string; distinct_descriptions: string; distinct_ids: string }>(sql`
      select count(*)::text as n, count(distinct description)::text as distinct_descriptions, count(distinct id)::text as distinct_ids from integration_logs`);
    expect(summary).toEqual({ n: '5000', distinct_descriptions: '5000', distinct_ids: '5000' });
    expect(w.pending).toBe(0);
  });

  it('flush() commits everything written before it; rows wait for the interval otherwise', async () => {
    const w = writer(database, { flushIntervalMs: 60_000 });
    void w.write(row(1));
    void w.write(row(2));
    await new Promise((r) => setTimeout(r, 50));
    expect(await count()).toBe(0);
    expect(w.pending).toBe(2);
    await w.flush();
    expect(await count()).toBe(2);
    expect(w.pending).toBe(0);
    await w.flush(); // nothing pending: resolves at once
    void w.write(row(3));
    await w.flush();
    expect((await stored()).map((r) => r.description)).toEqual(['row 1', 'row 2', 'row 3']);
  });

  it('flushes on its own after flushIntervalMs, and at once when maxBatch rows are buffered', async () => {
    const timed = writer(database, { flushIntervalMs: 20 });
    await timed.write(row(1));
    expect(await count()).toBe(1);

    const batched = writer(database, { flushIntervalMs: 60_000, maxBatch: 3 });
    await Promise.all([batched.write(row(2)), batched.write(row(3)), batched.write(row(4))]);
    expect(await count()).toBe(4);
  });

  it('close() commits what is buffered; writing afterwards throws', async () => {
    const w = createLogWriter(database, { flushIntervalMs: 60_000 });
    void w.write(row(1));
    await w.close();
    expect(await count()).toBe(1);
    expect(() => w.write(row(2))).toThrow(/close/);
  });

  it('keeps the rows while the database is unreachable and commits them once it is back', async () => {
    const outage = { down: true };
    const errors: unknown[] = [];
    const w = writer(unreachableWhile(outage), { flushIntervalMs: 5, onError: (e) => errors.push(e) });
    const written = [w.write(row(1)), w.write(row(2))];
    await expect.poll(() => errors.length).toBeGreaterThanOrEqual(2); // first attempt + first retry after 100 ms
    expect(await count()).toBe(0);
    expect(w.pending).toBe(2);
    outage.down = false;
    await Promise.all(written);
    expect((await stored()).map((r) => r.description)).toEqual(['row 1', 'row 2']);
    expect((errors[0] as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('retries a batch the server rejected, then commits it', async () => {
    // A trigger fails every insert while the switch is on: the server receives and refuses the batch
    // (on PostgreSQL this is the COPY error path, which postgres.js does not report by itself).
    try {
      await run([
        'create table test_log_outage (down boolean not null)',
        'insert into test_log_outage values (true)',
        `create function test_log_refuse() returns trigger language plpgsql as $$
           begin if exists (select 1 from test_log_outage where down) then raise exception 'refused (simulated)'; end if; return new; end $$`,
        'create trigger test_log_refuse before insert on integration_logs for each row execute function test_log_refuse()',
      ]);
      const errors: unknown[] = [];
      const w = writer(database, { flushIntervalMs: 5, onError: (e) => errors.push(e) });
      const written = Array.from({ length: 20 }, (_, i) => w.write(row(i)));
      await expect.poll(() => errors.length).toBeGreaterThanOrEqual(1);
      expect(await count()).toBe(0);
      await database.db.execute(sql`update test_log_outage set down = false`);
      await Promise.all(written);
      expect(await count()).toBe(20);
      // The failed COPYs left no connection inside a transaction.
      const stuck = await database.rows<{ n: string }>(sql`
        select count(*)::text as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`);
      expect(stuck[0]?.n ?? '0').toBe('0');
    } finally {
      await run(['drop trigger if exists test_log_refuse on integration_logs', 'drop function if exists test_log_refuse()', 'drop table if exists test_log_outage']);
    }
  });

  it('drops the oldest rows beyond maxBuffered, tells onError how many, and never leaves an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const outage = { down: true };
      const errors: unknown[] = [];
      const w = writer(unreachableWhile(outage), { flushIntervalMs: 5, maxBatch: 5, maxBuffered: 10, onError: (e) => errors.push(e) });
      const first = w.write(row(1)); // awaited below: it must reject
      for (let i = 2; i <= 25; i++) void w.write(row(i)); // ignored, as most callers do
      await expect(first).rejects.toBeInstanceOf(LogRowsDroppedError);
      await expect.poll(() => errors.some((e) => e instanceof LogRowsDroppedError)).toBe(true);
      expect(w.pending).toBe(10);
      outage.down = false;
      await w.flush();
      expect((await stored()).map((r) => r.description)).toEqual(Array.from({ length: 10 }, (_, i) => `row ${16 + i}`));
      const dropped = errors.filter((e): e is LogRowsDroppedError => e instanceof LogRowsDroppedError);
      expect(dropped.reduce((n, e) => n + e.dropped, 0)).toBe(15);
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
