import { and, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { jobs, zisJobSpecs, type OutboxEvent } from '../../db/schema/index.ts';
import type { DomainEvent, DomainEventType } from '../sdk/index.ts';
import { supportEvents } from './events.ts';
import { ZIS_TASK, type ZisJobPayload } from './runner.ts';

/** A flow's failures are its own to handle (Catch, Retry): the engine retries only deskbridge's trouble. */
const MAX_ATTEMPTS = 3;

/**
 * The outbox dispatcher's ZIS half: in its transaction, one `zis` job per outbox event × installed
 * job spec bound to the support event it stands for. The key names the event and the spec, so a
 * dispatch repeated after a crash queues nothing twice.
 */
export async function queueZisJobs(tx: Queryable, events: OutboxEvent[], now: Date): Promise<void> {
  const accountIds = [...new Set(events.map((e) => e.accountId))];
  if (accountIds.length === 0) return;
  const specs = await tx.select().from(zisJobSpecs).where(and(inArray(zisJobSpecs.accountId, accountIds), eq(zisJobSpecs.eventSource, 'support')));
  if (specs.length === 0) return;
  const rows = events.flatMap((e) => {
    const event: DomainEvent = { id: e.id, type: e.type as DomainEventType, account_id: e.accountId, occurred_at: e.createdAt.toISOString(), payload: e.payload as never };
    return supportEvents(event).flatMap((se) => specs
      .filter((s) => s.accountId === e.accountId && s.eventType === se.eventType)
      .map((s) => ({
        accountId: e.accountId, kind: ZIS_TASK, name: s.name, ticketId: se.ticketId ?? e.ticketId,
        payload: { integration: s.integration, job_spec: s.name, flow_name: s.flowName, event_type: se.eventType, input: se.input } satisfies ZisJobPayload,
        runAt: now, createdAt: now, updatedAt: now, maxAttempts: MAX_ATTEMPTS, idempotencyKey: `zis:${e.id}:${s.id}`,
      })));
  });
  for (let i = 0; i < rows.length; i += 500) await tx.insert(jobs).values(rows.slice(i, i + 500)).onConflictDoNothing();
}
