import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../../../db/client.ts';
import { auditEvents, audits, comments, ticketMetrics, tickets, type TicketMetricRow } from '../../../db/schema/index.ts';
import { iso } from '../format.ts';
import { loadScheduleHistory } from '../schedules.ts';
import { computeTicketMetrics } from './engine.ts';
import type { MetricAudit, ScheduleVersion, TicketMetrics } from './types.ts';

/** Loads the audits (with events and comment visibility) of a set of tickets, grouped per ticket. */
export async function loadMetricAudits(q: Queryable, accountId: number, ticketIds: number[]): Promise<Map<number, MetricAudit[]>> {
  const out = new Map<number, MetricAudit[]>();
  if (!ticketIds.length) return out;
  const rows = await q.select({
    auditId: audits.id, ticketId: audits.ticketId, createdAt: audits.createdAt, authorId: audits.authorId, authorRole: audits.authorRole,
    viaChannel: audits.viaChannel, metadata: audits.metadata,
    type: auditEvents.type, fieldName: auditEvents.fieldName, value: auditEvents.value, previousValue: auditEvents.previousValue, isPublic: comments.public,
  }).from(audits)
    .innerJoin(auditEvents, eq(auditEvents.auditId, audits.id))
    .leftJoin(comments, eq(comments.id, auditEvents.commentId))
    .where(and(eq(audits.accountId, accountId), inArray(audits.ticketId, ticketIds)))
    .orderBy(asc(audits.ticketId), asc(audits.createdAt), asc(audits.id), asc(auditEvents.id));
  let current: MetricAudit | null = null;
  let currentId = -1;
  for (const r of rows) {
    if (r.auditId !== currentId) {
      currentId = r.auditId;
      current = { createdAt: r.createdAt, authorId: r.authorId, authorRole: r.authorRole, viaChannel: r.viaChannel, automated: r.metadata?.automated === true, events: [] };
      let list = out.get(r.ticketId);
      if (!list) out.set(r.ticketId, (list = []));
      list.push(current);
    }
    current!.events.push({ type: r.type, fieldName: r.fieldName, value: r.value, previousValue: r.previousValue, ...(r.type === 'Comment' ? { public: r.isPublic ?? true } : {}) });
  }
  return out;
}

function toRow(accountId: number, ticketId: number, m: TicketMetrics, now: Date) {
  return {
    accountId, ticketId,
    groupStations: m.group_stations, assigneeStations: m.assignee_stations, reopens: m.reopens, replies: m.replies,
    assigneeUpdatedAt: m.assignee_updated_at, requesterUpdatedAt: m.requester_updated_at, statusUpdatedAt: m.status_updated_at,
    initiallyAssignedAt: m.initially_assigned_at, assignedAt: m.assigned_at, solvedAt: m.solved_at, latestCommentAddedAt: m.latest_comment_added_at,
    replyTimeCalendar: m.reply_time_in_minutes.calendar, replyTimeBusiness: m.reply_time_in_minutes.business,
    firstResolutionCalendar: m.first_resolution_time_in_minutes.calendar, firstResolutionBusiness: m.first_resolution_time_in_minutes.business,
    fullResolutionCalendar: m.full_resolution_time_in_minutes.calendar, fullResolutionBusiness: m.full_resolution_time_in_minutes.business,
    agentWaitCalendar: m.agent_wait_time_in_minutes.calendar, agentWaitBusiness: m.agent_wait_time_in_minutes.business,
    requesterWaitCalendar: m.requester_wait_time_in_minutes.calendar, requesterWaitBusiness: m.requester_wait_time_in_minutes.business,
    onHoldCalendar: m.on_hold_time_in_minutes.calendar, onHoldBusiness: m.on_hold_time_in_minutes.business,
    updatedAt: now,
  };
}

type Row = ReturnType<typeof toRow>;
const updatable = (r: Row) => { const { accountId: _a, ticketId: _t, ...rest } = r; return rest; };

async function upsert(q: Queryable, rows: Row[]) {
  if (!rows.length) return;
  const first = rows[0]!;
  const set = Object.fromEntries(Object.keys(updatable(first)).map((k) => {
    const col = (ticketMetrics as unknown as Record<string, { name: string }>)[k]!;
    return [k, sql.raw(`excluded.${col.name}`)];
  }));
  await q.insert(ticketMetrics).values(rows.map((r) => ({ ...r, createdAt: r.updatedAt })))
    .onConflictDoUpdate({ target: ticketMetrics.ticketId, set });
}

/** Recomputes and stores one ticket's metrics; called in the transaction of every ticket change. */
export async function refreshTicketMetrics(q: Queryable, accountId: number, ticketId: number, now: Date, history?: ScheduleVersion[]): Promise<void> {
  await refreshMany(q, accountId, [ticketId], now, history ?? await loadScheduleHistory(q, accountId));
}

/** Recomputes a batch of tickets of one account (the rebuild command walks every ticket with it). */
export async function refreshMany(q: Queryable, accountId: number, ticketIds: number[], now: Date, history: ScheduleVersion[]): Promise<number> {
  const ts = await q.select({ id: tickets.id, requesterId: tickets.requesterId, assigneeId: tickets.assigneeId }).from(tickets)
    .where(and(eq(tickets.accountId, accountId), inArray(tickets.id, ticketIds)));
  const byTicket = await loadMetricAudits(q, accountId, ticketIds);
  const rows = ts.map((t) => toRow(accountId, t.id, computeTicketMetrics(t, byTicket.get(t.id) ?? [], history, now), now));
  await upsert(q, rows);
  return rows.length;
}

const minutes = (calendar: number | null, business: number | null) => ({ calendar, business });

/** Zendesk's ticket_metric object. */
export function ticketMetricShape(m: TicketMetricRow, base: string) {
  return {
    url: `${base}/api/v2/ticket_metrics/${m.id}.json`,
    id: m.id,
    ticket_id: m.ticketId,
    created_at: iso(m.createdAt),
    updated_at: iso(m.updatedAt),
    group_stations: m.groupStations,
    assignee_stations: m.assigneeStations,
    reopens: m.reopens,
    replies: m.replies,
    assignee_updated_at: iso(m.assigneeUpdatedAt),
    requester_updated_at: iso(m.requesterUpdatedAt),
    status_updated_at: iso(m.statusUpdatedAt),
    initially_assigned_at: iso(m.initiallyAssignedAt),
    assigned_at: iso(m.assignedAt),
    solved_at: iso(m.solvedAt),
    latest_comment_added_at: iso(m.latestCommentAddedAt),
    reply_time_in_minutes: minutes(m.replyTimeCalendar, m.replyTimeBusiness),
    first_resolution_time_in_minutes: minutes(m.firstResolutionCalendar, m.firstResolutionBusiness),
    full_resolution_time_in_minutes: minutes(m.fullResolutionCalendar, m.fullResolutionBusiness),
    agent_wait_time_in_minutes: minutes(m.agentWaitCalendar, m.agentWaitBusiness),
    requester_wait_time_in_minutes: minutes(m.requesterWaitCalendar, m.requesterWaitBusiness),
    on_hold_time_in_minutes: minutes(m.onHoldCalendar, m.onHoldBusiness),
  };
}
