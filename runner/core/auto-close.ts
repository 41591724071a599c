import { and, asc, eq, lte } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { ticketMetrics, tickets, users } from '../../db/schema/index.ts';
import type { Clock } from './clock.ts';
import { updateTicket } from './tickets.ts';
import { toActor } from '../http/auth.ts';

/**
 * Closes tickets solved more than `afterHours` ago (SPEC M7), as Zendesk's default automation does.
 * Each close is an ordinary audited update via the "rule" channel, authored by the account owner.
 * Safe to run from several processes: a ticket already closed is left unchanged.
 */
export async function closeSolvedTickets(database: Database, clock: Clock, afterHours: number, batch = 500): Promise<number> {
  const { db } = database;
  const cutoff = new Date(clock.now().getTime() - afterHours * 3600_000);
  let closed = 0;
  for (;;) {
    const due = await db.select({ id: tickets.id, accountId: tickets.accountId }).from(tickets)
      .innerJoin(ticketMetrics, eq(ticketMetrics.ticketId, tickets.id))
      .where(and(eq(tickets.status, 'solved'), lte(ticketMetrics.solvedAt, cutoff)))
      .orderBy(asc(tickets.id)).limit(batch);
    if (!due.length) return closed;
    for (const t of due) {
      await db.transaction(async (tx) => {
        const [owner] = await tx.select().from(users).where(and(eq(users.accountId, t.accountId), eq(users.isOwner, true))).limit(1);
        if (!owner) return;
        const before = await tx.select({ status: tickets.status }).from(tickets).where(eq(tickets.id, t.id)).for('update');
        if (before[0]?.status !== 'solved') return;
        await updateTicket(tx, { accountId: t.accountId, actor: toActor(owner), clock }, t.id, { status: 'closed', via_channel: 'rule' });
        closed++;
      });
    }
    if (due.length < batch) return closed;
  }
}


