import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import {
  auditEvents, comments, satisfactionRatings, ticketFields, ticketFieldValues, tickets,
  type Audit, type AuditEvent, type Comment, type Ticket,
} from '../../db/schema/index.ts';
import { epochSeconds, iso } from './format.ts';

type Rating = typeof satisfactionRatings.$inferSelect;
export type TicketExtras = { fieldIds: number[]; values: Map<number, Map<number, unknown>>; ratings: Map<number, Rating>; followups: Map<number, number[]> };

/** Loads what the ticket shape needs beyond the row, for a whole page at once (no N+1). */
export async function loadTicketExtras(q: Queryable, accountId: number, ticketIds: number[]): Promise<TicketExtras> {
  const fields = await q.select({ id: ticketFields.id }).from(ticketFields)
    .where(and(eq(ticketFields.accountId, accountId), eq(ticketFields.active, true))).orderBy(asc(ticketFields.position), asc(ticketFields.id));
  const values = new Map<number, Map<number, unknown>>();
  const ratings = new Map<number, Rating>();
  const followups = new Map<number, number[]>();
  if (ticketIds.length) {
    const fs = await q.select({ id: tickets.id, source: tickets.followupSourceId }).from(tickets)
      .where(and(eq(tickets.accountId, accountId), inArray(tickets.followupSourceId, ticketIds))).orderBy(asc(tickets.id));
    for (const f of fs) followups.set(f.source!, [...(followups.get(f.source!) ?? []), f.id]);
    const rows = await q.select().from(ticketFieldValues).where(and(eq(ticketFieldValues.accountId, accountId), inArray(ticketFieldValues.ticketId, ticketIds)));
    for (const r of rows) {
      let m = values.get(r.ticketId);
      if (!m) values.set(r.ticketId, (m = new Map()));
      m.set(r.fieldId, r.value);
    }
    const rs = await q.select().from(satisfactionRatings).where(and(eq(satisfactionRatings.accountId, accountId), inArray(satisfactionRatings.ticketId, ticketIds)));
    for (const r of rs) ratings.set(r.ticketId, r);
  }
  return { fieldIds: fields.map((f) => f.id), values, ratings, followups };
}

/** Zendesk's ticket object (C2). */
export function ticketShape(t: Ticket, base: string, extras: TicketExtras, opts: { generated?: boolean } = {}) {
  const vals = extras.values.get(t.id);
  const customFields = extras.fieldIds.map((id) => ({ id, value: vals?.get(id) ?? null }));
  const rating = extras.ratings.get(t.id);
  return {
    url: `${base}/api/v2/tickets/${t.id}.json`,
    id: t.id,
    external_id: t.externalId,
    via: { channel: t.viaChannel, source: t.viaSource },
    created_at: iso(t.createdAt),
    updated_at: iso(t.updatedAt),
    type: t.type,
    subject: t.subject,
    raw_subject: t.subject,
    description: t.description,
    priority: t.priority,
    status: t.status,
    recipient: null,
    requester_id: t.requesterId,
    submitter_id: t.submitterId,
    assignee_id: t.assigneeId,
    organization_id: t.organizationId,
    group_id: t.groupId,
    collaborator_ids: [] as number[],
    follower_ids: [] as number[],
    email_cc_ids: [] as number[],
    forum_topic_id: null,
    problem_id: null,
    has_incidents: false,
    is_public: t.isPublic,
    due_at: iso(t.dueAt),
    tags: t.tags,
    custom_fields: customFields,
    satisfaction_rating: rating ? { id: rating.id, score: rating.score, comment: rating.comment, reason: rating.reason } : { score: 'unoffered' },
    sharing_agreement_ids: [] as number[],
    fields: customFields,
    followup_ids: extras.followups.get(t.id) ?? [],
    via_followup_source_id: t.followupSourceId,
    ticket_form_id: null,
    brand_id: null,
    allow_channelback: false,
    allow_attachments: true,
    from_messaging_channel: false,
    ...(opts.generated ? { generated_timestamp: epochSeconds(t.generatedAt) } : {}),
  };
}

export function commentShape(c: Comment) {
  return {
    id: c.id,
    type: 'Comment' as const,
    author_id: c.authorId,
    body: c.body,
    html_body: c.htmlBody,
    plain_body: c.body,
    public: c.public,
    attachments: [] as unknown[],
    audit_id: c.auditId,
    via: { channel: c.viaChannel, source: { from: {}, to: {}, rel: null } },
    created_at: iso(c.createdAt),
    metadata: { system: {}, custom: {}, ...c.metadata },
  };
}

export function auditShape(a: Audit, events: AuditEvent[], commentsById: Map<number, Comment>) {
  return {
    id: a.id,
    ticket_id: a.ticketId,
    created_at: iso(a.createdAt),
    author_id: a.authorId,
    metadata: { system: {}, custom: {}, ...a.metadata },
    via: { channel: a.viaChannel, source: { from: {}, to: {}, rel: null } },
    events: events.map((e) => {
      if (e.type === 'Comment') {
        const c = e.commentId != null ? commentsById.get(e.commentId) : undefined;
        return { id: e.id, type: 'Comment', author_id: a.authorId, body: c?.body ?? '', html_body: c?.htmlBody ?? '', plain_body: c?.body ?? '', public: c?.public ?? true, attachments: [], audit_id: a.id };
      }
      return { id: e.id, type: e.type, field_name: e.fieldName, value: e.value, ...(e.type === 'Change' ? { previous_value: e.previousValue } : {}) };
    }),
  };
}

export async function loadAuditEvents(q: Queryable, accountId: number, ticketId: number) {
  const events = await q.select().from(auditEvents).where(and(eq(auditEvents.accountId, accountId), eq(auditEvents.ticketId, ticketId))).orderBy(asc(auditEvents.id));
  const cs = await q.select().from(comments).where(and(eq(comments.accountId, accountId), eq(comments.ticketId, ticketId)));
  const byAudit = new Map<number, AuditEvent[]>();
  for (const e of events) {
    let l = byAudit.get(e.auditId);
    if (!l) byAudit.set(e.auditId, (l = []));
    l.push(e);
  }
  return { byAudit, commentsById: new Map(cs.map((c) => [c.id, c])) };
}
