/**
 * The job queue (issue #10 item 6, SPEC R2): `npm run bench -- queue`, or
 * `npx tsx bench/queue.ts [--quick]` for the raw JSON report. Needs PostgreSQL.
 *
 * Database: `deskbridge_bench_queue` (created when missing; `jobs` and `integration_logs` are
 * truncated before each measurement, so nothing is reused between runs but the schema).
 *
 * Figures:
 * - drain throughput: N no-op jobs queued up front, then W worker processes (forked from this
 *   file with --worker, each the real engine of runner/engine/engine.ts with its defaults:
 *   concurrency 8, poll 500 ms, lease 60 s, outbox dispatch on, the real log writer with its
 *   50 ms flush) start at once; time from the start signal to the last finished_at. W = 1, 2, 4.
 *   Target ≥ 2,000 jobs/s on 2 cores: the best W counts.
 * - enqueue → start latency: idle workers polling at the default interval; jobs enqueued one at a
 *   time through queue.ts enqueue() at a steady rate; p50/p95/p99 of started_at − created_at.
 * Baselines, measured in the same run, no engine: the raw queue cycle in plain SQL on one
 * connection (claim a batch of 8, the engine's concurrency, with claimJobs' advisory lock and
 * FOR UPDATE SKIP LOCKED query, then mark the batch succeeded); for latency, the same raw cycle
 * as a poller at the engine's 500 ms poll interval.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createDb, type Database } from '../db/client.ts';
import { createAccount, findAccountBySubdomain } from '../runner/core/accounts.ts';
import { systemClock } from '../runner/core/clock.ts';
import { createSecretBox } from '../runner/core/crypto.ts';
import { createEngine, type Task } from '../runner/engine/engine.ts';
import { enqueue } from '../runner/engine/queue.ts';
import { ensureLogPartitions } from '../runner/logs/partitions.ts';
import { createLogWriter } from '../runner/logs/writer.ts';
import { ensureBenchDatabase } from './lib/database.ts';
import type { BenchContext, BenchFigure, BenchReport } from './lib/types.ts';

const THIS_FILE = fileURLToPath(import.meta.url);
const DATABASE = 'deskbridge_bench_queue';
const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
const SUBDOMAIN = 'bench-queue';
const KIND = 'bench-noop';
const TARGET_JOBS_PER_S = 2_000;
/** The engine's defaults (engine.ts), which the baselines mirror. */
const ENGINE_CONCURRENCY = 8;
const ENGINE_POLL_MS = 500;
const LEASE_MS = 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, digits = 0) => Number(n.toFixed(digits));
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });



async function ensureBenchAccount(database: Database): Promise<number> {
  const found = await findAccountBySubdomain(database.db, SUBDOMAIN);
  if (found) return found.id;
  const made = await createAccount(database.db, systemClock, { subdomain: SUBDOMAIN, name: SUBDOMAIN, owner: { name: 'Bench Admin', email: `admin@${SUBDOMAIN}.test` } });
  return made.account.id;
}

async function reset(database: Database): Promise<void> {
  await database.db.execute(sql`truncate jobs, integration_logs`);
  await ensureLogPartitions(database, new Date(), { daysBack: 0, daysAhead: 1 });
}

/** `n` due no-op jobs, as enqueue() would write them, in one statement. */
async function fillQueue(database: Database, accountId: number, n: number): Promise<void> {
  await database.db.execute(sql`
    insert into jobs (account_id, kind, name, payload, run_at, created_at, updated_at)
    select ${accountId}, ${KIND}, 'noop', '{}'::jsonb, now(), now(), now() from generate_series(1, ${n})`);
  await database.db.execute(sql`vacuum analyze jobs`);
}

// ---------------------------------------------------------------------------------------------
// The baseline: the raw queue cycle in plain SQL, no engine.

/** claimJobs' statement (runner/engine/queue.ts) with no connector limits, as plain SQL. */
const CLAIM_SQL = `
  with limits as (
    select key as connector_id, value::int as max_running from jsonb_each_text('{}'::jsonb)
  ),
  running as (
    select connector_id, count(*)::int as n from jobs
    where state = 'running' and locked_until > $1::timestamptz and connector_id in (select connector_id from limits)
    group by connector_id
  ),
  candidates as (
    select id, connector_id, priority, run_at from jobs
    where state = 'queued' and run_at <= $1::timestamptz
      and kind in (select jsonb_array_elements_text($2::text::jsonb))
    order by priority desc, run_at, id
    limit $3 * 4
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
  limit $3`;

const KINDS_JSON = JSON.stringify(['event', 'webhook', 'job', KIND]);

/** One raw cycle: claim up to `limit` (lease and all, as claimJobs does), then mark them succeeded. */
async function rawCycle(pg: postgres.Sql, limit: number): Promise<number> {
  const ids = await pg.begin(async (tx) => {
    const now = new Date();
    await tx`select pg_advisory_xact_lock(727274, 2)`;
    const rows = await tx.unsafe<{ id: string }[]>(CLAIM_SQL, [now.toISOString(), KINDS_JSON, limit]);
    if (rows.length === 0) return [];
    const ids = rows.map((r) => Number(r.id));
    await tx`update jobs set state = 'running', attempts = attempts + 1, locked_by = 'raw', locked_until = ${new Date(now.getTime() + LEASE_MS)},
             started_at = ${now}, updated_at = ${now} where id in ${tx(ids)}`;
    return ids;
  });
  if (ids.length === 0) return 0;
  const done = new Date();
  await pg`update jobs set state = 'succeeded', locked_by = null, locked_until = null, finished_at = ${done}, updated_at = ${done}
           where id in ${pg(ids)} and state = 'running'`;
  return ids.length;
}

async function rawDrain(url: string): Promise<number> {
  const pg = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const started = performance.now();
    while ((await rawCycle(pg, ENGINE_CONCURRENCY)) > 0) { /* until the queue is empty */ }
    return (performance.now() - started) / 1000;
  } finally {
    await pg.end();
  }
}

/** The raw cycle as a poller: drain what is due, then sleep the engine's poll interval. */
function rawPoller(url: string) {
  const pg = postgres(url, { max: 1, onnotice: () => {} });
  let running = true;
  const done = (async () => {
    while (running) {
      if ((await rawCycle(pg, ENGINE_CONCURRENCY)) > 0) continue;
      await sleep(ENGINE_POLL_MS);
    }
  })();
  return { async stop() { running = false; await done; await pg.end(); } };
}

// ---------------------------------------------------------------------------------------------
// Worker processes: the real engine.

type ToWorker = 'start' | 'stop';
type FromWorker = { ready: true } | { stopped: true; cpuMs: number } | { error: string };

async function workerMain(url: string): Promise<void> {
  const database = await createDb({ url });
  const logs = createLogWriter(database, { onError: (err) => console.error('[queue worker] integration log:', err) });
  const noop: Task = { product: 'bench', run: async () => {} };
  const engine = createEngine({
    database, clock: systemClock, logs, secrets: createSecretBox(randomBytes(32)), connectors: [], tasks: { [KIND]: noop },
    onError: (msg, err) => console.error(`[queue worker] ${msg}:`, err instanceof Error ? err.message : err),
  });
  const cpu0 = process.cpuUsage();
  process.on('message', (m: ToWorker) => {
    if (m === 'start') engine.start();
    if (m === 'stop') {
      void (async () => {
        await engine.stop();
        await logs.close();
        await database.close();
        const cpu = process.cpuUsage(cpu0);
        process.send!({ stopped: true, cpuMs: (cpu.user + cpu.system) / 1000 } satisfies FromWorker, () => process.exit(0));
      })();
    }
  });
  process.send!({ ready: true } satisfies FromWorker);
}

type Worker = { proc: ChildProcess; stopped: Promise<{ cpuMs: number }> };

/** Forks `count` workers and resolves once each has its engine built (not started). */
async function forkWorkers(url: string, count: number): Promise<Worker[]> {
  return Promise.all(Array.from({ length: count }, () => new Promise<Worker>((resolveReady, rejectReady) => {
    const proc = fork(THIS_FILE, ['--worker', url], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let resolveStopped!: (v: { cpuMs: number }) => void;
    let rejectStopped!: (e: Error) => void;
    const stopped = new Promise<{ cpuMs: number }>((res, rej) => { resolveStopped = res; rejectStopped = rej; });
    stopped.catch(() => {});
    let result: { cpuMs: number } | null = null;
    proc.on('message', (m: FromWorker) => {
      if ('ready' in m) resolveReady({ proc, stopped });
      else if ('stopped' in m) result = { cpuMs: m.cpuMs };
      else rejectReady(new Error(m.error));
    });
    proc.on('exit', (code) => {
      const err = new Error(`queue worker ended (exit ${code}) before reporting`);
      rejectReady(err);
      if (result) resolveStopped(result); else rejectStopped(err);
    });
  })));
}

async function stopWorkers(workers: Worker[]): Promise<number> {
  for (const w of workers) w.proc.send('stop' satisfies ToWorker);
  const stats = await Promise.all(workers.map((w) => w.stopped));
  return stats.reduce((s, x) => s + x.cpuMs, 0);
}

async function waitForEmptyQueue(database: Database, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await database.rows<{ n: string }>(sql`select count(*)::text as n from jobs where state in ('queued', 'running')`);
    if (Number(row!.n) === 0) return;
    if (Date.now() > deadline) throw new Error(`the queue still holds ${row!.n} jobs after ${timeoutMs / 1000} s`);
    await sleep(everyMs);
  }
}

type Outcome = { succeeded: number; other: number; lastFinishedMs: number; meanRunMs: number; logRows: number };

async function outcome(database: Database): Promise<Outcome> {
  const [row] = await database.rows<{ succeeded: string; other: string; last: string; mean_run: string | null; logs: string }>(sql`
    select count(*) filter (where state = 'succeeded')::text as succeeded, count(*) filter (where state <> 'succeeded')::text as other,
           (extract(epoch from max(finished_at)) * 1000)::text as last,
           (avg(extract(epoch from finished_at - started_at)) * 1000)::text as mean_run,
           (select count(*) from integration_logs)::text as logs
    from jobs`);
  return { succeeded: Number(row!.succeeded), other: Number(row!.other), lastFinishedMs: Number(row!.last), meanRunMs: Number(row!.mean_run ?? 0), logRows: Number(row!.logs) };
}

async function engineDrain(database: Database, url: string, accountId: number, n: number, workers: number) {
  await reset(database);
  await fillQueue(database, accountId, n);
  const procs = await forkWorkers(url, workers);
  const t0 = Date.now();
  for (const w of procs) w.proc.send('start' satisfies ToWorker);
  await waitForEmptyQueue(database, 10 * 60_000, 200);
  const cpuMs = await stopWorkers(procs);
  const o = await outcome(database);
  if (o.succeeded !== n || o.other !== 0) throw new Error(`drain with ${workers} worker(s): ${o.succeeded} of ${n} jobs succeeded, ${o.other} did not`);
  if (o.logRows < n) throw new Error(`drain with ${workers} worker(s): ${o.logRows} log rows for ${n} jobs`);
  const seconds = (o.lastFinishedMs - t0) / 1000;
  return { seconds, rate: n / seconds, meanRunMs: o.meanRunMs, cpuMsPerJob: cpuMs / n };
}

// ---------------------------------------------------------------------------------------------
// Enqueue → start latency.

type Latency = { p50: number; p95: number; p99: number; max: number; count: number };

/** Enqueues `rate` jobs/s for `seconds`, one at a time through enqueue(), on a fixed schedule. */
async function steadyEnqueue(database: Database, accountId: number, rate: number, seconds: number): Promise<number> {
  const total = Math.round(rate * seconds);
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    await enqueue(database.db, { accountId, kind: KIND, name: 'noop' }, systemClock);
  }
  return total;
}

async function latencies(database: Database, expected: number): Promise<Latency> {
  const [row] = await database.rows<{ p: number[] | string; max: string; n: string }>(sql`
    select percentile_cont(array[0.5, 0.95, 0.99]) within group (order by extract(epoch from started_at - created_at) * 1000) as p,
           (max(extract(epoch from started_at - created_at)) * 1000)::text as max, count(*)::text as n
    from jobs where state = 'succeeded'`);
  const p = (typeof row!.p === 'string' ? row!.p.replace(/[{}]/g, '').split(',') : row!.p).map(Number);
  if (Number(row!.n) !== expected) throw new Error(`latency run: ${row!.n} of ${expected} jobs succeeded`);
  return { p50: p[0]!, p95: p[1]!, p99: p[2]!, max: Number(row!.max), count: Number(row!.n) };
}

async function engineLatency(database: Database, url: string, accountId: number, workers: number, rate: number, seconds: number): Promise<Latency> {
  await reset(database);
  const procs = await forkWorkers(url, workers);
  for (const w of procs) w.proc.send('start' satisfies ToWorker);
  await sleep(1_000); // idle: past the first empty claims, into the poll rhythm
  const total = await steadyEnqueue(database, accountId, rate, seconds);
  await waitForEmptyQueue(database, 60_000);
  await stopWorkers(procs);
  return latencies(database, total);
}

async function rawLatency(database: Database, url: string, accountId: number, pollers: number, rate: number, seconds: number): Promise<Latency> {
  await reset(database);
  const ps = Array.from({ length: pollers }, () => rawPoller(url));
  await sleep(1_000);
  const total = await steadyEnqueue(database, accountId, rate, seconds);
  await waitForEmptyQueue(database, 60_000);
  await Promise.all(ps.map((p) => p.stop()));
  return latencies(database, total);
}

// ---------------------------------------------------------------------------------------------

export default async function queueBench(ctx: BenchContext): Promise<BenchReport> {
  const server = ctx.databaseUrl ?? DEFAULT_SERVER;
  const url = await ensureBenchDatabase(server, DATABASE);
  const database = await createDb({ url, maxConnections: 4 });
  // Sized for a ~1-minute run on a busy 2-core machine, where the engine drains ~50 jobs/s per worker.
  const n = ctx.quick ? 400 : 1_500;
  const workerCounts = [1, 2, 4];
  const latWorkers = 2;
  // Below one worker's drain rate, so the figure is the pickup delay, not a growing backlog.
  const rate = 40;
  const latSeconds = ctx.quick ? 2 : 10;
  try {
    const accountId = await ensureBenchAccount(database);

    ctx.log(`baseline: raw SQL queue cycle, ${fmt(n)} jobs, batches of ${ENGINE_CONCURRENCY}, one connection…`);
    await reset(database);
    await fillQueue(database, accountId, n);
    const rawSeconds = await rawDrain(url);
    const raw = await outcome(database);
    if (raw.succeeded !== n) throw new Error(`raw drain: ${raw.succeeded} of ${n} jobs succeeded`);
    const rawRate = n / rawSeconds;
    ctx.log(`  ${fmt(rawRate)} jobs/s (${fmt(rawSeconds, 1)} s)`);

    const drains: { workers: number; seconds: number; rate: number; meanRunMs: number; cpuMsPerJob: number }[] = [];
    for (const w of workerCounts) {
      ctx.log(`engine drain: ${fmt(n)} no-op jobs, ${w} worker process(es)…`);
      const d = await engineDrain(database, url, accountId, n, w);
      drains.push({ workers: w, ...d });
      ctx.log(`  ${fmt(d.rate)} jobs/s (${fmt(d.seconds, 1)} s; a job holds its slot ${fmt(d.meanRunMs, 1)} ms on average; worker CPU ${fmt(d.cpuMsPerJob, 2)} ms/job)`);
    }

    ctx.log(`enqueue → start: ${rate} jobs/s for ${latSeconds} s, ${latWorkers} idle engine workers…`);
    const lat = await engineLatency(database, url, accountId, latWorkers, rate, latSeconds);
    ctx.log(`  p50 ${fmt(lat.p50)} ms, p95 ${fmt(lat.p95)} ms, p99 ${fmt(lat.p99)} ms`);
    ctx.log(`enqueue → start baseline: the same with ${latWorkers} raw SQL pollers at ${ENGINE_POLL_MS} ms…`);
    const rawLat = await rawLatency(database, url, accountId, latWorkers, rate, latSeconds);
    ctx.log(`  p50 ${fmt(rawLat.p50)} ms, p95 ${fmt(rawLat.p95)} ms, p99 ${fmt(rawLat.p99)} ms`);

    await reset(database);

    const best = drains.reduce((a, b) => (b.rate > a.rate ? b : a));
    const rawBaseline = { label: `raw SQL cycle (claim ${ENGINE_CONCURRENCY} + mark done), 1 connection`, value: round(rawRate), unit: 'jobs/s' };
    const figures: BenchFigure[] = drains.map((d) => ({
      label: `drain ${fmt(n)} no-op jobs, ${d.workers} worker${d.workers > 1 ? 's' : ''}`,
      value: round(d.rate),
      unit: 'jobs/s',
      baseline: rawBaseline,
      ratio: round(d.rate / rawRate, 3),
      ...(d === best ? { target: `≥ ${fmt(TARGET_JOBS_PER_S)} jobs/s on 2 cores (best W)`, meets: d.rate >= TARGET_JOBS_PER_S } : {}),
    }));
    for (const [key, label] of [['p50', 'p50'], ['p95', 'p95'], ['p99', 'p99']] as const) {
      figures.push({
        label: `enqueue → start ${label}, ${rate} jobs/s, ${latWorkers} idle workers`,
        value: round(lat[key]),
        unit: 'ms',
        baseline: { label: `${latWorkers} raw SQL pollers, same poll interval`, value: round(rawLat[key]), unit: 'ms' },
        ratio: round(lat[key] / Math.max(rawLat[key], 0.001), 2),
      });
    }
    return {
      name: 'queue',
      dataset: `${fmt(n)} no-op jobs of one engine task queued up front per drain; ${fmt(rate * latSeconds)} jobs enqueued one at a time at ${rate}/s for the latency; database ${DATABASE}, jobs and integration_logs truncated before each run`,
      figures,
      notes: [
        `workers are separate processes, each the real engine with its defaults (concurrency ${ENGINE_CONCURRENCY}, poll ${ENGINE_POLL_MS} ms, lease ${LEASE_MS / 1000} s, outbox dispatch on, pool of 10) and the real log writer (50 ms flush); the no-op task writes nothing, so the engine writes its one "done" debug row per job and completes the job once that row is committed`,
        `drain time: from the start signal to the last finished_at; mean time a job holds its slot (started → finished): ${drains.map((d) => `${d.workers}W ${fmt(d.meanRunMs, 1)} ms`).join(', ')}; worker CPU per job: ${drains.map((d) => `${d.workers}W ${fmt(d.cpuMsPerJob, 2)} ms`).join(', ')}`,
        `the target applies to the best W (${best.workers} here); the baseline claims with claimJobs' statement (advisory lock, FOR UPDATE SKIP LOCKED, no connector limits) and marks the batch succeeded in a second statement, so ratio = the engine's rate over the bare queue cycle`,
        `latency at ${rate} jobs/s, under the drain rate measured above (200/s, as first planned, would only measure a growing backlog here)`,
        `latency: started_at − created_at from the jobs table; the enqueuer is another process (no poke reaches the workers), so a worker with nothing running finds a job at its next poll (≤ 500 ms), but at this rate a worker is rarely empty: each job's completion wakes its loop (poke) and it claims again at once, while the raw pollers sleep 500 ms whenever the queue is empty; max ${fmt(lat.max)} ms (raw pollers ${fmt(rawLat.max)} ms)`,
      ],
    };
  } finally {
    await database.close();
  }
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const i = process.argv.indexOf('--worker');
  if (i >= 0) {
    workerMain(process.argv[i + 1]!).catch((err: unknown) => {
      process.send!({ error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies FromWorker, () => process.exit(1));
    });
  } else {
    const report = await queueBench({
      databaseUrl: process.env.DATABASE_URL ?? DEFAULT_SERVER,
      quick: process.argv.includes('--quick'),
      log: (msg) => console.error(`[queue] ${msg}`),
    });
    console.log(JSON.stringify(report, null, 2));
    process.exit(0);
  }
}
