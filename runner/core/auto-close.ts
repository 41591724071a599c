import { and, asc, eq, gt, lte } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { ticketMetrics, tickets, users } from '../../db/schema/index.ts';
import type { Clock } from './clock.ts';
import type { Actor } from './context.ts';
import { updateTicket } from './tickets.ts';

/**
 * Closes tickets solved more than `afterHours` ago (SPEC M7), as Zendesk's default automation does.
 * Each close is an ordinary audited update via the "rule" channel, authored by the account owner.
 * Safe to run from several processes: a ticket already closed is left unchanged.
 */
export async function closeSolvedTickets(
  database: Database, clock: Clock, afterHours: number, batch = 500, onError: (ticketId: number, err: unknown) => void = () => {},
): Promise<number> {
  const { db } = database;
  const cutoff = new Date(clock.now().getTime() - afterHours * 3600_000);
  let closed = 0;
  // Walk forward by id so a ticket that cannot be closed (no owner, an error) is passed, not retried forever.
  let after = 0;
  for (;;) {
    const due = await db.select({ id: tickets.id, accountId: tickets.accountId }).from(tickets)
      .innerJoin(ticketMetrics, eq(ticketMetrics.ticketId, tickets.id))
      .where(and(eq(tickets.status, 'solved'), lte(ticketMetrics.solvedAt, cutoff), gt(tickets.id, after)))
      .orderBy(asc(tickets.id)).limit(batch);
    if (!due.length) return closed;
    for (const t of due) {
      after = t.id;
      try {
        await db.transaction(async (tx) => {
          const [owner] = await tx.select().from(users).where(and(eq(users.accountId, t.accountId), eq(users.isOwner, true))).limit(1);
          if (!owner) return;
          const before = await tx.select({ status: tickets.status }).from(tickets).where(eq(tickets.id, t.id)).for('update');
          if (before[0]?.status !== 'solved') return;
          const actor: Actor = { id: owner.id, accountId: owner.accountId, role: owner.role, isOwner: true, email: owner.email, name: owner.name };
          await updateTicket(tx, { accountId: t.accountId, actor, clock }, t.id, { status: 'closed', via_channel: 'rule' });
          closed++;
        });
      } catch (err) {
        onError(t.id, err);
      }
    }
    if (due.length < batch) return closed;
  }
}
