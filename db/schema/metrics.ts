import { index, integer, jsonb, pgTable, uniqueIndex } from 'drizzle-orm/pg-core';
import { accountRef, id, ref, timestamps, ts } from './columns.ts';
import type { ScheduleSpec } from '../../runner/core/metrics/types.ts';

/**
 * Stored result of the metrics engine, one row per ticket, rewritten in the transaction of every
 * ticket change (and by `npm run metrics:rebuild`). Minutes are whole; null until complete.
 */
export const ticketMetrics = pgTable(
  'ticket_metrics',
  {
    id: id(),
    accountId: accountRef(),
    ticketId: ref('ticket_id').notNull(),
    groupStations: integer('group_stations').notNull().default(0),
    assigneeStations: integer('assignee_stations').notNull().default(0),
    reopens: integer('reopens').notNull().default(0),
    replies: integer('replies').notNull().default(0),
    assigneeUpdatedAt: ts('assignee_updated_at'),
    requesterUpdatedAt: ts('requester_updated_at'),
    statusUpdatedAt: ts('status_updated_at'),
    initiallyAssignedAt: ts('initially_assigned_at'),
    assignedAt: ts('assigned_at'),
    solvedAt: ts('solved_at'),
    latestCommentAddedAt: ts('latest_comment_added_at'),
    replyTimeCalendar: integer('reply_time_calendar'),
    replyTimeBusiness: integer('reply_time_business'),
    firstResolutionCalendar: integer('first_resolution_calendar'),
    firstResolutionBusiness: integer('first_resolution_business'),
    fullResolutionCalendar: integer('full_resolution_calendar'),
    fullResolutionBusiness: integer('full_resolution_business'),
    agentWaitCalendar: integer('agent_wait_calendar'),
    agentWaitBusiness: integer('agent_wait_business'),
    requesterWaitCalendar: integer('requester_wait_calendar'),
    requesterWaitBusiness: integer('requester_wait_business'),
    onHoldCalendar: integer('on_hold_calendar'),
    onHoldBusiness: integer('on_hold_business'),
    ...timestamps(),
  },
  (t) => [uniqueIndex('ticket_metrics_ticket_key').on(t.ticketId), index('ticket_metrics_account_idx').on(t.accountId, t.id)],
);

/**
 * The account's business-hours history: a row each time the schedule in force (the default schedule,
 * its hours, zone or holidays) changes. Metrics pick the version in force at each event (SPEC M6).
 */
export const scheduleVersions = pgTable(
  'schedule_versions',
  {
    id: id(),
    accountId: accountRef(),
    scheduleId: ref('schedule_id'),
    validFrom: ts('valid_from').notNull(),
    /** null = no business-hours schedule in force. */
    spec: jsonb('spec').$type<ScheduleSpec | null>(),
  },
  (t) => [index('schedule_versions_account_idx').on(t.accountId, t.validFrom)],
);

export type TicketMetricRow = typeof ticketMetrics.$inferSelect;
