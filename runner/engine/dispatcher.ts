import { asc, eq, inArray, and } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { connectorInstallations, jobs, outboxEvents } from '../../db/schema/index.ts';
import type { Clock } from '../core/clock.ts';
import type { AnyConnector, DomainEvent, DomainEventType } from '../sdk/index.ts';
import { queueZisJobs } from '../zis/dispatch.ts';
import { DEFAULT_MAX_ATTEMPTS } from './queue.ts';

/**
 * Moves domain events from the outbox to the job queue: one `event` job per enabled installation
 * whose connector subscribes to the event type. Reading the events, inserting the jobs and deleting
 * the events happen in one transaction, and each job's idempotency key names the event and the
 * installation, so a crash at any point neither loses an event nor runs a handler twice for it.
 * Returns how many events were taken (the caller loops while a full batch comes back).
 */
export async function dispatchOutbox(database: Database, connectors: Map<string, AnyConnector>, clock: Clock, batch = 500): Promise<number> {
  return database.db.transaction(async (tx) => {
    const events = await tx.select().from(outboxEvents).orderBy(asc(outboxEvents.id)).limit(batch).for('update', { skipLocked: true });
    if (events.length === 0) return 0;
    const accountIds = [...new Set(events.map((e) => e.accountId))];
    const installs = await tx.select().from(connectorInstallations)
      .where(and(inArray(connectorInstallations.accountId, accountIds), eq(connectorInstallations.enabled, true)));
    const now = clock.now();
    const rows = events.flatMap((e) => installs
      .filter((i) => i.accountId === e.accountId && connectors.get(i.connectorId)?.on?.[e.type as DomainEventType])
      .map((i) => {
        const event: DomainEvent = {
          id: e.id, type: e.type as DomainEventType, account_id: e.accountId, occurred_at: e.createdAt.toISOString(), payload: e.payload as never,
        };
        return {
          accountId: e.accountId, kind: 'event', name: e.type, connectorId: i.connectorId, installationId: i.id,
          payload: event, ticketId: e.ticketId, runAt: now, createdAt: now, updatedAt: now,
          maxAttempts: connectors.get(i.connectorId)!.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
          idempotencyKey: `event:${e.id}:${i.id}`,
        };
      }));
    for (let i = 0; i < rows.length; i += 500) await tx.insert(jobs).values(rows.slice(i, i + 500)).onConflictDoNothing();
    // Private integrations' job specs bound to these events, in the same transaction.
    await queueZisJobs(tx, events, now);
    await tx.delete(outboxEvents).where(inArray(outboxEvents.id, events.map((e) => e.id)));
    return events.length;
  });
}
