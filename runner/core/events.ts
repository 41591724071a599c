import type { Queryable } from '../../db/client.ts';
import { outboxEvents, type Organization, type Ticket, type User } from '../../db/schema/index.ts';
import type { DomainEventType, EventPayloads, FieldChange, OrganizationSnapshot, TicketSnapshot, UserSnapshot } from '../sdk/index.ts';

/**
 * Domain events go into the outbox in the transaction of the change they describe: if that
 * transaction commits, the event exists; if the process dies right after, the dispatcher still
 * finds it. Connectors receive them as jobs (runner/engine/dispatcher.ts).
 */
export async function publishEvents(
  q: Queryable, accountId: number, events: { type: DomainEventType; payload: EventPayloads[DomainEventType]; ticketId?: number | null }[], at: Date,
): Promise<void> {
  if (events.length === 0) return;
  await q.insert(outboxEvents).values(events.map((e) => ({
    accountId, type: e.type, payload: e.payload as Record<string, unknown>, ticketId: e.ticketId ?? null, createdAt: at,
  })));
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function ticketSnapshot(t: Ticket): TicketSnapshot {
  return {
    id: t.id, subject: t.subject, description: t.description, status: t.status, priority: t.priority, type: t.type,
    requester_id: t.requesterId, submitter_id: t.submitterId, assignee_id: t.assigneeId, group_id: t.groupId,
    organization_id: t.organizationId, tags: t.tags, external_id: t.externalId, via_channel: t.viaChannel,
    created_at: t.createdAt.toISOString(), updated_at: t.updatedAt.toISOString(),
  };
}

export function userSnapshot(u: User): UserSnapshot {
  return {
    id: u.id, name: u.name, email: u.email, role: u.role, organization_id: u.organizationId, phone: u.phone,
    external_id: u.externalId, tags: u.tags, created_at: u.createdAt.toISOString(), updated_at: u.updatedAt.toISOString(),
  };
}

export function organizationSnapshot(o: Organization): OrganizationSnapshot {
  return {
    id: o.id, name: o.name, domain_names: o.domainNames, external_id: o.externalId, tags: o.tags,
    deleted_at: iso(o.deletedAt), created_at: o.createdAt.toISOString(), updated_at: o.updatedAt.toISOString(),
  };
}

/** The fields that differ between two snapshots (arrays compared by value). */
export function diffSnapshots<T extends Record<string, unknown>>(before: T, after: T, ignore: (keyof T)[] = ['updated_at']): FieldChange[] {
  const out: FieldChange[] = [];
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (ignore.includes(key)) continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) out.push({ field: String(key), from: before[key], to: after[key] });
  }
  return out;
}
