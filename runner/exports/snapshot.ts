import { PgDialect } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';
import type postgres from 'postgres';
import type { Database } from '../../db/client.ts';
import { readBarrier } from '../core/change-barrier.ts';

/**
 * Rows of a query in batches, read inside the export's snapshot.
 *
 * Contract for the queries given to it (so that one piece of code works on both databases):
 * - the query exposes a unique, non-null column named `id` and orders by it (`order by id`);
 *   on PGlite the pages are `select * from (<query>) as page where page.id > $last order by page.id
 *   limit $n`, so the rows come out in `id` order on both, and the query must not use `limit` itself;
 * - `id` should be a table's id column as is (not cast), so that the page bound reaches its index;
 *   it comes back as a string on postgres.js and a number on PGlite: read it with `Number(row.id)`;
 * - the two drivers parse other types differently too (int8 as above; jsonb is an object on one and
 *   text on the other; timestamps are text in the session's zone): cast in SQL to what the writer
 *   needs — other ids `::float8`, json `::text`, times with `to_char(x at time zone 'UTC', …)` or
 *   as epoch milliseconds `::float8`.
 */
export type Batches = <T extends Record<string, unknown>>(query: SQL, batchSize?: number) => AsyncIterable<T[]>;

/** What an export reads through: the instant of its data, batches, and all rows of small queries. */
export type Snapshot = {
  /** The data is as of this instant. */
  at: Date;
  /**
   * Rows changed after `at` are invisible on PostgreSQL; on PGlite there is no snapshot, so queries
   * on rows that carry `generated_at` must add this bound themselves (`generated_at < ${fence}`).
   * It is `null` on PostgreSQL, where the transaction is the bound.
   */
  fence: Date | null;
  batches: Batches;
  rows<T extends Record<string, unknown>>(query: SQL): Promise<T[]>;
  /**
   * PostgreSQL only: the text of a one-column query's rows, one per line, streamed as bytes by
   * `COPY … TO STDOUT` (with backpressure). The values must not hold raw CR / LF (JSON text never
   * does). Parameters are inlined as SQL literals, since COPY takes no bind parameters.
   */
  copyLines?: (query: SQL) => AsyncIterable<Buffer>;
};

const dialect = new PgDialect();

/**
 * Runs `read` on a snapshot of the database (SPEC B6).
 *
 * PostgreSQL: one `repeatable read read only` transaction on a reserved connection; every query of
 * the export sees the data as of its first statement. Batches use SQL cursors (DECLARE / FETCH)
 * rather than postgres.js `.cursor()`: a postgres.js cursor holds the connection until it is
 * drained, so the per-batch queries (comments, field values…) on the same connection would wait
 * on it forever, and they must run on this connection to see the same snapshot.
 *
 * PGlite: the embedded database has a single connection, so a transaction held for the whole
 * export would make every other request of the app wait. It reads in short keyset pages instead,
 * bounded by `fence` (the change barrier: every row stamped before it is committed). Documented
 * limitation: a row changed while the export runs is left out rather than shown as it was, and a
 * ticket changed between its page and the page's extras (comments, fields) may mix both states.
 */
export async function withSnapshot<R>(database: Database, accountId: number, read: (s: Snapshot) => Promise<R>): Promise<R> {
  if (database.kind === 'postgres') return withPostgresSnapshot(database.raw.postgres!, read);
  const fence = new Date(await readBarrier(database, accountId));
  return read({ at: fence, fence, batches: pgliteBatches(database), rows: (q) => database.rows(q) });
}

async function withPostgresSnapshot<R>(client: postgres.Sql, read: (s: Snapshot) => Promise<R>): Promise<R> {
  const conn = await client.reserve();
  try {
    await conn.unsafe('begin isolation level repeatable read read only');
    // JIT compiling the export's queries costs more than it saves: they are simple, their rows many.
    await conn.unsafe('set local jit = off');
    const run = <T>(q: SQL) => {
      const { sql: text, params } = dialect.sqlToQuery(q);
      return conn.unsafe(text, params as postgres.ParameterOrJSON<never>[]) as unknown as Promise<T[]>;
    };
    // The first statement fixes the snapshot; now() is the transaction's start, the same instant.
    const [row] = await run<{ at: number }>(sql`select (extract(epoch from now()) * 1000)::float8 as at`);
    const copyLines = (q: SQL) => copyOut(conn, q);
    const result = await read({ at: new Date(row!.at), fence: null, batches: postgresBatches(run), rows: run, copyLines });
    await conn.unsafe('commit');
    return result;
  } catch (e) {
    await conn.unsafe('rollback').catch(() => {}); // the connection may be gone; the error that matters is `e`
    throw e;
  } finally {
    conn.release();
  }
}

/**
 * CSV format with a quote and a delimiter that cannot occur in the values (control characters,
 * which JSON text escapes), so every value is written as is, one per line: the bytes are the lines.
 */
async function* copyOut(conn: postgres.ReservedSql, query: SQL): AsyncIterable<Buffer> {
  const { sql: text } = dialect.sqlToQuery(query.inlineParams());
  const stream = await conn.unsafe(`copy (${text}) to stdout with (format csv, quote e'\\x01', delimiter e'\\x02')`).readable();
  try {
    yield* stream as AsyncIterable<Buffer>;
  } finally {
    // postgres.js (3.4) pauses the socket when the stream's buffer is full and resumes it from the
    // stream's _read. When the last CopyData fills the buffer, the end of the COPY is read before
    // the socket pauses, _read is never called again and the connection's next query waits
    // forever. Calling _read once more resumes the socket; it does nothing else.
    (stream as unknown as { _read(size: number): void })._read(0);
  }
}

let cursorSeq = 0;

function postgresBatches(run: <T>(q: SQL) => Promise<T[]>): Batches {
  return async function* batches<T extends Record<string, unknown>>(query: SQL, batchSize = 1000) {
    const cursor = sql.raw(`export_cursor_${++cursorSeq}`);
    await run(sql`declare ${cursor} no scroll cursor for ${query}`);
    let failed = false;
    try {
      for (;;) {
        const rows = await run<T>(sql`fetch forward ${sql.raw(String(Math.max(1, Math.floor(batchSize))))} from ${cursor}`);
        if (!rows.length) return;
        yield rows;
      }
    } catch (e) {
      failed = true; // the transaction is aborted: closing would fail too
      throw e;
    } finally {
      if (!failed) await run(sql`close ${cursor}`);
    }
  };
}

function pgliteBatches(database: Database): Batches {
  return async function* batches<T extends Record<string, unknown>>(query: SQL, batchSize = 1000) {
    let last: number | null = null;
    for (;;) {
      const after: SQL = last === null ? sql`true` : sql`page.id > ${last}`;
      const rows: T[] = await database.rows<T>(sql`select * from (${query}) as page where ${after} order by page.id limit ${batchSize}`);
      if (!rows.length) return;
      yield rows;
      if (rows.length < batchSize) return;
      last = Number(rows[rows.length - 1]!.id);
    }
  };
}

/** Epoch milliseconds as a timestamptz, so times pass as numbers whatever the driver's date handling. */
export const at = (d: Date) => sql`to_timestamp(${d.getTime()}::float8 / 1000)`;

/** A timestamptz column as epoch milliseconds (a float8 on both drivers). */
export const ms = (column: SQL) => sql`(extract(epoch from ${column}) * 1000)::float8`;

/** Ids as one array parameter, typed the same way on both drivers. */
export const idArray = (ids: number[]) => sql`${`{${ids.join(',')}}`}::bigint[]`;

export const toDate = (v: unknown): Date | null => (v == null ? null : new Date(v as number));

/**
 * Loads batch n+1 (its rows and whatever `load` adds) while batch n is being written, so the
 * database and the serialising/compressing overlap instead of taking turns. Two batches at most
 * are held in memory.
 */
export async function* readAhead<A, B>(source: AsyncIterable<A>, load: (batch: A) => Promise<B>): AsyncIterable<B> {
  const it = source[Symbol.asyncIterator]();
  const next = async (): Promise<B | null> => {
    const r = await it.next();
    return r.done ? null : load(r.value);
  };
  let pending = next();
  let finished = false;
  try {
    for (;;) {
      const current = await pending;
      if (current === null) {
        finished = true;
        return;
      }
      pending = next();
      yield current;
    }
  } finally {
    if (!finished) {
      // Stopped early (an error or abort downstream): let the read in flight settle, then close the source.
      const settled = await pending.then(() => true, () => false);
      if (settled) await it.return?.();
    }
  }
}
