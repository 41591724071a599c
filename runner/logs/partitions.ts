/**
 * Day partitions of `integration_logs` (SPEC L1). Rows land in the day partition of their `ts`;
 * a day without one sends its rows to `integration_logs_default`. Partitions are created a few days
 * ahead so the default stays (nearly) empty, and retention drops whole days instead of deleting rows.
 *
 * Both operations take the same transaction-scoped advisory lock, so several runner processes may
 * run them at once: the second one finds the work done.
 */
import { sql } from 'drizzle-orm';
import type { Database, Tx } from '../../db/client.ts';

const DAY_MS = 86_400_000;
const PARENT = 'integration_logs';
const DEFAULT_PARTITION = 'integration_logs_default';
/** The pause between two index drops of a detached day (see purgeLogs). */
const DROP_PACING_MS = 50;

/** `integration_logs_p20261120` for the UTC day starting at `day`. */
export function partitionName(day: Date): string {
  return `${PARENT}_p${day.toISOString().slice(0, 10).replaceAll('-', '')}`;
}

const startOfUtcDay = (at: Date) => new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
/** A partition bound literal; the explicit UTC offset makes it independent of the session time zone. */
const boundLiteral = (at: Date) => `'${at.toISOString().slice(0, 19).replace('T', ' ')}+00'`;

/**
 * Creates the missing day partitions for the UTC days [today − daysBack, today + daysAhead], moving
 * rows of those days out of the default partition. Returns the names created, oldest first.
 */
export async function ensureLogPartitions(
  database: Database,
  now: Date,
  opts: { daysBack?: number; daysAhead?: number } = {},
): Promise<string[]> {
  const today = startOfUtcDay(now);
  const days: Date[] = [];
  for (let d = -(opts.daysBack ?? 1); d <= (opts.daysAhead ?? 3); d++) days.push(new Date(today.getTime() + d * DAY_MS));

  return database.db.transaction(async (tx) => {
    await lockForMaintenance(tx);
    const existing = new Set((await partitions(database, tx)).map((p) => p.name));
    const missing = days.filter((day) => !existing.has(partitionName(day)));
    if (missing.length === 0) return [];
    // New rows must not slip into the default partition between the move and the attach (the attach
    // would then fail on them); inserts routed there wait for the commit, a few milliseconds.
    await tx.execute(sql.raw(`lock table ${DEFAULT_PARTITION} in access exclusive mode`));
    for (const day of missing) await createDayPartition(tx, partitionName(day), day);
    return missing.map(partitionName);
  });
}

/**
 * One maintenance run at a time across processes. Then a lock timeout: behind a long reader of the
 * log, our exclusive lock request would queue every other query; better to fail and retry next run.
 */
async function lockForMaintenance(tx: Tx, lockTimeout: '10s' | '1s' = '10s'): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(727274, 3)`);
  await tx.execute(sql.raw(`set local lock_timeout = '${lockTimeout}'`));
}

/**
 * Create the table, fill it from the default partition, then attach it: attaching after the move
 * lets PostgreSQL build the partition's indexes once over the moved rows, and the default partition
 * is never seen holding rows of an attached day.
 */
const STORED_COLUMNS = 'id, ts, account_id, product, status, description, details, ticket_id, job_id';

async function createDayPartition(tx: Tx, name: string, day: Date): Promise<void> {
  const from = boundLiteral(day);
  const to = boundLiteral(new Date(day.getTime() + DAY_MS));
  const table = sql.identifier(name);
  // `search` is a generated column: copied as such, and recomputed rather than inserted.
  await tx.execute(sql`create table ${table} (like ${sql.identifier(PARENT)} including defaults including generated)`);
  await tx.execute(sql`with moved as (
      delete from ${sql.identifier(DEFAULT_PARTITION)} where ts >= ${sql.raw(from)} and ts < ${sql.raw(to)} returning ${sql.raw(STORED_COLUMNS)}
    ) insert into ${table} (${sql.raw(STORED_COLUMNS)}) select ${sql.raw(STORED_COLUMNS)} from moved`);
  await tx.execute(sql`alter table ${sql.identifier(PARENT)} attach partition ${table} for values from (${sql.raw(from)}) to (${sql.raw(to)})`);
}

export type PurgeResult = {
  /** Day partitions dropped whole (their rows are not counted in deletedRows). */
  droppedPartitions: string[];
  /** Rows deleted one by one: older than the cutoff in the partition straddling it and in the default partition. */
  deletedRows: number;
  cutoff: Date;
};

/**
 * Retention (SPEC L1): removes every row older than now − retentionDays × 24 h and keeps the rest.
 *
 * Readers of the log must not wait on it. Dropping an attached partition holds an ACCESS EXCLUSIVE
 * lock on the parent until the commit, and the commit unlinks gigabytes of files: every page request
 * queues behind that (measured: ~0.6 s per day at 10M rows). So the purge goes in three steps:
 * 1. detach the old day partitions — a catalog change, the parent's lock held for milliseconds (a
 *    short lock_timeout, retried, so a long reader does not make the page queue behind us; DETACH
 *    CONCURRENTLY would avoid even that, but PostgreSQL refuses it while a default partition exists);
 * 2. drop the detached tables — no one reads them any more, so the file removal blocks nobody
 *    (index by index, paced, so the disk is not saturated either); a table left detached by a
 *    crash between 1 and 2 is dropped by the next run;
 * 3. delete the older rows of the partition straddling the cutoff and of the default partition
 *    (row locks only).
 */
export async function purgeLogs(database: Database, now: Date, retentionDays: number): Promise<PurgeResult> {
  if (!Number.isFinite(retentionDays) || retentionDays < 0) throw new RangeError('purgeLogs: retentionDays must be a non-negative number');
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);

  await withLockRetry(() => database.db.transaction(async (tx) => {
    await lockForMaintenance(tx, '1s');
    for (const p of await partitions(database, tx)) {
      if (p.upperMs !== null && p.upperMs <= cutoff.getTime()) {
        await tx.execute(sql`alter table ${sql.identifier(PARENT)} detach partition ${sql.identifier(p.name)}`);
      }
    }
  }));
  // Every detached day table, this run's and any a crash left behind. Removing a day's gigabytes at
  // once stalls other reads on the disk (measured: page p95 +50% for the second it takes), so its
  // indexes go first, one file set at a time with a pause between, then the table. Only the final
  // drop, under the lock, reports the day: two concurrent purges report each table once.
  const detached = (await database.rows<{ name: string }>(sql`
    select c.relname as name from pg_class c
    where c.relkind = 'r' and c.relname like ${`${PARENT}\\_p%`} and c.relname <> ${DEFAULT_PARTITION}
      and c.relnamespace = (select relnamespace from pg_class where oid = ${PARENT}::regclass)
      and not exists (select 1 from pg_inherits i where i.inhrelid = c.oid)
    order by c.relname`)).map((r) => r.name);
  const droppedPartitions: string[] = [];
  for (const name of detached) {
    const indexes = await database.rows<{ name: string }>(sql`
      select i.relname as name from pg_index x join pg_class i on i.oid = x.indexrelid
      where x.indrelid = (select oid from pg_class where relname = ${name} and relnamespace = (select relnamespace from pg_class where oid = ${PARENT}::regclass))
        and not x.indisprimary`);
    for (const index of indexes) {
      await database.db.execute(sql`drop index if exists ${sql.identifier(index.name)}`);
      await new Promise((resolve) => setTimeout(resolve, DROP_PACING_MS));
    }
    const dropped = await database.db.transaction(async (tx) => {
      await lockForMaintenance(tx);
      // pg_class read through the statement's snapshot: to_regclass may answer from a cache that has
      // not yet seen another process's drop (an advisory lock does not refresh it).
      const [row] = await database.rows<{ present: boolean }>(sql`
        select exists (select 1 from pg_class where relname = ${name} and relnamespace = (select relnamespace from pg_class where oid = ${PARENT}::regclass)) as present`, tx);
      if (row?.present) await tx.execute(sql`drop table if exists ${sql.identifier(name)}`);
      return Boolean(row?.present);
    });
    if (dropped) droppedPartitions.push(name);
  }

  // Partition pruning limits this to the default partition and the one straddling the cutoff.
  const [deleted] = await database.rows<{ n: string }>(
    sql`with gone as (delete from ${sql.identifier(PARENT)} where ts < ${cutoff.toISOString()}::timestamptz returning 1) select count(*)::text as n from gone`,
  );
  return { droppedPartitions, deletedRows: Number(deleted?.n ?? 0), cutoff };
}

/** Retries a maintenance transaction that gave up waiting for a lock (SQLSTATE 55P03), a few times. */
async function withLockRetry<T>(run: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (err) {
      const code = (err as { code?: string; cause?: { code?: string } }).code ?? (err as { cause?: { code?: string } }).cause?.code;
      if (code !== '55P03' || i >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200 * i));
    }
  }
}

type Partition = { name: string; upperMs: number | null };

/**
 * The range partitions of the log with their upper bound in epoch milliseconds (null for MAXVALUE).
 * The bound is read back through timestamptz so the session time zone does not matter, and
 * returned as text because the two drivers parse numbers and dates differently.
 */
async function partitions(database: Database, tx: Tx): Promise<Partition[]> {
  const rows = await database.rows<{ name: string; upper: string | null }>(
    sql`select c.relname as name,
          (extract(epoch from (regexp_match(pg_get_expr(c.relpartbound, c.oid), ${"TO \\('([^']+)'\\)"}))[1]::timestamptz) * 1000)::bigint::text as upper
        from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = ${PARENT}::regclass and c.relname <> ${DEFAULT_PARTITION}
        order by c.relname`,
    tx,
  );
  return rows.map((r) => ({ name: r.name, upperMs: r.upper === null ? null : Number(r.upper) }));
}
