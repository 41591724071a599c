import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database } from '../../db/client.ts';
import { and, eq, inArray } from 'drizzle-orm';
import { connectorInstallations, type ConnectorInstallation, type Job } from '../../db/schema/index.ts';
import type { Clock } from '../core/clock.ts';
import type { SecretBox } from '../core/crypto.ts';
import { AppError } from '../core/errors.ts';
import {
  HttpError, PermanentError, RetryableError,
  type AnyConnector, type DomainEvent, type HandlerContext, type LogDetails, type Logger, type LogStatus, type WebhookRequest,
} from '../sdk/index.ts';
import { createDeskbridgeData } from './data.ts';
import { dispatchOutbox } from './dispatcher.ts';
import { createHttpClient } from './http-client.ts';
import { findInstallation, openCredentials, saveCredentials, secretValues } from './installations.ts';
import { createInstallationStore } from './store.ts';
import {
  claimJobs, completeJob, enqueue, failJob, heartbeat, reapExpiredLeases, releaseJobs, type EnqueueInput, type FailureInfo,
} from './queue.ts';

/** Where log rows go (runner/logs/writer.ts): `write` resolves once the row is committed. */
export type LogRow = {
  accountId: number; product: string; status: LogStatus; description: string; details?: LogDetails;
  ticketId?: number | null; jobId?: number | null; ts?: Date;
};
export type LogSink = {
  write(row: LogRow, secrets?: string[]): Promise<void>;
  /** Commits what was written without waiting for the writer's batching interval (group commit). */
  flush?(): Promise<void>;
};

/** Work of the engine's own (exports, …) queued as jobs of `kind`; the handler is not a connector. */
export type TaskContext = { job: Job; database: Database; clock: Clock; log: Logger; signal: AbortSignal };
export type Task = { product: string; label?: (job: Job) => string; run(ctx: TaskContext): Promise<void> };

export type EngineOptions = {
  database: Database;
  clock: Clock;
  secrets: SecretBox;
  logs: LogSink;
  connectors: AnyConnector[];
  tasks?: Record<string, Task>;
  workerId?: string;
  /** Jobs run at once by this process. */
  concurrency?: number;
  leaseMs?: number;
  pollMs?: number;
  jobTimeoutMs?: number;
  httpTimeoutMs?: number;
  /** Move outbox events to the queue in this process (every process may; they share the work). */
  dispatch?: boolean;
  fetch?: typeof fetch;
  onError?: (message: string, err: unknown) => void;
  /** How often connector schedules are checked for a new slot (default 5 s; Infinity: never, for tests of other paths). */
  scheduleCheckMs?: number;
};

export type Engine = ReturnType<typeof createEngine>;

const CONNECTOR_KINDS = new Set(['event', 'webhook', 'job']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The runner: dispatches outbox events, claims due jobs, runs each under a lease it keeps extending,
 * and records the outcome — completion, a retry after backoff, or a dead job — with log rows.
 * Any number of engines (processes, machines) can share one database.
 */
export function createEngine(opts: EngineOptions) {
  const { database, clock } = opts;
  const registry = new Map(opts.connectors.map((c) => [c.id, c]));
  const tasks = opts.tasks ?? {};
  const workerId = opts.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const concurrency = opts.concurrency ?? 8;
  const leaseMs = opts.leaseMs ?? 60_000;
  const pollMs = opts.pollMs ?? 500;
  const jobTimeoutMs = opts.jobTimeoutMs ?? 10 * 60_000;
  const onError = opts.onError ?? ((m, e) => console.error(m, e));
  const connectorLimits = Object.fromEntries(opts.connectors.filter((c) => c.concurrency).map((c) => [c.id, c.concurrency!]));
  const kinds = [...CONNECTOR_KINDS, ...Object.keys(tasks)];

  const inflight = new Map<number, { controller: AbortController; done: Promise<void> }>();
  let running = false;
  let loopDone: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let heartbeatTimer: NodeJS.Timeout | null = null;
  let lastReap = 0;

  const poke = () => { wake?.(); };

  // ---- logging ---------------------------------------------------------------------------------
  function makeLogger(job: Job, product: string, secrets: () => string[], written: Promise<void>[]): Logger {
    const write = (status: LogStatus, description: string, details: LogDetails = {}) => {
      const ticketId = typeof details.ticket_id === 'number' ? details.ticket_id : job.ticketId;
      const p = opts.logs.write({
        accountId: job.accountId, product, status, description, ticketId, jobId: job.id,
        details: { ...details, job_id: job.id, attempt: job.attempts },
      }, secrets());
      written.push(p.catch((err) => onError('log row lost', err)));
    };
    return {
      info: (d, x) => write('info', d, x),
      warn: (d, x) => write('warning', d, x),
      error: (d, x) => write('error', d, x),
      debug: (d, x) => write('debug', d, x),
      withProduct: (p) => makeLogger(job, p, secrets, written),
    };
  }

  // ---- running one job ----------------------------------------------------------------------------
  type Resolved = { product: string; label: string; run(log: Logger, signal: AbortSignal, setSecrets: (s: string[]) => void): Promise<void> };

  async function resolve(job: Job): Promise<Resolved> {
    const task = tasks[job.kind];
    if (task) {
      return {
        product: task.product, label: task.label?.(job) ?? `${job.kind} ${job.name}`,
        run: (log, signal) => task.run({ job, database, clock, log, signal }),
      };
    }
    const connector = job.connectorId ? registry.get(job.connectorId) : undefined;
    if (!connector || !CONNECTOR_KINDS.has(job.kind)) {
      return { product: 'deskbridge', label: `${job.kind} ${job.name}`, run: async () => { throw new PermanentError(`No handler for ${job.kind} "${job.name}" of connector "${job.connectorId ?? '—'}" in this version of deskbridge`, 'NoHandler'); } };
    }
    const label = job.kind === 'event' ? `${connector.displayName}: ${job.name}${job.ticketId ? ` for ticket #${job.ticketId}` : ''}`
      : `${connector.displayName}: ${job.kind} ${job.name}`;
    return {
      product: connector.product, label,
      run: async (log, signal, setSecrets) => {
        let install: ConnectorInstallation;
        try { install = await findInstallation(database.db, job.accountId, job.installationId ?? -1); } catch {
          throw new PermanentError(`The ${connector.displayName} connection no longer exists`, 'InstallationMissing');
        }
        if (!install.enabled) { log.info(`${label}: skipped, the ${connector.displayName} connection "${install.name}" is turned off`); return; }
        const settings = connector.settings.safeParse(install.settings);
        if (!settings.success) {
          throw new PermanentError(`The ${connector.displayName} settings are invalid: ${settings.error.issues.map((i: { path: PropertyKey[]; message: string }) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`, 'InvalidSettings');
        }
        let credentials: unknown;
        try { credentials = openCredentials(opts.secrets, install); } catch {
          throw new PermanentError(`The ${connector.displayName} credentials cannot be decrypted: was ENCRYPTION_KEY changed?`, 'CredentialsUnreadable');
        }
        setSecrets(secretValues(credentials));
        if (connector.credentials) {
          const parsed = connector.credentials.safeParse(credentials);
          if (!parsed.success) throw new PermanentError(`The ${connector.displayName} credentials are incomplete: ${parsed.error.issues.map((i: { path: PropertyKey[] }) => i.path.join('.') || '(root)').join(', ')}`, 'InvalidCredentials');
          credentials = parsed.data;
        }
        const ctx: HandlerContext = {
          accountId: job.accountId,
          installation: { id: install.id, name: install.name },
          settings: settings.data,
          credentials,
          http: createHttpClient({ log, signal, ...(opts.httpTimeoutMs ? { timeoutMs: opts.httpTimeoutMs } : {}), ...(opts.fetch ? { fetch: opts.fetch } : {}) }),
          log,
          enqueue: (name, payload, o = {}) => enqueueJob({
            accountId: job.accountId, kind: 'job', name, payload, connectorId: connector.id, installationId: install.id,
            ticketId: o.ticketId === undefined ? job.ticketId : o.ticketId, priority: o.priority ?? 0, idempotencyKey: o.idempotencyKey ?? null,
            maxAttempts: connector.maxAttempts, runAt: new Date(clock.now().getTime() + (o.delayMs ?? 0)),
          }),
          saveCredentials: async (next) => {
            await saveCredentials(database.db, opts.secrets, install, next, clock);
            setSecrets([...secretValues(credentials), ...secretValues(next)]);
          },
          data: createDeskbridgeData({ database, clock, accountId: job.accountId, actorName: `${connector.displayName} integration`, onChange: poke }),
          store: createInstallationStore(database, clock, job.accountId, install.id),
          job: { id: job.id, attempt: job.attempts, maxAttempts: job.maxAttempts },
          signal,
          now: () => clock.now(),
        };
        if (job.kind === 'event') {
          const handler = connector.on?.[job.name as keyof typeof connector.on] as ((c: HandlerContext, e: DomainEvent) => Promise<void>) | undefined;
          if (!handler) throw new PermanentError(`${connector.displayName} no longer handles ${job.name}`, 'NoHandler');
          await handler(ctx, job.payload as DomainEvent);
        } else if (job.kind === 'webhook') {
          const hook = connector.webhooks?.[job.name];
          if (!hook) throw new PermanentError(`${connector.displayName} has no webhook "${job.name}"`, 'NoHandler');
          await hook.handle(ctx, job.payload as WebhookRequest);
        } else {
          const handler = connector.jobs?.[job.name];
          if (!handler) throw new PermanentError(`${connector.displayName} has no job "${job.name}"`, 'NoHandler');
          await handler(ctx, job.payload);
        }
      },
    };
  }

  async function execute(job: Job, controller: AbortController): Promise<void> {
    const written: Promise<void>[] = [];
    let secrets: string[] = [];
    const started = performance.now();
    const resolved = await resolve(job);
    const log = makeLogger(job, resolved.product, () => secrets, written);
    const timer = setTimeout(() => controller.abort(new RetryableError(`Timed out after ${Math.round(jobTimeoutMs / 1000)} s`, undefined, 'JobTimeout')), jobTimeoutMs);
    try {
      await resolved.run(log, controller.signal, (s) => { secrets = s; });
      if (controller.signal.aborted) throw controller.signal.reason;
      const durationMs = Math.round(performance.now() - started);
      // Every attempt leaves a trace (SPEC R3), even a handler that had nothing to say.
      if (written.length === 0) log.debug(`${resolved.label}: done in ${durationMs} ms`, { duration_ms: durationMs });
      await settled(written);
      await completeJob(database.db, job, workerId, clock);
    } catch (err) {
      if (lostLease.has(job.id)) return; // another worker owns the job now: its outcome is theirs to record
      const failure = toFailure(controller.signal.aborted && controller.signal.reason instanceof Error ? controller.signal.reason : err);
      const durationMs = Math.round(performance.now() - started);
      const outcome = await failJob(database.db, job, workerId, failure, clock);
      const attempt = `attempt ${job.attempts} of ${job.maxAttempts}`;
      const what = outcome.state === 'dead'
        ? `${resolved.label} failed (${attempt}): ${failure.message}${failure.permanent ? '' : ' — gave up'}`
        : `${resolved.label} failed (${attempt}): ${failure.message} — retrying at ${outcome.runAt!.toISOString()}`;
      log[outcome.state === 'dead' ? 'error' : 'warn'](what, {
        error: { code: failure.code ?? null, status: failure.status ?? null, message: failure.message },
        retry_after_ms: failure.retryAfterMs ?? null, next_run_at: outcome.runAt?.toISOString() ?? null,
        job_state: outcome.state, duration_ms: durationMs,
      });
      await settled(written);
    } finally {
      clearTimeout(timer);
    }
  }

  const lostLease = new Set<number>();

  function start1(job: Job) {
    const controller = new AbortController();
    const done = execute(job, controller)
      .catch((err) => onError(`job ${job.id} (${job.kind} ${job.name}) could not record its outcome`, err))
      .finally(() => { inflight.delete(job.id); lostLease.delete(job.id); poke(); });
    inflight.set(job.id, { controller, done });
  }

  /**
   * Waits for a job's rows to be committed. The job's slot is held until then, so the writer is asked
   * to commit now rather than at its next interval: rows of jobs finishing together still share
   * one commit, and a job no longer waits the interval out.
   */
  async function settled(written: Promise<void>[]): Promise<void> {
    await Promise.all([...written, opts.logs.flush?.().catch((err) => onError('log flush failed', err))]);
  }

  // ---- the loop ---------------------------------------------------------------------------------
  async function tick(): Promise<number> {
    if (opts.dispatch !== false) {
      while ((await dispatchOutbox(database, registry, clock)) === 500) { /* a full batch: more may wait */ }
    }
    if (clock.now().getTime() - lastReap > leaseMs / 2) {
      lastReap = clock.now().getTime();
      for (const job of await reapExpiredLeases(database, clock)) {
        // The worker that held it cannot say so any more: the engine that notices writes the row.
        const state = job.attempts >= job.maxAttempts ? 'dead' : 'queued';
        await opts.logs.write({
          accountId: job.accountId, product: productOf(job), status: state === 'dead' ? 'error' : 'warning', ticketId: job.ticketId, jobId: job.id,
          description: `${job.kind} ${job.name}: the worker running it stopped responding (attempt ${job.attempts} of ${job.maxAttempts}) — ${state === 'dead' ? 'gave up' : 'it will run again'}`,
          details: { job_id: job.id, attempt: job.attempts, worker: job.lockedBy, error: { code: 'LeaseExpired' } },
        }).catch((err) => onError('log row lost', err));
      }
    }
    await enqueueSchedules();
    const free = concurrency - inflight.size;
    if (free <= 0) return 0;
    const claimed = await claimJobs(database, { workerId, limit: free, leaseMs, connectorLimits, kinds }, clock);
    for (const job of claimed) start1(job);
    return claimed.length;
  }

  // ---- connector schedules ------------------------------------------------------------------------
  const scheduled = opts.connectors.filter((c) => c.schedules && Object.keys(c.schedules).length > 0);
  const scheduleCheckMs = opts.scheduleCheckMs ?? 5_000;
  let lastScheduleCheck = -Infinity;
  /** The slot last queued per `installation:job`, so a process inserts once per slot, not once per check. */
  const queuedSlots = new Map<string, number>();

  /**
   * Queues each enabled installation's scheduled jobs for the current time slot. The idempotency key
   * names the slot, so several processes (or a restart) queue each slot once.
   */
  async function enqueueSchedules() {
    const now = clock.now().getTime();
    if (scheduled.length === 0 || !Number.isFinite(scheduleCheckMs) || now - lastScheduleCheck < scheduleCheckMs) return;
    lastScheduleCheck = now;
    const installs = await database.db.select().from(connectorInstallations).where(and(
      eq(connectorInstallations.enabled, true), inArray(connectorInstallations.connectorId, scheduled.map((c) => c.id)),
    ));
    for (const install of installs) {
      const connector = registry.get(install.connectorId)!;
      const settings = connector.settings.safeParse(install.settings);
      if (!settings.success) continue; // its jobs would fail on the same settings; the Connections page shows why
      for (const [name, schedule] of Object.entries(connector.schedules ?? {})) {
        const seconds = typeof schedule.everySeconds === 'function' ? schedule.everySeconds(settings.data) : schedule.everySeconds;
        if (!(seconds > 0)) continue;
        const everyMs = seconds * 1000;
        const slot = Math.floor(now / everyMs);
        const key = `${install.id}:${name}`;
        if (queuedSlots.get(key) === slot) continue;
        await enqueueJob({
          accountId: install.accountId, kind: 'job', name, payload: { slot: new Date(slot * everyMs).toISOString() },
          connectorId: connector.id, installationId: install.id, ticketId: null, priority: 0,
          idempotencyKey: `schedule:${install.id}:${name}:${slot}`, maxAttempts: connector.maxAttempts, runAt: new Date(now),
        });
        queuedSlots.set(key, slot);
      }
    }
  }

  function productOf(job: Job): string {
    return tasks[job.kind]?.product ?? (job.connectorId ? registry.get(job.connectorId)?.product : undefined) ?? 'deskbridge';
  }

  async function loop() {
    let failures = 0;
    while (running) {
      let claimed = 0;
      try {
        claimed = await tick();
        failures = 0;
      } catch (err) {
        failures++;
        onError('runner: claiming jobs failed (will retry)', err);
        await sleep(Math.min(30_000, 500 * 2 ** failures));
        continue;
      }
      if (claimed > 0 && inflight.size < concurrency) continue;
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, pollMs);
      });
      wake = null;
    }
  }

  async function beat() {
    const ids = [...inflight.keys()];
    try {
      const lost = await heartbeat(database.db, workerId, ids, leaseMs, clock);
      for (const id of lost) {
        lostLease.add(id);
        inflight.get(id)?.controller.abort(new RetryableError('This worker lost its lease on the job', undefined, 'LeaseLost'));
      }
    } catch (err) {
      onError('runner: heartbeat failed', err);
    }
  }

  async function enqueueJob(input: EnqueueInput) {
    const res = await enqueue(database.db, input, clock);
    poke();
    return res;
  }

  return {
    workerId,
    connectors: registry,
    /** The key box credentials are sealed with; the HTTP app writes them with the same one. */
    secrets: opts.secrets,
    enqueue: enqueueJob,
    /** Wake the loop now (after a commit that published events). */
    poke,
    start() {
      if (running) return;
      running = true;
      heartbeatTimer = setInterval(() => void beat(), Math.max(50, Math.floor(leaseMs / 3)));
      heartbeatTimer.unref();
      loopDone = loop();
    },
    /** Stops claiming, lets running jobs finish for up to `graceMs`, then gives the rest back to the queue. */
    async stop(graceMs = 10_000) {
      running = false;
      poke();
      await loopDone;
      const pending = [...inflight.values()].map((f) => f.done);
      const timedOut = await Promise.race([Promise.all(pending).then(() => false), sleep(graceMs).then(() => true)]);
      if (timedOut) {
        const ids = [...inflight.keys()];
        for (const f of inflight.values()) f.controller.abort(new RetryableError('The worker is stopping', undefined, 'WorkerStopping'));
        ids.forEach((id) => lostLease.add(id));
        await releaseJobs(database.db, workerId, ids, clock);
      }
      if (heartbeatTimer) clearInterval(heartbeatTimer);
    },
    /**
     * One pass without the loop (tests, tools): dispatch, claim what is due, wait for it. Repeats
     * while work keeps appearing (a job may enqueue another), up to `maxRounds`.
     */
    async drain(maxRounds = 50) {
      for (let round = 0; round < maxRounds; round++) {
        const n = await tick();
        await Promise.all([...inflight.values()].map((f) => f.done));
        if (n === 0) return;
      }
    },
    /**
     * The installation a public webhook address `/webhooks/{connector}/{key}` stands for: the account's
     * enabled installation of that connector whose id is `key` or whose `webhookKey(settings)` is `key`
     * (case-insensitive: shop domains and app ids arrive in any case).
     */
    async findWebhookInstallation(accountId: number, connectorId: string, key: string): Promise<number> {
      const connector = registry.get(connectorId);
      if (connector?.webhooks?.inbound) {
        const rows = await database.db.select().from(connectorInstallations).where(and(
          eq(connectorInstallations.accountId, accountId), eq(connectorInstallations.connectorId, connectorId), eq(connectorInstallations.enabled, true),
        )).orderBy(connectorInstallations.id);
        const wanted = key.toLowerCase();
        const match = rows.find((r) => String(r.id) === key) ?? rows.find((r) => {
          const settings = connector.settings.safeParse(r.settings);
          return settings.success && connector.webhookKey?.(settings.data)?.toLowerCase() === wanted;
        });
        if (match) return match.id;
      }
      throw new AppError(404, 'RecordNotFound', `No ${connector?.displayName ?? connectorId} connection answers at this webhook address`);
    },
    /** Inbound webhook (SPEC R6): verified on the raw body, then queued; the handler runs as a job. */
    async acceptWebhook(accountId: number, installationId: number, name: string, req: WebhookRequest) {
      let install: ConnectorInstallation;
      try { install = await findInstallation(database.db, accountId, installationId); } catch { throw new AppError(404, 'RecordNotFound', 'No such webhook endpoint'); }
      const connector = registry.get(install.connectorId);
      const hook = connector?.webhooks?.[name];
      if (!connector || !hook || !install.enabled) throw new AppError(404, 'RecordNotFound', 'No such webhook endpoint');
      if (hook.verify) {
        const settings = connector.settings.safeParse(install.settings);
        let problem = settings.success ? 'the signature does not match' : 'the connection settings are invalid';
        if (settings.success) {
          try {
            if (await hook.verify(req, { settings: settings.data, credentials: openCredentials(opts.secrets, install) })) problem = '';
          } catch {
            problem = 'the signature could not be checked (are the connection credentials complete?)';
          }
        }
        if (problem) {
          // An admin must be able to see refused deliveries (a wrong secret, a forger): one row each, nothing queued.
          await opts.logs.write({
            accountId, product: connector.product, status: hook.refusedStatus ?? 'warning',
            description: `${connector.displayName} webhook refused for connection "${install.name}": ${problem} (answered 401, nothing stored)`,
            details: { installation_id: install.id, installation: install.name, webhook: name, received_at: req.receivedAt },
          }).catch((err) => onError('log row lost', err));
          throw new AppError(401, 'InvalidSignature', 'The webhook signature does not match');
        }
      }
      const key = hook.dedupeKey?.(req);
      const queued = await enqueueJob({
        accountId, kind: 'webhook', name, payload: req, connectorId: connector.id, installationId: install.id,
        idempotencyKey: key ? `webhook:${install.id}:${key}` : null, maxAttempts: connector.maxAttempts,
      });
      return { ...queued, response: hook.acceptedResponse?.(req) };
    },
  };
}

/** How an error thrown by a handler becomes a retry decision. */
export function toFailure(err: unknown): FailureInfo {
  if (err instanceof PermanentError) return { message: err.message, code: err.code, permanent: true };
  if (err instanceof RetryableError) return { message: err.message, code: err.code, retryAfterMs: err.retryAfterMs };
  if (err instanceof HttpError) {
    // 4xx other than timeouts and rate limits will not fix themselves.
    const transient = err.status >= 500 || err.status === 408 || err.status === 425 || err.status === 429;
    return { message: err.message, code: `HTTP${err.status}`, status: err.status, retryAfterMs: err.retryAfterMs, permanent: !transient };
  }
  if (err instanceof Error) return { message: err.message || err.name, code: err.name };
  return { message: String(err) };
}
