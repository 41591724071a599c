import { setTimeout as delay } from 'node:timers/promises';
import { and, eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { z } from 'zod';
import type { Queryable } from '../../../db/client.ts';
import { integrationLogs, jobs, LOG_STATUSES, type IntegrationLog, type Job, type LogStatus } from '../../../db/schema/index.ts';
import { AppError } from '../../core/errors.ts';
import { iso } from '../../core/format.ts';
import { retryJob } from '../../engine/queue.ts';
import {
  decodeCursor, encodeCursor, exportChunks, findLog, listPage, logShape, positionOf, productsWithErrors, rowsSince, type LogFilter,
} from '../../logs/query.ts';
import { currentActor, requireRole } from '../auth.ts';
import type { AppEnv, Deps } from '../types.ts';
import { idParam, parseQuery } from '../validate.ts';

const WEEK_MS = 7 * 24 * 3600_000;
const DEFAULT_PAGE = 50;
const MAX_PAGE = 100;

const badParam = (name: string, description: string, code = 'InvalidParameter') =>
  new AppError(400, code, `Invalid query parameter ${name}: ${description}`, { [name]: [{ description }] });

const ISO_TIME = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(Z|[+\- ]\d{2}:?\d{2})?)?$/i;

/** ISO 8601 (UTC when it names no offset) or epoch seconds; undefined when it is neither. */
function parseTime(raw: string): Date | undefined {
  if (/^\d{1,11}$/.test(raw)) return new Date(Number(raw) * 1000);
  const m = ISO_TIME.exec(raw);
  if (!m) return undefined;
  const [, day = '', time = '00:00', zone = 'Z'] = m;
  // An offset's '+' that the client did not percent-encode arrives as a space.
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.startsWith('-') ? '-' : '+'}${zone.slice(1, 3)}:${zone.slice(-2)}`;
  const ms = Date.parse(`${day}T${time}${offset}`);
  // Date.parse rolls 02-30 over to March; a day that does not exist is an error, not another day.
  if (Number.isNaN(ms) || new Date(`${day}T00:00Z`).toISOString().slice(0, 10) !== day) return undefined;
  return new Date(ms);
}

const zTime = z.string().transform((s, ctx) => {
  const at = parseTime(s.trim());
  if (at) return at;
  ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 date and time (UTC when no offset is given) or epoch seconds' });
  return z.NEVER;
});

const splitList = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const isStatus = (s: string): s is LogStatus => (LOG_STATUSES as readonly string[]).includes(s);

const zProducts = z.string().transform(splitList)
  .refine((l) => l.length > 0 && l.length <= 50 && l.every((p) => p.length <= 200), 'must be a comma-separated list of up to 50 product names');

const zStatuses = z.string().transform((s, ctx) => {
  const list = splitList(s);
  const statuses = list.filter(isStatus);
  if (list.length > 0 && statuses.length === list.length) return statuses;
  ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of ${LOG_STATUSES.join(', ')}` });
  return z.NEVER;
});

/** A form submits the filters it leaves empty as `name=`: empty means not given. */
const optional = <S extends z.ZodType>(schema: S) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const filterParams = z.object({
  start_time: optional(zTime),
  end_time: optional(zTime),
  product: optional(zProducts),
  status: optional(zStatuses),
  q: optional(z.string().max(200, 'must be at most 200 characters')),
  ticket_id: optional(z.string().regex(/^0*[1-9]\d{0,14}$/, 'must be a positive integer').transform(Number)),
}).loose();

const pageParams = z.object({
  'page[size]': optional(z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_PAGE, `must be at most ${MAX_PAGE}`)),
  'page[after]': optional(z.string().max(200)),
}).loose();

const exportParams = z.object({ format: z.enum(['csv', 'ndjson']).default('csv') }).loose();

/** The filters of the request, with the window exactly as given (the live tail has no default window). */
function openFilter(c: Context<AppEnv>): LogFilter {
  const p = parseQuery(c, filterParams);
  if (p.start_time && p.end_time && p.start_time >= p.end_time) throw badParam('start_time', 'must be before end_time');
  return {
    accountId: c.get('account').id, start: p.start_time, end: p.end_time,
    products: p.product, statuses: p.status, text: p.q, ticketId: p.ticket_id,
  };
}

/** The filters with a definite window [start, end): by default the 7 days up to now; start defaults to a week before end. */
function boundedFilter(c: Context<AppEnv>, now: Date): LogFilter & { start: Date; end: Date } {
  const f = openFilter(c);
  const end = f.end ?? now;
  const start = f.start ?? new Date(end.getTime() - WEEK_MS);
  if (start >= end) throw badParam('start_time', 'must be before end_time');
  return { ...f, start, end };
}

/** Keeps the caller's filters and pins the window, so following `next` later walks the same rows. */
function nextLink(c: Context<AppEnv>, f: { start: Date; end: Date }, cursor: string): string {
  const requested = new URL(c.req.url);
  const url = new URL(c.get('base') + requested.pathname + requested.search);
  url.searchParams.set('start_time', f.start.toISOString());
  url.searchParams.set('end_time', f.end.toISOString());
  url.searchParams.set('page[after]', cursor);
  return url.toString();
}

const jobShape = (job: Job) => ({
  id: job.id, state: job.state, attempts: job.attempts, max_attempts: job.maxAttempts,
  run_at: iso(job.runAt), last_error: job.lastError, retryable: job.state === 'dead',
});

/** `20260302T090000Z`: a window bound that is safe in a file name. */
const fileStamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');

function textStream(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  // Pull-driven: the next page is read only when the client has taken the previous one.
  return new ReadableStream({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

export type TailOptions = { pollMs?: number; heartbeatMs?: number };

/**
 * Rows are written in batches by several processes, so one may commit with a ts a little older
 * than rows already sent. Each poll re-reads LOOKBACK_MS behind the newest ts seen and skips the
 * ids already sent; later than that, a row is missed.
 */
const LOOKBACK_MS = 5_000;
const MAX_SEEN = 10_000;
const TAIL_BATCH = 500;

/** Ids already sent (or present when the tail began) that a poll can still return: those inside the lookback. */
class RecentIds {
  private readonly tsById = new Map<number, number>();
  private newest = -Infinity;

  add(rows: IntegrationLog[]) {
    for (const r of rows) {
      this.tsById.set(r.id, r.ts.getTime());
      this.newest = Math.max(this.newest, r.ts.getTime());
    }
    // Map order is insertion order, oldest first: a burst beyond MAX_SEEN forgets its oldest ids.
    for (const [id, ts] of this.tsById) {
      if (ts < this.newest - LOOKBACK_MS || this.tsById.size > MAX_SEEN) this.tsById.delete(id);
    }
  }

  floor(): Date | undefined {
    return this.tsById.size > 0 ? new Date(this.newest - LOOKBACK_MS) : undefined;
  }

  ids(): number[] {
    return [...this.tsById.keys()];
  }
}

async function pause(ms: number, signal: AbortSignal) {
  try {
    await delay(ms, undefined, { signal });
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}

async function liveTail(stream: SSEStreamingApi, db: Queryable, f: LogFilter, base: string, { pollMs = 500, heartbeatMs = 15_000 }: TailOptions) {
  const stop = new AbortController();
  stream.onAbort(() => stop.abort());
  const seen = new RecentIds();
  // Rows already there belong to the past: remember the newest ones so they are not sent.
  const [newest] = (await listPage(db, f, 1)).rows;
  if (newest) seen.add(await rowsSince(db, f, new Date(newest.ts.getTime() - LOOKBACK_MS), [], MAX_SEEN));
  // Tells the client that every row from now on will be sent.
  await stream.write(': ready\n\n');
  let lastBeat = Date.now();
  while (!stop.signal.aborted) {
    const rows = await rowsSince(db, f, seen.floor(), seen.ids(), TAIL_BATCH);
    for (const row of rows) await stream.writeSSE({ event: 'log', id: String(row.id), data: JSON.stringify(logShape(row, base)) });
    seen.add(rows);
    if (Date.now() - lastBeat >= heartbeatMs) {
      await stream.write(': heartbeat\n\n');
      lastBeat = Date.now();
    }
    // A full batch means more are waiting: read on without sleeping.
    if (rows.length < TAIL_BATCH) await pause(pollMs, stop.signal);
  }
}

/** The integration log API (SPEC L3–L6, B1–B4), admins only. */
export function logRoutes({ database, clock }: Deps, tail: TailOptions = {}) {
  const app = new Hono<AppEnv>();
  const db = database.db;
  app.use('*', requireRole('admin'));

  app.get('/', async (c) => {
    const f = boundedFilter(c, clock.now());
    const p = parseQuery(c, pageParams);
    const raw = p['page[after]'];
    const after = raw === undefined ? undefined : decodeCursor(raw);
    if (raw !== undefined && !after) throw badParam('page[after]', 'is not a cursor this API issued', 'InvalidPaginationParameter');
    const { rows, hasMore } = await listPage(db, f, p['page[size]'] ?? DEFAULT_PAGE, after);
    const last = rows[rows.length - 1];
    const cursor = last ? encodeCursor(positionOf(last)) : null;
    return c.json({
      logs: rows.map((r) => logShape(r, c.get('base'))),
      meta: { has_more: hasMore, after_cursor: cursor },
      links: { next: hasMore && cursor ? nextLink(c, f, cursor) : null },
    });
  });

  app.get('/products', async (c) => {
    const f = boundedFilter(c, clock.now());
    return c.json({ products: await productsWithErrors(db, f) });
  });

  app.get('/stream', (c) => {
    const f = openFilter(c);
    return streamSSE(c, (stream) => liveTail(stream, db, f, c.get('base'), tail));
  });

  app.get('/export', (c) => {
    const { format } = parseQuery(c, exportParams);
    const f = boundedFilter(c, clock.now());
    const file = `integration-log-${fileStamp(f.start)}-${fileStamp(f.end)}.${format}`;
    return c.body(textStream(exportChunks(db, f, format, c.get('base'))), 200, {
      'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="${file}"`,
    });
  });

  app.get('/:id', async (c) => {
    const accountId = c.get('account').id;
    const row = await findLog(db, accountId, idParam(c));
    const log = logShape(row, c.get('base'));
    if (row.jobId === null) return c.json({ log });
    // The job may have been deleted since; the row stays readable.
    const [job] = await db.select().from(jobs).where(and(eq(jobs.accountId, accountId), eq(jobs.id, row.jobId)));
    return c.json({ log, job: job ? jobShape(job) : null });
  });

  // SPEC B4: requeue the dead job behind a row, and say in the log who asked.
  app.post('/:id/retry', async (c) => {
    const accountId = c.get('account').id;
    const actor = currentActor(c);
    const row = await findLog(db, accountId, idParam(c));
    const jobId = row.jobId;
    if (jobId === null) throw new AppError(422, 'NotRetryable', `Log row ${row.id} is not tied to a job, so there is nothing to retry`);
    const result = await db.transaction(async (tx) => {
      const job = await retryJob(tx, accountId, jobId, clock);
      const [log] = await tx.insert(integrationLogs).values({
        ts: clock.now(), accountId, product: row.product, status: 'info', description: `Retry requested by ${actor.name}`,
        details: { job_id: jobId, retried_log_id: row.id, requested_by: { id: actor.id, name: actor.name } },
        ticketId: row.ticketId, jobId,
      }).returning();
      return { job, log: log! };
    });
    return c.json({ job: jobShape(result.job), log: logShape(result.log, c.get('base')) }, 202);
  });

  return app;
}
