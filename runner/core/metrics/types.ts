/**
 * Inputs and output of the pure ticket metrics engine (SPEC M1–M7). No I/O: the caller loads a
 * ticket's audits and the account's schedule history and passes a clock reading.
 */
import type { UserRole } from '../../../db/schema/index.ts';

/** Minutes from Sunday 00:00 local time, as Zendesk's schedule intervals (0..10080). */
export type Interval = { start_time: number; end_time: number };

/** Holiday dates are inclusive, YYYY-MM-DD in the schedule's zone; the whole days are outside business hours. */
export type Holiday = { start_date: string; end_date: string };

export type ScheduleSpec = { timeZone: string; intervals: Interval[]; holidays: Holiday[] };

/** The schedule in force from `validFrom` until the next version's `validFrom`; `schedule: null` = none. */
export type ScheduleVersion = { validFrom: Date; schedule: ScheduleSpec | null };

export type MetricEvent = {
  type: 'Create' | 'Change' | 'Comment';
  /** 'status', 'assignee_id', 'group_id', … for Create/Change; null for Comment. */
  fieldName: string | null;
  value: unknown;
  previousValue: unknown;
  /** For Comment events. */
  public?: boolean;
};

export type MetricAudit = {
  createdAt: Date;
  authorId: number;
  authorRole: UserRole;
  /** 'rule' (triggers, automations) and bot channels never count as replies. */
  viaChannel: string;
  /** true when the audit was made by a bot or an automation. */
  automated?: boolean;
  events: MetricEvent[];
};

export type MetricTicket = { requesterId: number; assigneeId: number | null };

export type Minutes = { calendar: number | null; business: number | null };

export type TicketMetrics = {
  group_stations: number;
  assignee_stations: number;
  reopens: number;
  replies: number;
  assignee_updated_at: Date | null;
  requester_updated_at: Date | null;
  status_updated_at: Date | null;
  initially_assigned_at: Date | null;
  assigned_at: Date | null;
  solved_at: Date | null;
  latest_comment_added_at: Date | null;
  reply_time_in_minutes: Minutes;
  first_resolution_time_in_minutes: Minutes;
  full_resolution_time_in_minutes: Minutes;
  agent_wait_time_in_minutes: Minutes;
  requester_wait_time_in_minutes: Minutes;
  on_hold_time_in_minutes: Minutes;
};
