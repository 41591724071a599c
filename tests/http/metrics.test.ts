import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/client.ts';
import { ticketMetrics } from '../../db/schema/index.ts';
import { createAccount } from '../../runner/core/accounts.ts';
import { closeSolvedTickets } from '../../runner/core/auto-close.ts';
import { manualClock } from '../../runner/core/clock.ts';
import { createSchedule } from '../../runner/core/schedules.ts';
import { createTicket, updateTicket } from '../../runner/core/tickets.ts';
import { createUser } from '../../runner/core/users.ts';
import { toActor } from '../../runner/http/auth.ts';
import { createWorld, type World } from '../helpers/world.ts';

let w: World;
// Monday 2 March 2026, 09:00 UTC = 10:00 in Paris.
const clock = manualClock('2026-03-02T09:00:00Z');
beforeAll(async () => {
  w = await createWorld({ clock });
  // Monday–Friday 09:00–17:00 Paris time.
  const res = await w.call('POST', '/api/v2/business_hours/schedules.json', {
    body: { schedule: { name: 'Office', time_zone: 'Europe/Paris', intervals: [1, 2, 3, 4, 5].map((d) => ({ start_time: d * 1440 + 540, end_time: d * 1440 + 1020 })) } },
  });
  expect(res.status).toBe(201);
  expect(res.json.schedule.default).toBe(true);
});
afterAll(async () => { await w.close(); });

const metricsOf = async (id: number) => (await w.call('GET', `/api/v2/tickets/${id}/metrics.json`)).json.ticket_metric;

describe('ticket metrics through the API', () => {
  let id: number;
  it('are stored at creation and stay null until their events happen', async () => {
    const t = await w.call('POST', '/api/v2/tickets.json', { body: { ticket: { subject: 'Broken', comment: { body: 'Help', author_id: w.acme.endUser.user.id }, requester_id: w.acme.endUser.user.id } } });
    id = t.json.ticket.id;
    const m = await metricsOf(id);
    expect(m).toMatchObject({
      ticket_id: id, replies: 0, reopens: 0, assignee_stations: 0, group_stations: 0, solved_at: null,
      reply_time_in_minutes: { calendar: null, business: null },
      first_resolution_time_in_minutes: { calendar: null, business: null },
      agent_wait_time_in_minutes: { calendar: null, business: null },
      requester_wait_time_in_minutes: { calendar: null, business: null },
    });
  });

  it('follow each change in the same transaction, in calendar and business minutes', async () => {
    const agent = w.acme.agent.user.id;
    clock.set('2026-03-02T10:00:00Z'); // assigned: new → open
    await w.call('PUT', `/api/v2/tickets/${id}.json`, { body: { ticket: { assignee_id: agent } } });
    clock.set('2026-03-02T10:30:00Z'); // first public agent reply, pending
    await w.call('PUT', `/api/v2/tickets/${id}.json`, { body: { ticket: { status: 'pending', comment: { body: 'Try this', author_id: agent } } } });
    let m = await metricsOf(id);
    // 09:00Z → 10:30Z = 90 min, all inside Paris office hours (10:00–11:30 local).
    expect(m.reply_time_in_minutes).toEqual({ calendar: 90, business: 90 });
    expect(m.replies).toBe(1);
    expect(m.assignee_stations).toBe(1);
    expect(m.initially_assigned_at).toBe('2026-03-02T10:00:00Z');

    clock.set('2026-03-03T09:00:00Z'); // requester answers the next morning: pending → open
    await w.call('PUT', `/api/v2/tickets/${id}.json`, { body: { ticket: { comment: { body: 'Still broken', author_id: w.acme.endUser.user.id } } } });
    clock.set('2026-03-03T10:00:00Z');
    await w.call('PUT', `/api/v2/tickets/${id}.json`, { body: { ticket: { status: 'solved', comment: { body: 'Fixed', author_id: agent } } } });
    m = await metricsOf(id);
    // Creation 02 Mar 09:00Z → solve 03 Mar 10:00Z = 25 h = 1500 min.
    // Business (Paris): 02 Mar 10:00–17:00 = 420 + 03 Mar 09:00–11:00 = 120 → 540.
    expect(m.first_resolution_time_in_minutes).toEqual({ calendar: 1500, business: 540 });
    expect(m.full_resolution_time_in_minutes).toEqual({ calendar: 1500, business: 540 });
    // Pending 02 Mar 10:30Z → 03 Mar 09:00Z = 1350; business 11:30–17:00 (330) + 09:00–10:00 local (60) = 390.
    expect(m.agent_wait_time_in_minutes).toEqual({ calendar: 1350, business: 390 });
    // New 60 + open 30 + open again 60 = 150, all in office hours.
    expect(m.requester_wait_time_in_minutes).toEqual({ calendar: 150, business: 150 });
    expect(m.on_hold_time_in_minutes).toEqual({ calendar: 0, business: 0 });
    expect(m).toMatchObject({ replies: 2, reopens: 0, solved_at: '2026-03-03T10:00:00Z', status_updated_at: '2026-03-03T10:00:00Z' });

    const list = await w.call('GET', '/api/v2/ticket_metrics.json');
    expect(list.json.ticket_metrics.map((x: any) => x.ticket_id)).toContain(id);
    expect((await w.call('GET', `/api/v2/ticket_metrics/${m.id}.json`)).json.ticket_metric.ticket_id).toBe(id);
  });

  it('solved tickets close automatically after the delay (default 4 days), as a rule', async () => {
    clock.set('2026-03-07T09:59:00Z');
    expect(await closeSolvedTickets(w.database, clock, 96)).toBe(0);
    clock.set('2026-03-07T10:01:00Z');
    expect(await closeSolvedTickets(w.database, clock, 96)).toBe(1);
    const t = (await w.call('GET', `/api/v2/tickets/${id}.json`)).json.ticket;
    expect(t.status).toBe('closed');
    const audits = (await w.call('GET', `/api/v2/tickets/${id}/audits.json`)).json.audits;
    expect(audits.at(-1)).toMatchObject({ via: { channel: 'rule' } });
    expect(audits.at(-1).events).toContainEqual(expect.objectContaining({ field_name: 'status', value: 'closed', previous_value: 'solved' }));
    // Closing changes no duration metric.
    expect((await metricsOf(id)).full_resolution_time_in_minutes).toEqual({ calendar: 1500, business: 540 });
  });

  it("a requester's reply to a closed ticket creates a follow-up instead of reopening it", async () => {
    clock.set('2026-03-09T08:00:00Z');
    const res = await w.call('PUT', `/api/v2/tickets/${id}.json`, { body: { ticket: { comment: { body: 'It broke again', author_id: w.acme.endUser.user.id } } } });
    expect(res.status).toBe(201);
    const followUp = res.json.ticket;
    expect(followUp.id).not.toBe(id);
    expect(followUp).toMatchObject({ subject: 'Re: Broken', via_followup_source_id: id, status: 'new', requester_id: w.acme.endUser.user.id });
    const original = (await w.call('GET', `/api/v2/tickets/${id}.json`)).json.ticket;
    expect(original.status).toBe('closed');
    expect(original.followup_ids).toEqual([followUp.id]);
    const agentReply = await w.call('PUT', `/api/v2/tickets/${id}.json`, { body: { ticket: { comment: { body: 'hi' } } } });
    expect(agentReply.status).toBe(422);
  });

  it('validates schedules', async () => {
    const bad = await w.call('POST', '/api/v2/business_hours/schedules.json', { body: { schedule: { name: 'X', time_zone: 'Nowhere/City', intervals: [] } } });
    expect(bad.status).toBe(422);
    expect(bad.json.details).toHaveProperty('time_zone');
    const overlap = await w.call('POST', '/api/v2/business_hours/schedules.json', { body: { schedule: { name: 'X', time_zone: 'UTC', intervals: [{ start_time: 600, end_time: 900 }, { start_time: 800, end_time: 1000 }] } } });
    expect(overlap.status).toBe(422);
    expect((await w.call('POST', '/api/v2/business_hours/schedules.json', { as: w.acme.agent, body: { schedule: { name: 'X', time_zone: 'UTC' } } })).status).toBe(403);
  });
});

describe('npm run metrics:rebuild', () => {
  it('recomputes every ticket from its audits', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'deskbridge-metrics-'));
    try {
      const database = await createDb({ dataDir: dir });
      const c = manualClock('2026-03-02T09:00:00Z');
      const { account, owner } = await createAccount(database.db, c, { subdomain: 'rebuild', name: 'R', owner: { name: 'O', email: 'o@r.test' } });
      const ctx = { accountId: account.id, actor: toActor(owner), clock: c };
      await createSchedule(database.db, ctx, { name: 'S', time_zone: 'UTC', intervals: [{ start_time: 1440 + 540, end_time: 1440 + 1020 }] });
      const agent = await createUser(database.db, ctx, { name: 'A', email: 'a@r.test', role: 'agent' });
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = await createTicket(database.db, ctx, { comment: { body: `t${i}` }, requester: { email: `c${i}@x.test` } });
        c.advanceMinutes(10 + i);
        await updateTicket(database.db, ctx, t.id, { assignee_id: agent.id, comment: { body: 'hello', author_id: agent.id } });
        ids.push(t.id);
      }
      const before = await database.db.select().from(ticketMetrics).orderBy(ticketMetrics.ticketId);
      await database.db.execute(sql`update ticket_metrics set replies = 99, reply_time_calendar = null`);
      await database.db.delete(ticketMetrics).where(eq(ticketMetrics.ticketId, ids[0]!));
      await database.close();

      const run = spawnSync('npm', ['run', 'metrics:rebuild'], { env: { ...process.env, DATABASE_URL: '', DATA_DIR: dir }, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/rebuilt metrics of 5 tickets/);

      const again = await createDb({ dataDir: dir });
      const after = await again.db.select().from(ticketMetrics).orderBy(ticketMetrics.ticketId);
      await again.close();
      const strip = (rows: typeof before) => rows.map(({ id: _i, createdAt: _c, updatedAt: _u, ...rest }) => rest);
      expect(strip(after)).toEqual(strip(before));
      expect(after.map((m) => m.replyTimeCalendar)).toEqual([10, 11, 12, 13, 14]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
