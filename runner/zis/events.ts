import type { DomainEvent, DomainEventType, EventPayloads, TicketSnapshot } from '../sdk/index.ts';

/**
 * Support events as ZIS job specs name them (`event_source: "support"`), made from deskbridge's
 * domain events. The flow input is shaped like Zendesk's event payloads, so flows written for
 * Zendesk read the same paths: `$.input.ticket_event.ticket.id`, `$.input.ticket_event.comment.body`,
 * `$.input.ticket_event.previous` / `.current`.
 */

/** Ticket field changes (from `ticket.updated`) that are events of their own, as Zendesk sends them. */
const FIELD_EVENTS: Record<string, [eventType: string, label: string]> = {
  priority: ['ticket.PriorityChanged', 'Priority Changed'],
  assignee_id: ['ticket.AgentAssignmentChanged', 'Agent Assignment Changed'],
  group_id: ['ticket.GroupAssignmentChanged', 'Group Assignment Changed'],
  subject: ['ticket.SubjectChanged', 'Subject Changed'],
  type: ['ticket.TicketTypeChanged', 'Ticket Type Changed'],
  tags: ['ticket.TagsChanged', 'Tags Changed'],
};

export const SUPPORT_EVENT_TYPES: readonly string[] = [
  'ticket.TicketCreated', 'ticket.CommentAdded', 'ticket.StatusChanged', ...Object.values(FIELD_EVENTS).map(([t]) => t),
  'user.UserCreated', 'organization.OrganizationCreated',
];

export type SupportEvent = { eventType: string; input: Record<string, unknown>; ticketId: number | null };

/** Audits keep tags as an array or as Zendesk's space-separated text. */
const tagList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : []);

const ticketShape = (t: TicketSnapshot) => ({ ...t, via: { channel: t.via_channel } });

/** The support events one domain event stands for (none, one, or one per changed field). */
export function supportEvents(e: DomainEvent): SupportEvent[] {
  const meta = (actorId: number) => ({ version: '1.0', occurred_at: e.occurred_at, ref: String(e.id), actor_id: actorId });
  const ticketEvent = (p: { ticket: TicketSnapshot; actor_id: number }, type: string, extra: Record<string, unknown>): Record<string, unknown> =>
    ({ ticket_event: { meta: meta(p.actor_id), type, ...extra, ticket: ticketShape(p.ticket) } });
  const type = e.type as DomainEventType;
  switch (type) {
    case 'ticket.created': {
      const p = e.payload as EventPayloads['ticket.created'];
      return [{ eventType: 'ticket.TicketCreated', input: ticketEvent(p, 'Ticket Created', {}), ticketId: p.ticket.id }];
    }
    case 'ticket.commented': {
      const p = e.payload as EventPayloads['ticket.commented'];
      const comment = { id: p.comment.id, body: p.comment.body, is_public: p.comment.public, author: { id: p.comment.author_id } };
      return [{ eventType: 'ticket.CommentAdded', input: ticketEvent(p, 'Comment Added', { comment }), ticketId: p.ticket.id }];
    }
    case 'ticket.status_changed': {
      const p = e.payload as EventPayloads['ticket.status_changed'];
      return [{ eventType: 'ticket.StatusChanged', input: ticketEvent(p, 'Status Changed', { previous: p.from, current: p.to }), ticketId: p.ticket.id }];
    }
    case 'ticket.updated': {
      const p = e.payload as EventPayloads['ticket.updated'];
      return p.changes.filter((c) => FIELD_EVENTS[c.field]).map((c) => {
        const [eventType, label] = FIELD_EVENTS[c.field]!;
        const extra: Record<string, unknown> = { previous: c.from, current: c.to };
        if (c.field === 'tags') {
          const from = tagList(c.from);
          const to = tagList(c.to);
          extra.tags_added = to.filter((t) => !from.includes(t));
          extra.tags_removed = from.filter((t) => !to.includes(t));
        }
        return { eventType, input: ticketEvent(p, label, extra), ticketId: p.ticket.id };
      });
    }
    case 'user.created': {
      const p = e.payload as EventPayloads['user.created'];
      return [{ eventType: 'user.UserCreated', input: { user_event: { meta: meta(p.actor_id), type: 'User Created', user: p.user } }, ticketId: null }];
    }
    case 'organization.created': {
      const p = e.payload as EventPayloads['organization.created'];
      return [{ eventType: 'organization.OrganizationCreated', input: { organization_event: { meta: meta(p.actor_id), type: 'Organization Created', organization: p.organization } }, ticketId: null }];
    }
    default:
      return [];
  }
}
