import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { accounts, tickets } from '../../db/schema/index.ts';
import { seedDemoAccount, seedDemoTickets } from '../../runner/demo/seed-demo.ts';
import { testConfig } from '../../runner/config.ts';
import { systemClock } from '../../runner/core/clock.ts';
import { createApp } from '../../runner/http/app.ts';
import { createTestDatabase } from '../helpers/db.ts';

const NOW = new Date('2026-11-20T12:00:00Z');
const opened: Database[] = [];
afterAll(async () => { for (const d of opened) await d.close(); });

async function seeded(total: number, interruptAfter?: number) {
  const database = await createTestDatabase();
  opened.push(database);
  const creds = await seedDemoAccount(database, { tickets: total, password: 'demo-password', apiToken: 'demo-api-token-1234567890', now: NOW });
  if (interruptAfter !== undefined) {
    // A crash after the first batch committed: the next start resumes from there.
    await expect(seedDemoTickets(database, (p) => { if (p.done >= interruptAfter) throw new Error('killed'); })).rejects.toThrow('killed');
    const [a] = await database.db.select().from(accounts).where(eq(accounts.subdomain, 'demo'));
    expect((a!.settings.demo as { done: number }).done).toBe(interruptAfter);
  }
  await seedDemoTickets(database);
  return { database, creds };
}

const snapshot = (d: Database) => d.db.select({ id: tickets.id, subject: tickets.subject, status: tickets.status, assignee: tickets.assigneeId, created: tickets.createdAt, updated: tickets.updatedAt })
  .from(tickets).orderBy(tickets.id);

describe('demo data', () => {
  it('creates the demo account with realistic ticket lifecycles made through the domain functions', async () => {
    const { database, creds } = await seeded(60);
    expect(creds).toMatchObject({ subdomain: 'demo', ownerEmail: 'admin@demo.test', agentEmail: 'agent@demo.test' });
    const stats = (await database.rows<Record<string, string>>(sql`
      select (select count(*) from tickets) as tickets,
             (select count(*) from tickets where status = 'closed') as closed,
             (select count(*) from tickets where status in ('new','open','pending','hold')) as unsolved,
             (select count(*) from comments where not public) as private_notes,
             (select count(*) from audit_events where field_name = 'status' and previous_value = '"solved"' and value = '"open"') as reopens,
             (select count(*) from satisfaction_ratings) as ratings,
             (select count(*) from tickets t where not exists (select 1 from audits a where a.ticket_id = t.id)) as without_audit,
             (select count(*) from schedule_holidays) as holidays,
             (select count(*) from users where role = 'end-user') as customers`))[0]!;
    expect(Number(stats.tickets)).toBe(60);
    expect(Number(stats.closed)).toBeGreaterThan(0);
    expect(Number(stats.unsolved)).toBeGreaterThan(0);
    expect(Number(stats.private_notes)).toBeGreaterThan(0);
    expect(Number(stats.reopens)).toBeGreaterThan(0);
    expect(Number(stats.ratings)).toBeGreaterThan(0);
    expect(Number(stats.without_audit)).toBe(0);
    expect(Number(stats.holidays)).toBeGreaterThan(0);
    expect(Number(stats.customers)).toBe(160);

    // The printed credentials work against the API.
    const app = createApp({ database, config: testConfig(), clock: systemClock });
    const res = await app.request('http://localhost/api/v2/tickets.json', { headers: { authorization: `Basic ${Buffer.from(`${creds!.ownerEmail}/token:${creds!.apiToken}`).toString('base64')}` } });
    expect(res.status).toBe(200);
    expect((await res.json()).count).toBe(60);
    // Nothing happens in the future of the seeding time.
    const [late] = await database.rows<{ n: string }>(sql`select count(*) as n from audits where created_at > ${NOW.toISOString()}::timestamptz`);
    expect(Number(late!.n)).toBe(0);
    // A second start does not seed again.
    expect(await seedDemoAccount(database, { tickets: 60 })).toBeNull();
  });

  it('an interrupted seeding resumes and ends with the same tickets as an uninterrupted one', async () => {
    const straight = await seeded(30);
    const resumed = await seeded(30, 10);
    expect(await snapshot(resumed.database)).toEqual(await snapshot(straight.database));
  });
});
