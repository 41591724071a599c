/**
 * Ticket metrics from a ticket's audits (SPEC M1–M6), in one pass, calendar and business minutes.
 *
 * Interpretations where the SPEC is silent (see also the scenario tests):
 * - Replies and the first reply are public Comment events (`public === true`) in audits by an
 *   agent or admin, not automated and not via 'rule'/bot channels, after the creation audit.
 * - A ticket created as solved is solved at creation (resolution 0).
 * - Status durations are frozen at the latest solve: segments completed after it only count once
 *   the ticket is solved again. A business value is null when any counted segment began under no
 *   schedule, or, with no counted segment, when no schedule is in force at the latest solve.
 */
import { businessMillis } from './business-hours.ts';
import type { MetricAudit, MetricTicket, Minutes, ScheduleSpec, ScheduleVersion, TicketMetrics } from './types.ts';

const MINUTE = 60_000;

/** Channels whose comments are never replies: triggers/automations and bots. */
export const AUTOMATED_CHANNELS: ReadonlySet<string> = new Set(['rule', 'automation', 'trigger', 'bot', 'answer_bot']);

/** Which status-duration metric a completed segment feeds. */
const NONE = 0;
const REQUESTER_WAIT = 1;
const AGENT_WAIT = 2;
const ON_HOLD = 3;

function scheduleAt(schedules: ScheduleVersion[], t: number): ScheduleSpec | null {
  for (let k = schedules.length - 1; k >= 0; k--) {
    const v = schedules[k]!;
    if (v.validFrom.getTime() <= t) return v.schedule;
  }
  return null;
}

const isUnsolved = (s: string) => s === 'new' || s === 'open' || s === 'pending' || s === 'hold';

/** Running totals of one status-duration metric, and their value at the latest solve. */
class Duration {
  calendar = 0;
  business = 0;
  businessUnknown = false;
  segments = 0;
  private solvedCalendar = 0;
  private solvedBusiness = 0;
  private solvedUnknown = false;
  private solvedSegments = 0;

  add(from: number, to: number, schedule: ScheduleSpec | null): void {
    this.segments++;
    this.calendar += to - from;
    if (schedule === null) this.businessUnknown = true;
    else this.business += businessMillis(from, to, schedule);
  }

  freeze(): void {
    this.solvedCalendar = this.calendar;
    this.solvedBusiness = this.business;
    this.solvedUnknown = this.businessUnknown;
    this.solvedSegments = this.segments;
  }

  result(solved: boolean, scheduleAtSolve: ScheduleSpec | null): Minutes {
    if (!solved) return { calendar: null, business: null };
    const calendar = Math.round(this.solvedCalendar / MINUTE);
    const noSchedule = this.solvedUnknown || (this.solvedSegments === 0 && scheduleAtSolve === null);
    return { calendar, business: noSchedule ? null : Math.min(calendar, Math.round(this.solvedBusiness / MINUTE)) };
  }
}

/** Creation → `endMs`, with the schedule in force at the ending event applied to the whole span (M6). */
function span(schedules: ScheduleVersion[], startMs: number, endMs: number): Minutes {
  if (endMs < 0) return { calendar: null, business: null };
  const calendar = Math.round(Math.max(0, endMs - startMs) / MINUTE);
  const schedule = scheduleAt(schedules, endMs);
  return { calendar, business: schedule === null ? null : Math.min(calendar, Math.round(businessMillis(startMs, endMs, schedule) / MINUTE)) };
}

/**
 * Computes a ticket's metrics from its audits (oldest first) and the account's schedule history
 * (sorted by validFrom). `now` is the clock reading the caller computes "as of"; every metric
 * here is defined by past events, so it does not change the result.
 */
export function computeTicketMetrics(ticket: MetricTicket, audits: MetricAudit[], schedules: ScheduleVersion[], now: Date): TicketMetrics {
  void now;
  const first = audits[0];
  const createdMs = first === undefined ? 0 : first.createdAt.getTime();
  const requesterWait = new Duration();
  const agentWait = new Duration();
  const onHold = new Duration();
  let groupStations = 0;
  let assigneeStations = 0;
  let reopens = 0;
  let replies = 0;
  let assigneeUpdatedAt: Date | null = null;
  let requesterUpdatedAt: Date | null = null;
  let statusUpdatedAt: Date | null = null;
  let initiallyAssignedAt: Date | null = null;
  let assignedAt: Date | null = null;
  let solvedAt: Date | null = null;
  let latestCommentAt: Date | null = null;
  let status = 'new';
  let segmentStart = createdMs;
  let replyMs = -1;
  let firstSolveMs = -1;
  let lastSolveMs = -1;

  for (let i = 0; i < audits.length; i++) {
    const audit = audits[i]!;
    const at = audit.createdAt;
    const t = at.getTime();
    if (audit.authorId === ticket.requesterId) requesterUpdatedAt = at;
    if (ticket.assigneeId !== null && audit.authorId === ticket.assigneeId) assigneeUpdatedAt = at;
    const countsAsReply = i > 0 && audit.authorRole !== 'end-user' && audit.automated !== true && !AUTOMATED_CHANNELS.has(audit.viaChannel);
    const events = audit.events;
    for (let j = 0; j < events.length; j++) {
      const e = events[j]!;
      if (e.type === 'Comment') {
        latestCommentAt = at;
        if (countsAsReply && e.public === true) {
          replies++;
          if (replyMs < 0) replyMs = t;
        }
        continue;
      }
      const field = e.fieldName;
      if (field === 'status') {
        statusUpdatedAt = at;
        const next = String(e.value);
        if (e.type === 'Create') {
          status = next;
          segmentStart = t;
        } else if (next !== status) {
          // Close the segment that ends here; it is measured under the schedule in force when it began (M6).
          const reopen = status === 'solved' && isUnsolved(next);
          const kind = status === 'new' || status === 'open' || reopen ? REQUESTER_WAIT
            : status === 'pending' ? AGENT_WAIT : status === 'hold' ? ON_HOLD : NONE;
          if (kind !== NONE) {
            const target = kind === REQUESTER_WAIT ? requesterWait : kind === AGENT_WAIT ? agentWait : onHold;
            target.add(segmentStart, t, scheduleAt(schedules, segmentStart));
          }
          if (reopen) reopens++;
          status = next;
          segmentStart = t;
        } else {
          continue;
        }
        if (next === 'solved') {
          if (firstSolveMs < 0) firstSolveMs = t;
          lastSolveMs = t;
          solvedAt = at;
          requesterWait.freeze();
          agentWait.freeze();
          onHold.freeze();
        }
      } else if (field === 'assignee_id') {
        if (e.value != null) {
          assigneeStations++;
          assignedAt = at;
          if (initiallyAssignedAt === null) initiallyAssignedAt = at;
        }
      } else if (field === 'group_id') {
        if (e.value != null) groupStations++;
      }
    }
  }

  const solved = lastSolveMs >= 0;
  const atSolve = solved ? scheduleAt(schedules, lastSolveMs) : null;
  return {
    group_stations: groupStations,
    assignee_stations: assigneeStations,
    reopens,
    replies,
    assignee_updated_at: assigneeUpdatedAt,
    requester_updated_at: requesterUpdatedAt,
    status_updated_at: statusUpdatedAt,
    initially_assigned_at: initiallyAssignedAt,
    assigned_at: assignedAt,
    solved_at: solvedAt,
    latest_comment_added_at: latestCommentAt,
    reply_time_in_minutes: span(schedules, createdMs, replyMs),
    first_resolution_time_in_minutes: span(schedules, createdMs, firstSolveMs),
    full_resolution_time_in_minutes: span(schedules, createdMs, lastSolveMs),
    agent_wait_time_in_minutes: agentWait.result(solved, atSolve),
    requester_wait_time_in_minutes: requesterWait.result(solved, atSolve),
    on_hold_time_in_minutes: onHold.result(solved, atSolve),
  };
}
