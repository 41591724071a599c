import { and, eq, sql } from 'drizzle-orm';
import type { Database, Queryable } from '../../db/client.ts';
import { jobs, type Job } from '../../db/schema/index.ts';
import type { Clock } from '../core/clock.ts';
import { AppError, notFound } from '../core/errors.ts';

/**
 * The durable job queue (SPEC R2) over one PostgreSQL table, the pattern of graphile-worker/pg-boss:
 * claim with FOR UPDATE SKIP LOCKED, hold under a lease the worker extends, retry with exponential
 * backoff and jitter (or the server's Retry-After), and keep dead jobs for an admin to see and retry.
 * Works the same on PGlite and PostgreSQL: only SQL, no extension, no LISTEN needed.
 */

export type EnqueueInput = {
  accountId: number;
  kind: string;
  name: string;
  payload?: unknown;
  connectorId?: string | null;
  installationId?: number | null;
  ticketId?: number | null;
  /** Higher runs first. */
  priority?: number;
  runAt?: Date;
  maxAttempts?: number;
  /** A second enqueue with the same key (per account) is a no-op and returns the first job's id. */
  idempotencyKey?: string | null;
};

export const DEFAULT_MAX_ATTEMPTS = 8;

/** Returns the job id and whether this call created it. */
export async function enqueue(q: Queryable, input: EnqueueInput, clock: Clock): Promise<{ id: number; created: boolean }> {
  const values = {
    accountId: input.accountId,
    kind: input.kind,
    name: input.name,
    payload: input.payload ?? {},
    connectorId: input.connectorId ?? null,
    installationId: input.installationId ?? null,
    ticketId: input.ticketId ?? null,
    priority: input.priority ?? 0,
    runAt: input.runAt ?? clock.now(),
    maxAttempts: input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    idempotencyKey: input.idempotencyKey ?? null,
    createdAt: clock.now(),
    updatedAt: clock.now(),
  };
  const [row] = await q.insert(jobs).values(values)
    .onConflictDoNothing({ target: [jobs.accountId, jobs.idempotencyKey], where: sql`${jobs.idempotencyKey} is not null` })
    .returning({ id: jobs.id });
  if (row) return { id: row.id, created: true };
  const [existing] = await q.select({ id: jobs.id }).from(jobs)
    .where(and(eq(jobs.accountId, input.accountId), eq(jobs.idempotencyKey, input.idempotencyKey!)));
  return { id: existing!.id, created: false };
}

export type ClaimOptions = {
  workerId: string;
  limit: number;
  leaseMs: number;
  /** Jobs of a connector may not run more than this many at once, across every worker process. */
  connectorLimits?: Record<string, number>;
  /** Only these kinds (a worker process may specialise); all when absent. */
  kinds?: string[];
};

/**
 * Claims up to `limit` due jobs. Claims are serialised by a transaction-level advisory lock so the
 * per-connector limits hold exactly across processes; the rows themselves are taken with
 * FOR UPDATE SKIP LOCKED, so a row someone else is touching is passed over, never waited on.
 */
export async function claimJobs(database: Database, opts: ClaimOptions, clock: Clock): Promise<Job[]> {
  if (opts.limit <= 0) return [];
  const now = clock.now();
  const until = new Date(now.getTime() + opts.leaseMs);
  const limits = JSON.stringify(opts.connectorLimits ?? {});
  // Arrays go as JSON: drizzle would spread a JS array into a row value.
  const kindFilter = opts.kinds ? sql`kind in (select jsonb_array_elements_text(${JSON.stringify(opts.kinds)}::jsonb))` : sql`true`;
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(727274, 2)`);
    const rows = await database.rows<{ id: number }>(sql`
      with limits as (
        select key as connector_id, value::int as max_running from jsonb_each_text(${limits}::jsonb)
      ),
      running as (
        select connector_id, count(*)::int as n from jobs
        where state = 'running' and locked_until > ${now.toISOString()}::timestamptz and connector_id in (select connector_id from limits)
        group by connector_id
      ),
      candidates as (
        select id, connector_id, priority, run_at from jobs
        where state = 'queued' and run_at <= ${now.toISOString()}::timestamptz
          and ${kindFilter}
        order by priority desc, run_at, id
        limit ${opts.limit * 4}
        for update skip locked
      ),
      ranked as (
        select c.id, c.priority, c.run_at, l.max_running, coalesce(r.n, 0) as n,
               row_number() over (partition by c.connector_id order by c.priority desc, c.run_at, c.id) as rn
        from candidates c
        left join limits l on l.connector_id = c.connector_id
        left join running r on r.connector_id = c.connector_id
      )
      select id from ranked
      where max_running is null or n + rn <= max_running
      order by priority desc, run_at, id
      limit ${opts.limit}`, tx);
    if (rows.length === 0) return [];
    const ids = rows.map((r) => Number(r.id));
    const claimed = await tx.update(jobs)
      .set({ state: 'running', attempts: sql`${jobs.attempts} + 1`, lockedBy: opts.workerId, lockedUntil: until, startedAt: now, updatedAt: now })
      .where(sql`${jobs.id} in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`)
      .returning();
    return claimed.sort((a, b) => b.priority - a.priority || a.runAt.getTime() - b.runAt.getTime() || a.id - b.id);
  });
}

/** Extends the lease of the jobs this worker still holds. Returns the ids it no longer holds. */
export async function heartbeat(q: Queryable, workerId: string, ids: number[], leaseMs: number, clock: Clock): Promise<number[]> {
  if (ids.length === 0) return [];
  const until = new Date(clock.now().getTime() + leaseMs);
  const held = await q.update(jobs).set({ lockedUntil: until })
    .where(sql`${jobs.id} in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) and ${jobs.lockedBy} = ${workerId} and ${jobs.state} = 'running'`)
    .returning({ id: jobs.id });
  const still = new Set(held.map((r) => r.id));
  return ids.filter((id) => !still.has(id));
}

/** Marks a job done, only if this worker still holds it (a job whose lease was lost is someone else's now). */
export async function completeJob(q: Queryable, job: Pick<Job, 'id'>, workerId: string, clock: Clock): Promise<boolean> {
  const now = clock.now();
  const rows = await q.update(jobs)
    .set({ state: 'succeeded', lockedBy: null, lockedUntil: null, finishedAt: now, updatedAt: now, lastError: null })
    .where(and(eq(jobs.id, job.id), eq(jobs.lockedBy, workerId), eq(jobs.state, 'running')))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

export type FailureInfo = {
  message: string;
  code?: string | undefined;
  status?: number | undefined;
  /** The server asked to wait this long (HTTP 429/503 Retry-After). */
  retryAfterMs?: number | undefined;
  /** Do not retry: the input is wrong and will stay wrong. */
  permanent?: boolean | undefined;
};

export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_MAX_MS = 60 * 60_000;

/**
 * Delay before attempt n+1 after n failures: base·2^(n−1), capped, with "full jitter" on the upper
 * half (so retries of many jobs that failed together spread out) — or the server's Retry-After.
 */
export function retryDelayMs(attempts: number, failure: Pick<FailureInfo, 'retryAfterMs'>, random: () => number = Math.random): number {
  if (failure.retryAfterMs !== undefined && failure.retryAfterMs >= 0) return Math.min(failure.retryAfterMs, 24 * 3600_000);
  const exp = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** Records a failed attempt: back to the queue after the delay, or dead when attempts are used up. */
export async function failJob(
  q: Queryable, job: Pick<Job, 'id' | 'attempts' | 'maxAttempts'>, workerId: string | null, failure: FailureInfo, clock: Clock,
): Promise<{ state: 'queued' | 'dead'; runAt: Date | null }> {
  const now = clock.now();
  const dead = failure.permanent || job.attempts >= job.maxAttempts;
  const delay = dead ? 0 : retryDelayMs(job.attempts, failure);
  const runAt = dead ? null : new Date(now.getTime() + delay);
  const lastError = {
    message: failure.message, code: failure.code ?? null, status: failure.status ?? null,
    retry_after_ms: failure.retryAfterMs ?? null, attempt: job.attempts, at: now.toISOString(), next_run_at: runAt?.toISOString() ?? null,
  };
  const guard = workerId === null ? undefined : eq(jobs.lockedBy, workerId);
  await q.update(jobs)
    .set(dead
      ? { state: 'dead', lockedBy: null, lockedUntil: null, finishedAt: now, updatedAt: now, lastError }
      : { state: 'queued', lockedBy: null, lockedUntil: null, runAt: runAt!, updatedAt: now, lastError })
    .where(and(eq(jobs.id, job.id), eq(jobs.state, 'running'), guard));
  return { state: dead ? 'dead' : 'queued', runAt };
}

/** Puts back, without counting an attempt, the jobs a stopping worker had not started or could not finish. */
export async function releaseJobs(q: Queryable, workerId: string, ids: number[], clock: Clock): Promise<void> {
  if (ids.length === 0) return;
  await q.update(jobs)
    .set({ state: 'queued', attempts: sql`greatest(${jobs.attempts} - 1, 0)`, lockedBy: null, lockedUntil: null, updatedAt: clock.now() })
    .where(sql`${jobs.id} in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) and ${jobs.lockedBy} = ${workerId} and ${jobs.state} = 'running'`);
}

/**
 * Jobs whose worker stopped extending the lease (crashed, killed, cut off): the attempt counts as
 * failed and the job goes back to the queue (or is dead when attempts are used up).
 */
export async function reapExpiredLeases(database: Database, clock: Clock): Promise<Job[]> {
  const now = clock.now();
  return database.db.transaction(async (tx) => {
    const expired = await tx.select().from(jobs)
      .where(sql`${jobs.state} = 'running' and ${jobs.lockedUntil} < ${now.toISOString()}::timestamptz`)
      .limit(500).for('update', { skipLocked: true });
    for (const job of expired) {
      // Run again at once: the failure was the worker's, not the job's.
      await failJob(tx, job, null, { message: `The worker ${job.lockedBy ?? ''} stopped responding (lease expired); the attempt is counted as failed`, code: 'LeaseExpired', retryAfterMs: 0 }, clock);
    }
    return expired;
  });
}

export async function findJob(q: Queryable, accountId: number, id: number): Promise<Job> {
  const [job] = await q.select().from(jobs).where(and(eq(jobs.accountId, accountId), eq(jobs.id, id)));
  if (!job) throw notFound('Job');
  return job;
}

/**
 * An admin's retry (SPEC B4): a dead job goes back to the queue now with a fresh set of attempts.
 * A job still queued or running, or already succeeded, is refused with 409 and the reason.
 */
export async function retryJob(q: Queryable, accountId: number, id: number, clock: Clock): Promise<Job> {
  const job = await findJob(q, accountId, id);
  if (job.state !== 'dead') {
    const why = job.state === 'succeeded' ? 'it has already succeeded' : job.state === 'running' ? 'it is running now' : 'it is already waiting to run';
    throw new AppError(409, 'JobNotRetryable', `Job ${id} cannot be retried: ${why}`);
  }
  const now = clock.now();
  const [updated] = await q.update(jobs)
    .set({ state: 'queued', runAt: now, maxAttempts: job.attempts + job.maxAttempts, finishedAt: null, updatedAt: now })
    .where(and(eq(jobs.id, id), eq(jobs.state, 'dead')))
    .returning();
  if (!updated) throw new AppError(409, 'JobNotRetryable', `Job ${id} changed while retrying; reload and try again`);
  return updated;
}
