/**
 * The integration log writer (SPEC L1–L3, R3): callers hand rows over and go on; rows are redacted
 * and stamped at once, then committed in batches (group commit), so logging never costs a round
 * trip per row and a database outage costs buffered rows, not failed jobs.
 *
 * PostgreSQL receives each batch as one `COPY … FROM STDIN` (the fastest bulk path); PGlite as one
 * `INSERT … SELECT FROM unnest(…)` (measured: COPY through PGlite's `/dev/blob` was no faster).
 */
import type { PGlite } from '@electric-sql/pglite';
import type postgres from 'postgres';
import type { Writable } from 'node:stream';
import type { Database } from '../../db/client.ts';
import { LOG_STATUSES, type LogStatus } from '../../db/schema/runner.ts';
import { cut, redactDetailsJson, redactText, storable } from './redact.ts';

export type LogRowInput = {
  accountId: number;
  product: string;
  status: 'info' | 'warning' | 'error' | 'debug';
  description: string;
  details?: Record<string, unknown>;
  ticketId?: number | null;
  jobId?: number | null;
  ts?: Date;
};

export type LogWriter = {
  /**
   * Redacts and stamps the row now, buffers it, and resolves once its batch is committed. Callers
   * may ignore the promise: it rejects only if the row is dropped, and that rejection is handled
   * unless the caller awaits it. Throws a TypeError at once for an invalid row, or after close().
   */
  write(row: LogRowInput, secrets?: string[]): Promise<void>;
  /** Resolves when every row written before the call is committed (or dropped). Waits while the database is down. */
  flush(): Promise<void>;
  /** Flushes, then stops the timers; later writes throw. */
  close(): Promise<void>;
  /** Rows written and not yet committed. */
  readonly pending: number;
};

export type LogWriterOptions = {
  /** How long the first buffered row waits for companions (default 50 ms). */
  flushIntervalMs?: number;
  /** Rows per insert at most; this many buffered rows flush at once (default 5,000: under a burst, fewer and larger commits). */
  maxBatch?: number;
  /** Beyond this many waiting rows the oldest are dropped (default 100,000), so an outage cannot exhaust memory. */
  maxBuffered?: number;
  /** Failed flushes (retried) and dropped rows ({@link LogRowsDroppedError}). Default: console.error. */
  onError?: (err: unknown) => void;
  now?: () => Date;
};

/** Rows given up because more than `maxBuffered` were waiting: the rejection of their write() and the onError report. */
export class LogRowsDroppedError extends Error {
  constructor(readonly dropped: number) {
    super(`integration log: ${dropped} row(s) dropped, more than the buffer holds were waiting for the database`);
    this.name = 'LogRowsDroppedError';
  }
}

const MAX_DESCRIPTION = 2000;
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5000;
const COLUMNS = 'ts, account_id, product, status, description, details, ticket_id, job_id';
const STATUSES: ReadonlySet<string> = new Set(LOG_STATUSES);
/** One shared empty list, so the redactor's per-list memo is hit when no secrets are given. */
const NO_SECRETS: string[] = [];

/** A row as it will be stored: redacted, stamped, validated, every value ready for the driver. */
type PreparedRow = {
  ts: string;
  accountId: number;
  product: string;
  status: LogStatus;
  description: string;
  details: string;
  ticketId: number | null;
  jobId: number | null;
};

type Entry = { seq: number; row: PreparedRow; done: Promise<void>; resolve: () => void; reject: (err: unknown) => void };
type Insert = (rows: PreparedRow[]) => Promise<void>;

export function createLogWriter(database: Database, opts: LogWriterOptions = {}): LogWriter {
  const flushIntervalMs = opts.flushIntervalMs ?? 50;
  const maxBatch = Math.max(1, opts.maxBatch ?? 5000);
  const maxBuffered = Math.max(1, opts.maxBuffered ?? 100_000);
  const onErrorOption = opts.onError ?? ((err: unknown) => console.error('[integration log]', err));
  const now = opts.now ?? (() => new Date());
  const insert = inserterFor(database);

  const queue = new Fifo<Entry>(); // waiting, oldest first
  let inflight: Entry[] = [];
  let flushing = false;
  let due = false; // a flush is owed now: the interval ran out, or flush()/close() asked
  let intervalTimer: NodeJS.Timeout | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryDelay = RETRY_FIRST_MS;
  let unreportedDrops = 0;
  let lastSeq = 0;
  let closed = false;
  const waiters: { upTo: number; resolve: () => void }[] = [];

  /** A throwing handler must not stop the flush loop. */
  function onError(err: unknown): void {
    try {
      onErrorOption(err);
    } catch {
      // nothing sensible left to do with it
    }
  }

  function write(input: LogRowInput, secrets: string[] = NO_SECRETS): Promise<void> {
    if (closed) throw new Error('integration log: write() after close()');
    const row = prepareRow(input, secrets, now);
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const done = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
    queue.push({ seq: ++lastSeq, row, done, resolve, reject });
    if (queue.length > maxBuffered) dropOldest();
    kick();
    return done;
  }

  /** Starts a flush when one is owed, or arms the interval timer for the rows now waiting. */
  function kick(): void {
    if (flushing || retryTimer || queue.length === 0) return;
    if (due || queue.length >= maxBatch || waiters.length > 0) {
      due = false;
      clearTimeout(intervalTimer);
      intervalTimer = undefined;
      void flushBatch();
    } else if (!intervalTimer) {
      intervalTimer = setTimeout(() => { intervalTimer = undefined; due = true; kick(); }, flushIntervalMs);
    }
  }

  async function flushBatch(): Promise<void> {
    flushing = true;
    inflight = queue.take(maxBatch);
    try {
      await insert(inflight.map((e) => e.row));
      for (const e of inflight) e.resolve();
      retryDelay = RETRY_FIRST_MS;
    } catch (err) {
      // Keep the rows, oldest first, and try again later; the buffer bound still holds.
      queue.unshiftAll(inflight);
      if (queue.length > maxBuffered) dropOldest();
      onError(err);
      scheduleRetry();
    } finally {
      inflight = [];
      flushing = false;
    }
    if (unreportedDrops > 0) {
      onError(new LogRowsDroppedError(unreportedDrops));
      unreportedDrops = 0;
    }
    settleWaiters();
    kick();
  }

  function scheduleRetry(): void {
    retryTimer = setTimeout(() => { retryTimer = undefined; due = true; kick(); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  }

  function dropOldest(): void {
    const count = queue.length - maxBuffered;
    const err = new LogRowsDroppedError(count);
    for (let i = 0; i < count; i++) {
      const e = queue.shift()!;
      // Handled here so that an ignored write() never becomes an unhandled rejection; a caller awaiting it still sees it.
      e.done.catch(() => {});
      e.reject(err);
    }
    unreportedDrops += count;
    settleWaiters();
  }

  function oldestUnsettled(): number {
    return inflight[0]?.seq ?? queue.peek()?.seq ?? Infinity;
  }

  function settleWaiters(): void {
    const oldest = oldestUnsettled();
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i]!;
      if (w.upTo < oldest) {
        waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  function flush(): Promise<void> {
    const upTo = lastSeq;
    if (upTo < oldestUnsettled()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      waiters.push({ upTo, resolve });
      kick();
    });
  }

  async function close(): Promise<void> {
    closed = true;
    await flush();
    clearTimeout(intervalTimer);
    intervalTimer = undefined;
  }

  return {
    write,
    flush,
    close,
    get pending() {
      return queue.length + inflight.length;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Rows

/**
 * Validates, redacts and stamps a row. Invalid rows are refused here, at the caller, because a row
 * the database rejects would fail its whole batch on every retry.
 */
function prepareRow(input: LogRowInput, secrets: readonly string[], now: () => Date): PreparedRow {
  const ts = input.ts ?? now();
  if (!(ts instanceof Date) || !(ts.getUTCFullYear() >= 1 && ts.getUTCFullYear() <= 9999)) {
    throw new TypeError('integration log: ts must be a valid Date between years 1 and 9999');
  }
  if (!STATUSES.has(input.status)) throw new TypeError(`integration log: unknown status ${JSON.stringify(input.status)}`);
  const product = typeof input.product === 'string' ? storable(input.product).trim() : '';
  if (product === '') throw new TypeError('integration log: product must be a non-empty string');
  return {
    ts: ts.toISOString(),
    accountId: id(input.accountId, 'accountId'),
    product,
    status: input.status,
    description: description(input.description, secrets),
    details: redactDetailsJson(input.details, secrets),
    ticketId: input.ticketId == null ? null : id(input.ticketId, 'ticketId'),
    jobId: input.jobId == null ? null : id(input.jobId, 'jobId'),
  };
}

function description(text: unknown, secrets: readonly string[]): string {
  if (typeof text !== 'string' || text.trim() === '') throw new TypeError('integration log: description must be a non-empty string');
  // Redact before cutting: a secret cut in half would no longer be recognised.
  const clean = storable(redactText(text, secrets));
  return clean.length > MAX_DESCRIPTION ? `${cut(clean, MAX_DESCRIPTION - 1)}…` : clean;
}

function id(value: unknown, name: string): number {
  if (!Number.isSafeInteger(value)) throw new TypeError(`integration log: ${name} must be an integer`);
  return value as number;
}

// ---------------------------------------------------------------------------------------------
// Inserts

function inserterFor(database: Database): Insert {
  if (database.raw.postgres) return copyInserter(database.raw.postgres);
  if (database.raw.pglite) return unnestInserter(database.raw.pglite);
  throw new Error('integration log: the database exposes neither a postgres nor a PGlite client');
}

/**
 * One COPY per batch, inside an explicit transaction on a reserved connection. postgres.js never
 * settles a COPY writable that the server rejects after the data was sent (porsager/postgres#1173)
 * and swallows the error, so the outcome is read from COMMIT instead: PostgreSQL answers ROLLBACK
 * to the COMMIT of a transaction whose COPY failed.
 */
function copyInserter(sql: postgres.Sql): Insert {
  return async (rows) => {
    const conn = await sql.reserve();
    try {
      await conn`begin`;
      const stream = await conn.unsafe(`copy integration_logs (${COLUMNS}) from stdin`).writable();
      await endCopy(stream, copyText(rows));
      const result = await conn`commit`;
      if (result.command !== 'COMMIT') throw new Error('integration log: PostgreSQL rejected the COPY batch (postgres.js does not report why)');
    } catch (err) {
      // Never hand a connection back inside a transaction.
      await conn`rollback`.catch(() => {});
      throw err;
    } finally {
      conn.release();
    }
  };
}

/**
 * Sends the data and the end of the COPY; resolves once the end is on its way (postgres.js then
 * accepts the next query on the connection), rejects if the stream fails first. It does not wait
 * for 'finish', which never comes when the server rejects the data.
 */
function endCopy(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const target = stream as Writable & { _final: (cb: (err?: Error | null) => void) => void };
    const final = target._final;
    target._final = function (cb) {
      final.call(this, cb);
      resolve();
    };
    stream.once('error', reject);
    stream.end(text);
  });
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIAL_ALL = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** COPY text format: the four characters with a meaning are backslash-escaped. */
function copyEscape(text: string): string {
  return COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIAL_ALL, (c) => COPY_ESCAPES[c]!) : text;
}

/** Column order as in {@link COLUMNS}; `\N` is NULL. */
function copyText(rows: readonly PreparedRow[]): string {
  let out = '';
  for (const r of rows) {
    out += `${r.ts}\t${r.accountId}\t${copyEscape(r.product)}\t${r.status}\t${copyEscape(r.description)}\t${copyEscape(r.details)}\t${r.ticketId ?? '\\N'}\t${r.jobId ?? '\\N'}\n`;
  }
  return out;
}

function unnestInserter(pg: PGlite): Insert {
  // PGlite serialises JS arrays only for built-in element types: enum and jsonb arrays travel as text[].
  const statement = `insert into integration_logs (${COLUMNS})
    select * from unnest($1::timestamptz[], $2::bigint[], $3::text[], $4::text[]::log_status[], $5::text[], $6::text[]::jsonb[], $7::bigint[], $8::bigint[])`;
  return async (rows) => {
    await pg.query(statement, [
      rows.map((r) => r.ts),
      rows.map((r) => r.accountId),
      rows.map((r) => r.product),
      rows.map((r) => r.status),
      rows.map((r) => r.description),
      rows.map((r) => r.details),
      rows.map((r) => r.ticketId),
      rows.map((r) => r.jobId),
    ]);
  };
}

// ---------------------------------------------------------------------------------------------

/** A FIFO with O(1) removal at the head (Array#shift is O(n), and an outage can queue 100,000 rows). */
class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    this.compact();
    return item;
  }

  take(count: number): T[] {
    const out = this.items.slice(this.head, this.head + count) as T[];
    this.items.fill(undefined, this.head, this.head + out.length);
    this.head += out.length;
    this.compact();
    return out;
  }

  unshiftAll(front: T[]): void {
    this.items = [...front, ...this.items.slice(this.head)];
    this.head = 0;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
