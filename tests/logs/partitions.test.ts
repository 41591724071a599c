import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { ensureLogPartitions, purgeLogs } from '../../runner/logs/partitions.ts';
import { createLogWriter } from '../../runner/logs/writer.ts';
import { createTestDatabase } from '../helpers/db.ts';

let database: Database;
beforeAll(async () => { database = await createTestDatabase(); });
afterAll(async () => { await database.close(); });

/** Back to the migrated state: no day partitions, an empty log. */
beforeEach(async () => {
  for (const { name } of await attached()) {
    if (name !== 'integration_logs_default') await database.db.execute(sql`drop table ${sql.identifier(name)}`);
  }
  await database.db.execute(sql`truncate integration_logs`);
});

const attached = () => database.rows<{ name: string; bound: string }>(sql`
  select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
  from pg_inherits i join pg_class c on c.oid = i.inhrelid
  where i.inhparent = 'integration_logs'::regclass order by c.relname`);

async function insertAt(...isoTimes: string[]) {
  for (const at of isoTimes) {
    await database.db.execute(sql`insert into integration_logs (ts, account_id, product, status, description)
      values (${at}::timestamptz, 1, 'Salesforce', 'info', ${`at ${at}`})`);
  }
}

/** Where each row sits, as `partition → [iso times]`. */
async function placement(): Promise<Record<string, string[]>> {
  const rows = await database.rows<{ part: string; at: string }>(sql`
    select tableoid::regclass::text as part, to_char(ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at
    from integration_logs order by ts`);
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.part] ??= []).push(r.at);
  return out;
}

describe('ensureLogPartitions', () => {
  const now = new Date('2026-11-20T12:00:00Z');

  it('creates a partition per UTC day from yesterday to three days ahead and moves their rows out of the default partition', async () => {
    await insertAt('2026-11-19T12:00:00.000Z', '2026-11-20T00:00:00.000Z', '2026-11-20T23:59:59.999Z', '2026-11-24T00:00:00.000Z', '2026-11-18T23:59:59.999Z');

    const created = await ensureLogPartitions(database, now);

    expect(created).toEqual(['integration_logs_p20261119', 'integration_logs_p20261120', 'integration_logs_p20261121', 'integration_logs_p20261122', 'integration_logs_p20261123']);
    expect(await placement()).toEqual({
      integration_logs_default: ['2026-11-18T23:59:59.999Z', '2026-11-24T00:00:00.000Z'],
      integration_logs_p20261119: ['2026-11-19T12:00:00.000Z'],
      integration_logs_p20261120: ['2026-11-20T00:00:00.000Z', '2026-11-20T23:59:59.999Z'],
    });
    const bound = (await attached()).find((p) => p.name === 'integration_logs_p20261120')!.bound;
    expect(bound.replace(/\s+/g, ' ')).toMatch(/^FOR VALUES FROM \('2026-11-20 00:00:00\+00'\) TO \('2026-11-21 00:00:00\+00'\)$/);
  });

  it('gives the new partitions the indexes of the log', async () => {
    await ensureLogPartitions(database, now);
    const counts = await database.rows<{ name: string; n: string }>(sql`
      select tablename as name, count(*)::text as n from pg_indexes
      where tablename in ('integration_logs', 'integration_logs_p20261120') group by tablename order by tablename`);
    expect(counts).toEqual([{ name: 'integration_logs', n: '7' }, { name: 'integration_logs_p20261120', n: '7' }]);
  });

  it('is harmless when run again, also by several processes at once', async () => {
    const runs = await Promise.all([ensureLogPartitions(database, now), ensureLogPartitions(database, now), ensureLogPartitions(database, now)]);
    expect(runs.flat().sort()).toEqual(['integration_logs_p20261119', 'integration_logs_p20261120', 'integration_logs_p20261121', 'integration_logs_p20261122', 'integration_logs_p20261123']);
    expect(await ensureLogPartitions(database, now)).toEqual([]);
    // A day later only the new last day is missing.
    expect(await ensureLogPartitions(database, new Date('2026-11-21T00:30:00Z'))).toEqual(['integration_logs_p20261124']);
    await insertAt('2026-11-24T08:00:00.000Z');
    expect(await placement()).toEqual({ integration_logs_p20261124: ['2026-11-24T08:00:00.000Z'] });
  });

  it('loses no row the log writer is writing while the partition of their day is created', async () => {
    const w = createLogWriter(database, { flushIntervalMs: 1, maxBatch: 50 });
    const start = Date.parse('2026-11-20T10:00:00Z');
    const producer = (async () => {
      for (let chunk = 0; chunk < 20; chunk++) {
        for (let i = 0; i < 50; i++) {
          const n = chunk * 50 + i;
          void w.write({ accountId: 1, product: 'Shopify', status: 'info', description: `order ${n}`, ts: new Date(start + n) });
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    await new Promise((r) => setTimeout(r, 10));
    await ensureLogPartitions(database, now);
    await producer;
    await w.close();
    const rows = await database.rows<{ part: string; n: string }>(sql`
      select tableoid::regclass::text as part, count(*)::text as n from integration_logs group by 1`);
    expect(rows).toEqual([{ part: 'integration_logs_p20261120', n: '1000' }]);
  });

  it('honours daysBack and daysAhead', async () => {
    expect(await ensureLogPartitions(database, now, { daysBack: 0, daysAhead: 1 })).toEqual(['integration_logs_p20261120', 'integration_logs_p20261121']);
  });
});

describe('purgeLogs', () => {
  const now = new Date('2026-11-20T12:00:00Z'); // 7-day cutoff: 2026-11-13T12:00:00Z, mid-partition

  async function week() {
    await ensureLogPartitions(database, new Date('2026-11-12T06:00:00Z'), { daysBack: 1, daysAhead: 9 }); // p20261111 … p20261121
    await insertAt(
      '2026-10-01T00:00:00.000Z', '2026-11-01T09:00:00.000Z', // default partition, old
      '2026-11-11T05:00:00.000Z', '2026-11-11T23:59:59.999Z', // p20261111, entirely old
      '2026-11-12T00:00:00.000Z', '2026-11-12T12:00:00.000Z', // p20261112, ends at 11-13 00:00 ≤ cutoff
      '2026-11-13T00:00:00.000Z', '2026-11-13T11:59:59.999Z', '2026-11-13T12:00:00.000Z', '2026-11-13T23:00:00.000Z', // straddles the cutoff
      '2026-11-14T10:00:00.000Z', // p20261114, kept
      '2026-11-30T10:00:00.000Z', // default partition, future
    );
  }

  it('drops whole days before the cutoff, deletes older rows around it and keeps every row at or after it', async () => {
    await week();

    const result = await purgeLogs(database, now, 7);

    expect(result).toEqual({
      droppedPartitions: ['integration_logs_p20261111', 'integration_logs_p20261112'],
      deletedRows: 4, // two in the straddling partition, two in the default partition
      cutoff: new Date('2026-11-13T12:00:00.000Z'),
    });
    expect(await placement()).toEqual({
      integration_logs_p20261113: ['2026-11-13T12:00:00.000Z', '2026-11-13T23:00:00.000Z'],
      integration_logs_p20261114: ['2026-11-14T10:00:00.000Z'],
      integration_logs_default: ['2026-11-30T10:00:00.000Z'],
    });
    const names = (await attached()).map((p) => p.name);
    expect(names).not.toContain('integration_logs_p20261112');
    expect(names).toContain('integration_logs_p20261113');
    const leftover = await database.rows<{ n: string }>(sql`select count(*)::text as n from pg_class where relname in ('integration_logs_p20261111', 'integration_logs_p20261112')`);
    expect(leftover[0]!.n).toBe('0');
  });

  it('drops the partition ending exactly at the cutoff and keeps the one starting there whole', async () => {
    await week();
    const result = await purgeLogs(database, new Date('2026-11-20T00:00:00Z'), 7); // cutoff 2026-11-13T00:00Z
    expect(result.droppedPartitions).toEqual(['integration_logs_p20261111', 'integration_logs_p20261112']);
    expect(result.deletedRows).toBe(2); // the default partition's two old rows
    expect((await placement()).integration_logs_p20261113).toEqual(['2026-11-13T00:00:00.000Z', '2026-11-13T11:59:59.999Z', '2026-11-13T12:00:00.000Z', '2026-11-13T23:00:00.000Z']);
  });

  it('drops a day table a crash left detached, and never touches attached days after the cutoff', async () => {
    await week();
    // A purge that died between its detach and its drop leaves the day as a plain table.
    await database.db.execute(sql`alter table integration_logs detach partition integration_logs_p20261111`);

    const result = await purgeLogs(database, now, 7);

    expect(result.droppedPartitions).toEqual(['integration_logs_p20261111', 'integration_logs_p20261112']);
    const leftover = await database.rows<{ n: string }>(sql`select count(*)::text as n from pg_class where relname like 'integration_logs_p2026111%' and relname < 'integration_logs_p20261113'`);
    expect(leftover[0]!.n).toBe('0');
    expect(Object.keys(await placement()).sort()).toEqual(['integration_logs_default', 'integration_logs_p20261113', 'integration_logs_p20261114']);
  });

  it('is harmless when run again', async () => {
    await week();
    await purgeLogs(database, now, 7);
    const before = await placement();
    expect(await purgeLogs(database, now, 7)).toEqual({ droppedPartitions: [], deletedRows: 0, cutoff: new Date('2026-11-13T12:00:00.000Z') });
    expect(await placement()).toEqual(before);
  });

  it('can run alongside ensureLogPartitions in other processes', async () => {
    await week();
    const [a, created, b] = await Promise.all([purgeLogs(database, now, 7), ensureLogPartitions(database, now), purgeLogs(database, now, 7)]);
    // Whichever purge came first did the work; together they did it exactly once.
    expect([...a.droppedPartitions, ...b.droppedPartitions].sort()).toEqual(['integration_logs_p20261111', 'integration_logs_p20261112']);
    expect(a.deletedRows + b.deletedRows).toBe(4);
    expect(created).toEqual(['integration_logs_p20261122', 'integration_logs_p20261123']);
    expect(await placement()).toEqual({
      integration_logs_p20261113: ['2026-11-13T12:00:00.000Z', '2026-11-13T23:00:00.000Z'],
      integration_logs_p20261114: ['2026-11-14T10:00:00.000Z'],
      integration_logs_default: ['2026-11-30T10:00:00.000Z'],
    });
  });
});
