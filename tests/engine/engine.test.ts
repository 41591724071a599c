import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSecretBox } from '../../runner/core/crypto.ts';
import { createTicket } from '../../runner/core/tickets.ts';
import { createInstallation } from '../../runner/engine/installations.ts';
import { claimJobs, enqueue, retryJob } from '../../runner/engine/queue.ts';
import { defineConnector, PermanentError, type DomainEvent } from '../../runner/sdk/index.ts';
import { closeTestEngines, countRows, createTestEngine, jobRow, logRows } from '../helpers/runner.ts';
import { createWorld, type World } from '../helpers/world.ts';

const api = setupServer();
beforeAll(() => api.listen({ onUnhandledRequest: 'error' }));
afterEach(() => api.resetHandlers());
afterAll(() => api.close());

const SECRET = 'sk_live_0123456789abcdefSECRET';

/** A connector whose handlers tests steer through `behaviour`. */
function testConnector(behaviour: { job?: (payload: any, attempt: number) => Promise<void>; seen?: DomainEvent[] }) {
  return defineConnector({
    id: 'crm', product: 'Test CRM', displayName: 'Test CRM', maxAttempts: 4,
    settings: z.object({ baseUrl: z.string().url() }),
    credentials: z.object({ apiKey: z.string() }),
    on: {
      'ticket.created': async (ctx, event) => {
        behaviour.seen?.push(event);
        ctx.log.info(`Ticket #${event.payload.ticket.id} sent to Test CRM`, { ticket_id: event.payload.ticket.id });
      },
    },
    jobs: {
      work: async (ctx, payload) => { await behaviour.job?.(payload, ctx.job.attempt); },
      call: async (ctx) => {
        const res = await ctx.http.request({ url: `${ctx.settings.baseUrl}/things`, query: { api_key: ctx.credentials.apiKey } });
        ctx.log.info(`Fetched ${res.json<unknown[]>().length} things with key ${ctx.credentials.apiKey}`, {
          authorization: `Bearer ${ctx.credentials.apiKey}`, nested: { copy: ctx.credentials.apiKey }, ticket_id: 7,
        });
      },
    },
  });
}

let world: World;
beforeEach(async () => { world = await createWorld(); });
afterEach(async () => { await closeTestEngines(); await world.close(); });

async function install(accountId: number, box = createSecretBox(randomBytes(32))) {
  const inst = await createInstallation(world.db, box, {
    accountId, connectorId: 'crm', name: 'Main CRM', settings: { baseUrl: 'https://crm.example.test' }, credentials: { apiKey: SECRET },
  }, world.clock);
  return { inst, box };
}

describe('job queue', () => {
  it('dedupes by idempotency key: a second enqueue returns the first job and adds nothing', async () => {
    const input = { accountId: world.acme.id, kind: 'job', name: 'work', connectorId: 'crm', idempotencyKey: 'order-42' };
    const a = await enqueue(world.db, input, world.clock);
    const b = await enqueue(world.db, { ...input, payload: { other: true } }, world.clock);
    const c = await enqueue(world.db, { ...input, accountId: world.globex.id }, world.clock);
    expect(a.created).toBe(true);
    expect(b).toEqual({ id: a.id, created: false });
    expect(c.created).toBe(true);
    expect(await countRows(world.database, sql`select count(*)::int as n from jobs`)).toBe(2);
  });

  it('retries a failing job with growing delays, then keeps it dead with its error, and an admin can retry it', async () => {
    const { inst, box } = await install(world.acme.id);
    const attempts: number[] = [];
    const { engine, logs } = createTestEngine(world.database, world.clock, {
      secrets: box, connectors: [testConnector({ job: async (_p, attempt) => { attempts.push(attempt); throw new Error('CRM is down'); } })],
    });
    const { id } = await engine.enqueue({ accountId: world.acme.id, kind: 'job', name: 'work', connectorId: 'crm', installationId: inst.id, maxAttempts: 4, ticketId: 12 });
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      await engine.drain();
      const job = await jobRow(world.database, id);
      if (job.state === 'queued') {
        delays.push(job.runAt.getTime() - world.clock.now().getTime());
        // Not yet due: a drain just before the delay runs nothing.
        world.clock.advance(delays.at(-1)! - 1);
        await engine.drain();
        expect((await jobRow(world.database, id)).attempts).toBe(i + 1);
        world.clock.advance(1);
      }
    }
    expect(attempts).toEqual([1, 2, 3, 4]);
    // Exponential with jitter on the upper half: 2 s, 4 s, 8 s bases.
    expect(delays).toHaveLength(3);
    delays.forEach((d, i) => { expect(d).toBeGreaterThanOrEqual(1000 * 2 ** i); expect(d).toBeLessThanOrEqual(2000 * 2 ** i); });
    const dead = await jobRow(world.database, id);
    expect(dead.state).toBe('dead');
    expect(dead.lastError).toMatchObject({ message: 'CRM is down', attempt: 4 });

    await logs.flush();
    const rows = await logRows(world.database, sql`job_id = ${id}`);
    expect(rows.map((r) => r.status)).toEqual(['warning', 'warning', 'warning', 'error']);
    expect(rows[0]!.description).toMatch(/^Test CRM: job work failed \(attempt 1 of 4\): CRM is down — retrying at 20\d\d-/);
    expect(rows[3]!.description).toContain('(attempt 4 of 4): CRM is down — gave up');
    expect(rows.every((r) => r.product === 'Test CRM' && r.ticket_id === 12 && r.details.job_id === id)).toBe(true);

    const retried = await retryJob(world.db, world.acme.id, id, world.clock);
    expect(retried.state).toBe('queued');
    await expect(retryJob(world.db, world.acme.id, id, world.clock)).rejects.toMatchObject({ status: 409 });
    await expect(retryJob(world.db, world.globex.id, id, world.clock)).rejects.toMatchObject({ status: 404 });
  });

  it('marks a job dead at once on a permanent error', async () => {
    const { inst, box } = await install(world.acme.id);
    const { engine } = createTestEngine(world.database, world.clock, {
      secrets: box, connectors: [testConnector({ job: async () => { throw new PermanentError('Required field Case.Origin has no mapping'); } })],
    });
    const { id } = await engine.enqueue({ accountId: world.acme.id, kind: 'job', name: 'work', connectorId: 'crm', installationId: inst.id });
    await engine.drain();
    const job = await jobRow(world.database, id);
    expect(job.state).toBe('dead');
    expect(job.attempts).toBe(1);
  });

  it('waits as long as a 429 Retry-After says, then succeeds', async () => {
    const { inst, box } = await install(world.acme.id);
    let calls = 0;
    api.use(http.get('https://crm.example.test/things', () => {
      calls++;
      return calls === 1
        ? HttpResponse.json({ message: 'Too many requests' }, { status: 429, headers: { 'Retry-After': '120' } })
        : HttpResponse.json([{ id: 1 }, { id: 2 }]);
    }));
    const { engine, logs } = createTestEngine(world.database, world.clock, { secrets: box, connectors: [testConnector({})] });
    const { id } = await engine.enqueue({ accountId: world.acme.id, kind: 'job', name: 'call', connectorId: 'crm', installationId: inst.id });
    await engine.drain();
    const waiting = await jobRow(world.database, id);
    expect(waiting.state).toBe('queued');
    expect(waiting.runAt.getTime() - world.clock.now().getTime()).toBe(120_000);
    expect(waiting.lastError).toMatchObject({ status: 429, retry_after_ms: 120_000 });
    world.clock.advance(119_000);
    await engine.drain();
    expect(calls).toBe(1);
    world.clock.advance(1_000);
    await engine.drain();
    expect(calls).toBe(2);
    expect((await jobRow(world.database, id)).state).toBe('succeeded');
    await logs.flush();
    const rows = await logRows(world.database, sql`job_id = ${id}`);
    expect(rows.find((r) => r.status === 'warning')!.description).toContain('answered 429: Too many requests');
    expect(rows.some((r) => r.status === 'info' && r.description.startsWith('Fetched 2 things'))).toBe(true);
  });

  it('never lets two workers run the same job at once, and every job runs once', async () => {
    const { inst, box } = await install(world.acme.id);
    const running = new Set<number>();
    const runs = new Map<number, number>();
    let overlap = false;
    const behaviour = {
      job: async (payload: { n: number }) => {
        if (running.has(payload.n)) overlap = true;
        running.add(payload.n);
        runs.set(payload.n, (runs.get(payload.n) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 5));
        running.delete(payload.n);
      },
    };
    const clock = { now: () => new Date() };
    const a = createTestEngine(world.database, clock, { secrets: box, connectors: [testConnector(behaviour)], workerId: 'a', concurrency: 4 });
    const b = createTestEngine(world.database, clock, { secrets: box, connectors: [testConnector(behaviour)], workerId: 'b', concurrency: 4 });
    for (let n = 0; n < 60; n++) await enqueue(world.db, { accountId: world.acme.id, kind: 'job', name: 'work', connectorId: 'crm', installationId: inst.id, payload: { n } }, clock);
    a.engine.start();
    b.engine.start();
    const deadline = Date.now() + 30_000;
    while (runs.size < 60 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await Promise.all([a.engine.stop(), b.engine.stop()]);
    expect(overlap).toBe(false);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(runs.size).toBe(60);
    const states = await world.database.rows<{ state: string; locked_by: string | null; n: number }>(sql`select state::text, count(*)::int as n from jobs group by state`);
    expect(states).toEqual([{ state: 'succeeded', n: 60 }]);
  });

  it('respects a connector concurrency limit across workers', async () => {
    const { inst, box } = await install(world.acme.id);
    const limited = { ...testConnector({}), concurrency: 2 };
    for (let n = 0; n < 5; n++) await enqueue(world.db, { accountId: world.acme.id, kind: 'job', name: 'work', connectorId: 'crm', installationId: inst.id }, world.clock);
    const first = await claimJobs(world.database, { workerId: 'a', limit: 10, leaseMs: 60_000, connectorLimits: { crm: limited.concurrency } }, world.clock);
    const second = await claimJobs(world.database, { workerId: 'b', limit: 10, leaseMs: 60_000, connectorLimits: { crm: limited.concurrency } }, world.clock);
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(0);
    void box;
  });

  it('runs again, to completion, a job whose worker stopped extending its lease', async () => {
    const { inst, box } = await install(world.acme.id);
    const done: number[] = [];
    const { engine, logs } = createTestEngine(world.database, world.clock, {
      secrets: box, connectors: [testConnector({ job: async (_p, attempt) => { done.push(attempt); } })], leaseMs: 30_000,
    });
    const { id } = await enqueue(world.db, { accountId: world.acme.id, kind: 'job', name: 'work', connectorId: 'crm', installationId: inst.id }, world.clock);
    // A worker claims it and dies: nobody extends the lease.
    const [claimed] = await claimJobs(world.database, { workerId: 'crashed-worker', limit: 1, leaseMs: 30_000 }, world.clock);
    expect(claimed!.id).toBe(id);
    await engine.drain();
    expect(done).toEqual([]);
    world.clock.advance(30_001);
    await engine.drain();
    expect(done).toEqual([2]);
    const job = await jobRow(world.database, id);
    expect(job.state).toBe('succeeded');
    await logs.flush();
    const rows = await logRows(world.database, sql`job_id = ${id}`);
    expect(rows[0]!.description).toContain('stopped responding (attempt 1 of 8) — it will run again');
  });
});

describe('domain events', () => {
  it('an event committed while no runner was up is delivered when one starts (outbox)', async () => {
    const { box } = await install(world.acme.id);
    const ticket = await world.db.transaction((tx) => createTicket(tx, world.acme.ctx(world.acme.agent), { subject: 'Printer on fire', comment: { body: 'Help' } }));
    // Nothing ran yet: the event waits in the outbox, committed with the ticket.
    expect(await countRows(world.database, sql`select count(*)::int as n from outbox_events where type = 'ticket.created'`)).toBe(1);
    const seen: DomainEvent[] = [];
    const { engine, logs } = createTestEngine(world.database, world.clock, { secrets: box, connectors: [testConnector({ seen })] });
    await engine.drain();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.payload).toMatchObject({ ticket: { id: ticket.id, subject: 'Printer on fire', status: 'new' } });
    // A second pass does not deliver it again.
    await engine.drain();
    expect(seen).toHaveLength(1);
    await logs.flush();
    const rows = await logRows(world.database);
    expect(rows.map((r) => [r.product, r.status, r.description, r.ticket_id])).toEqual([['Test CRM', 'info', `Ticket #${ticket.id} sent to Test CRM`, ticket.id]]);
  });

  it('does not deliver one account\'s events to another account\'s installation', async () => {
    const { box } = await install(world.globex.id);
    await world.db.transaction((tx) => createTicket(tx, world.acme.ctx(world.acme.agent), { subject: 'Acme only', comment: { body: 'x' } }));
    const seen: DomainEvent[] = [];
    const { engine } = createTestEngine(world.database, world.clock, { secrets: box, connectors: [testConnector({ seen })] });
    await engine.drain();
    expect(seen).toEqual([]);
    expect(await countRows(world.database, sql`select count(*)::int as n from outbox_events`)).toBe(0);
  });
});

describe('credentials', () => {
  it('are encrypted at rest and never reach a log row, even when a handler logs them', async () => {
    const { inst, box } = await install(world.acme.id);
    api.use(http.get('https://crm.example.test/things', () => HttpResponse.json([{ id: 1, echoed_key: SECRET }])));
    const { engine, logs } = createTestEngine(world.database, world.clock, { secrets: box, connectors: [testConnector({})] });
    await engine.enqueue({ accountId: world.acme.id, kind: 'job', name: 'call', connectorId: 'crm', installationId: inst.id });
    await engine.drain();
    await logs.flush();
    const stored = await world.database.rows<{ t: string }>(sql`select t::text as t from integration_logs t`);
    expect(stored.length).toBeGreaterThanOrEqual(2); // the HTTP call's debug row and the handler's info row
    for (const { t } of stored) expect(t).not.toContain(SECRET);
    expect(stored.some(({ t }) => t.includes('[REDACTED]'))).toBe(true);
    const raw = await world.database.rows<{ t: string }>(sql`select t::text as t from connector_installations t`);
    expect(raw[0]!.t).not.toContain(SECRET);
    expect(raw[0]!.t).toMatch(/v1:[A-Za-z0-9_-]{40,}/);
  });

  it('do not decrypt with another key or for another account', async () => {
    const box = createSecretBox(randomBytes(32));
    const sealed = box.seal('{"apiKey":"x"}', 'deskbridge:credentials:1:crm');
    expect(box.open(sealed, 'deskbridge:credentials:1:crm')).toBe('{"apiKey":"x"}');
    expect(() => box.open(sealed, 'deskbridge:credentials:2:crm')).toThrow();
    expect(() => createSecretBox(randomBytes(32)).open(sealed, 'deskbridge:credentials:1:crm')).toThrow();
  });
});
