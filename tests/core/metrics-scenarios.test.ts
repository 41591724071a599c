/**
 * Ticket metrics (SPEC M1–M6) as a support manager reads them: each scenario is a ticket's
 * history and the minutes its metrics must show, worked out by hand from the definitions
 * (the seed's CSV column table and the SPEC) in the comment beside the numbers.
 *
 * Calendar week used throughout: Mon 2026-03-02 … Fri 2026-03-06 (Sun 2026-03-01).
 */
import { describe, expect, it } from 'vitest';
import { computeTicketMetrics } from '../../runner/core/metrics/engine.ts';
import type { Holiday, Interval, MetricAudit, MetricTicket, ScheduleSpec, ScheduleVersion, TicketMetrics } from '../../runner/core/metrics/types.ts';

// ---------------------------------------------------------------------------------------------
// People

const REQUESTER = 1;
const OTHER_END_USER = 2;
const AGENT = 10;
const AGENT_B = 11;
const ADMIN = 20;
const BOT = 90;

type Who = 'end-user' | 'another end-user' | 'agent' | 'agent B' | 'admin' | 'trigger' | 'bot';

const PEOPLE: Record<Who, Pick<MetricAudit, 'authorId' | 'authorRole' | 'viaChannel' | 'automated'>> = {
  'end-user': { authorId: REQUESTER, authorRole: 'end-user', viaChannel: 'web' },
  'another end-user': { authorId: OTHER_END_USER, authorRole: 'end-user', viaChannel: 'email' },
  agent: { authorId: AGENT, authorRole: 'agent', viaChannel: 'web' },
  'agent B': { authorId: AGENT_B, authorRole: 'agent', viaChannel: 'web' },
  admin: { authorId: ADMIN, authorRole: 'admin', viaChannel: 'web' },
  // A trigger acts through the 'rule' channel with an agent's identity.
  trigger: { authorId: BOT, authorRole: 'agent', viaChannel: 'rule' },
  // A bot posting through the API: flagged automated.
  bot: { authorId: BOT, authorRole: 'agent', viaChannel: 'api', automated: true },
};

// ---------------------------------------------------------------------------------------------
// Ticket builder: `.at(time)` / `.after(minutes)` opens an audit; what follows describes it.

class TicketBuilder {
  private readonly audits: MetricAudit[] = [];
  private readonly current = new Map<string, unknown>();
  private time = Number.NaN;

  at(iso: string): this {
    this.time = Date.parse(iso);
    if (Number.isNaN(this.time)) throw new Error(`bad time ${iso}`);
    this.audits.push({ createdAt: new Date(this.time), ...PEOPLE.agent, events: [] });
    return this;
  }

  after(minutes: number): this {
    return this.at(new Date(this.time + minutes * 60_000).toISOString());
  }

  /** The creation audit: a new ticket whose status starts as 'new' unless `.status()` says otherwise. */
  createdBy(who: Who): this {
    if (this.audits.length !== 1) throw new Error('createdBy() describes the first audit');
    this.by(who);
    return this.set('status', 'new');
  }

  by(who: Who): this {
    const audit = this.audit();
    const { automated, ...rest } = PEOPLE[who];
    Object.assign(audit, rest);
    if (automated) audit.automated = true;
    return this;
  }

  publicComment(): this { return this.comment(true); }
  privateNote(): this { return this.comment(false); }
  status(value: 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed'): this { return this.set('status', value); }
  assign(agentId: number | null): this { return this.set('assignee_id', agentId); }
  group(groupId: number | null): this { return this.set('group_id', groupId); }

  build(): { ticket: MetricTicket; audits: MetricAudit[] } {
    return { ticket: { requesterId: REQUESTER, assigneeId: (this.current.get('assignee_id') as number | null | undefined) ?? null }, audits: this.audits };
  }

  private audit(): MetricAudit {
    const a = this.audits[this.audits.length - 1];
    if (!a) throw new Error('call at() first');
    return a;
  }

  private comment(isPublic: boolean): this {
    this.audit().events.push({ type: 'Comment', fieldName: null, value: null, previousValue: null, public: isPublic });
    return this;
  }

  private set(field: string, value: unknown): this {
    const audit = this.audit();
    if (this.audits.length === 1) {
      // Creation: only non-null values are recorded, as Create events (runner/core/tickets.ts).
      audit.events = audit.events.filter((e) => e.fieldName !== field);
      if (value !== null) audit.events.push({ type: 'Create', fieldName: field, value, previousValue: null });
    } else {
      audit.events.push({ type: 'Change', fieldName: field, value, previousValue: this.current.get(field) ?? null });
    }
    this.current.set(field, value);
    return this;
  }
}

const ticket = () => new TicketBuilder();

// ---------------------------------------------------------------------------------------------
// Schedules

const hm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
/** Mon–Fri intervals, each 'HH:MM-HH:MM' local. */
const weekdays = (...ranges: string[]): Interval[] =>
  [1, 2, 3, 4, 5].flatMap((d) => ranges.map((r) => ({ start_time: d * 1440 + hm(r.slice(0, 5)), end_time: d * 1440 + hm(r.slice(6, 11)) })));
const spec = (timeZone: string, intervals: Interval[], holidays: Holiday[] = []): ScheduleSpec => ({ timeZone, intervals, holidays });
const always = (s: ScheduleSpec): ScheduleVersion[] => [{ validFrom: new Date('2000-01-01T00:00:00Z'), schedule: s }];

const UTC_9_17 = spec('UTC', weekdays('09:00-17:00'));
const UTC_LUNCH = spec('UTC', weekdays('09:00-12:00', '13:00-18:00'));
const UTC_9_17_WED_HOLIDAY = spec('UTC', weekdays('09:00-17:00'), [{ start_date: '2026-03-04', end_date: '2026-03-04' }]);
const UTC_WEEKDAYS_ALL_DAY = spec('UTC', weekdays('00:00-24:00'));
const NY_9_17 = spec('America/New_York', weekdays('09:00-17:00'));
/** Sunday 00:00–06:00 local: the night the clocks change. */
const NY_SUNDAY_NIGHT = spec('America/New_York', [{ start_time: 0, end_time: 360 }]);
const PARIS_9_17 = spec('Europe/Paris', weekdays('09:00-17:00'));
/** Sunday 01:00–04:00 local. */
const PARIS_SUNDAY_NIGHT = spec('Europe/Paris', [{ start_time: 60, end_time: 240 }]);

// ---------------------------------------------------------------------------------------------
// Scenarios

type M = [calendar: number | null, business: number | null];
type Expected = {
  reply?: M; firstResolution?: M; fullResolution?: M; agentWait?: M; requesterWait?: M; onHold?: M;
  reopens?: number; replies?: number; groupStations?: number; assigneeStations?: number;
  assigned_at?: string | null; initially_assigned_at?: string | null; solved_at?: string | null; status_updated_at?: string | null;
  latest_comment_added_at?: string | null; requester_updated_at?: string | null; assignee_updated_at?: string | null;
};
type Scenario = { name: string; schedules: ScheduleVersion[]; ticket: TicketBuilder; expected: Expected };

const NOT_YET: M = [null, null];

const SCENARIOS: Scenario[] = [
  // ----- M1 first reply time
  {
    name: 'end-user ticket, agent replies: calendar from creation, business from 09:00',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T08:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-02T10:30:00Z').by('agent').publicComment(),
    // 08:00→10:30 = 150; business 09:00→10:30 = 90. Not solved: every status metric is still null.
    expected: { reply: [150, 90], replies: 1, firstResolution: NOT_YET, fullResolution: NOT_YET, agentWait: NOT_YET, requesterWait: NOT_YET, onHold: NOT_YET },
  },
  {
    name: 'agent-created ticket with a public first comment: the reply is the next public agent comment',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('agent').publicComment()
      .at('2026-03-02T09:30:00Z').by('end-user').publicComment()
      .at('2026-03-02T11:00:00Z').by('agent').publicComment(),
    // 09:00→11:00 = 120 (all inside 9–17). The first comment is not a reply: replies = 1.
    expected: { reply: [120, 120], replies: 1 },
  },
  {
    name: 'agent-created ticket, nobody has replied yet: no reply time',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('agent').publicComment(),
    expected: { reply: NOT_YET, replies: 0 },
  },
  {
    name: 'private notes never count as replies',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-02T09:10:00Z').by('agent').privateNote()
      .at('2026-03-02T09:20:00Z').by('admin').privateNote()
      .at('2026-03-02T10:00:00Z').by('agent').publicComment(),
    // Only the 10:00 comment is a reply: 60 / 60.
    expected: { reply: [60, 60], replies: 1 },
  },
  {
    name: 'end-user comments never count as replies',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-02T09:30:00Z').by('end-user').publicComment()
      .at('2026-03-02T10:00:00Z').by('another end-user').publicComment(),
    expected: { reply: NOT_YET, replies: 0 },
  },
  {
    name: 'trigger (via rule) and bot (automated) comments never count',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-02T09:01:00Z').by('trigger').publicComment()
      .at('2026-03-02T09:02:00Z').by('bot').publicComment()
      .at('2026-03-02T09:45:00Z').by('agent').publicComment(),
    // The human reply at 09:45: 45 / 45; one reply.
    expected: { reply: [45, 45], replies: 1 },
  },
  {
    name: 'an admin reply counts; the weekend is outside business hours',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-06T16:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-09T10:00:00Z').by('admin').publicComment(),
    // Fri 16:00 → Mon 10:00 = 8h + 48h + 10h = 66h = 3960; business Fri 16–17 (60) + Mon 9–10 (60) = 120.
    expected: { reply: [3960, 120], replies: 1 },
  },
  {
    name: 'replies count every public agent/admin comment, nothing else',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-02T09:05:00Z').by('agent').publicComment()
      .at('2026-03-02T09:10:00Z').by('agent').privateNote()
      .at('2026-03-02T09:15:00Z').by('end-user').publicComment()
      .at('2026-03-02T09:20:00Z').by('trigger').publicComment()
      .at('2026-03-02T09:25:00Z').by('admin').publicComment()
      .at('2026-03-02T09:30:00Z').by('agent B').publicComment(),
    // Replies: 09:05 agent, 09:25 admin, 09:30 agent B = 3. First reply 09:05: 5 / 5.
    expected: { reply: [5, 5], replies: 3 },
  },
  {
    name: 'minutes are rounded at the end (59 s calendar, 30 s business)',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T16:59:30Z').createdBy('end-user').publicComment()
      .at('2026-03-02T17:00:29Z').by('agent').publicComment(),
    // 59 s → round(0.983) = 1; business 16:59:30–17:00:00 = 30 s → round(0.5) = 1.
    expected: { reply: [1, 1] },
  },

  // ----- M2–M4 status durations and resolution
  {
    name: 'a plain ticket: new, open, pending, open again, solved',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('end-user').publicComment().group(5)
      .at('2026-03-02T09:30:00Z').by('agent').assign(AGENT).status('open').publicComment()
      .at('2026-03-02T11:00:00Z').by('agent').status('pending').publicComment()
      .at('2026-03-02T13:00:00Z').by('end-user').status('open').publicComment()
      .at('2026-03-02T14:00:00Z').by('agent').status('solved'),
    // Resolution 09:00→14:00 = 300. Agent wait: pending 11–13 = 120.
    // Requester wait: new 9:00–9:30 (30) + open 9:30–11 (90) + open 13–14 (60) = 180. All inside 9–17.
    expected: {
      reply: [30, 30], replies: 2, firstResolution: [300, 300], fullResolution: [300, 300],
      agentWait: [120, 120], requesterWait: [180, 180], onHold: [0, 0], reopens: 0, groupStations: 1, assigneeStations: 1,
      solved_at: '2026-03-02T14:00:00.000Z',
    },
  },
  {
    name: 'reopened after a solve: the solved gap counts as requester wait',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-02T10:00:00Z').by('agent').assign(AGENT).status('open').publicComment()
      .at('2026-03-02T12:00:00Z').by('agent').status('solved')
      .at('2026-03-03T10:00:00Z').by('end-user').status('open').publicComment()
      .at('2026-03-03T11:00:00Z').by('agent').status('solved').publicComment(),
    // First resolution Mon 9→12 = 180. Full Mon 9 → Tue 11 = 26h = 1560; business Mon 9–17 (480) + Tue 9–11 (120) = 600.
    // Requester wait: new 60 + open 120 + solved Mon 12 → Tue 10 (1320; business Mon 12–17 300 + Tue 9–10 60 = 360) + open 60
    //   = 1560 calendar, 60 + 120 + 360 + 60 = 600 business.
    expected: {
      firstResolution: [180, 180], fullResolution: [1560, 600], requesterWait: [1560, 600], agentWait: [0, 0], onHold: [0, 0],
      reopens: 1, replies: 2, solved_at: '2026-03-03T11:00:00.000Z',
    },
  },
  {
    name: 'reopened and not solved again: resolution and waits keep the values of the latest solve',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-02T10:00:00Z').by('agent').assign(AGENT).status('open').publicComment()
      .at('2026-03-02T12:00:00Z').by('agent').status('solved')
      .at('2026-03-03T10:00:00Z').by('end-user').status('open').publicComment(),
    // Frozen at Mon 12:00: resolution 180; requester wait new 60 + open 120 = 180.
    expected: {
      firstResolution: [180, 180], fullResolution: [180, 180], requesterWait: [180, 180], agentWait: [0, 0], onHold: [0, 0],
      reopens: 1, solved_at: '2026-03-02T12:00:00.000Z',
    },
  },
  {
    name: 'solved twice: first resolution vs full resolution',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-02T09:30:00Z').by('agent').assign(AGENT).status('open').publicComment()
      .at('2026-03-02T10:00:00Z').by('agent').status('solved')
      .at('2026-03-02T11:00:00Z').by('end-user').status('open').publicComment()
      .at('2026-03-02T12:00:00Z').by('agent').status('pending').publicComment()
      .at('2026-03-02T14:00:00Z').by('end-user').status('open').publicComment()
      .at('2026-03-02T15:00:00Z').by('agent').status('solved'),
    // First 9→10 = 60; full 9→15 = 360. Requester wait: new 30 + open 30 + solved 10–11 60 + open 11–12 60 + open 14–15 60 = 240.
    // Agent wait: pending 12–14 = 120. 240 + 120 = 360 = the whole life.
    expected: {
      firstResolution: [60, 60], fullResolution: [360, 360], requesterWait: [240, 240], agentWait: [120, 120], onHold: [0, 0],
      reopens: 1, replies: 2, solved_at: '2026-03-02T15:00:00.000Z',
    },
  },
  {
    name: 'solved → pending is a reopen too; the solved gap counts as requester wait',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-02T09:30:00Z').by('agent').assign(AGENT).status('open').publicComment()
      .at('2026-03-02T10:00:00Z').by('agent').status('solved')
      .at('2026-03-02T15:00:00Z').by('agent').status('pending').publicComment()
      .at('2026-03-02T16:00:00Z').by('end-user').status('open').publicComment()
      .at('2026-03-02T16:30:00Z').by('agent').status('solved'),
    // Requester wait: new 30 + open 30 + solved 10–15 300 + open 16–16:30 30 = 390; agent wait 15–16 = 60; full 9→16:30 = 450.
    expected: { firstResolution: [60, 60], fullResolution: [450, 450], requesterWait: [390, 390], agentWait: [60, 60], reopens: 1 },
  },
  {
    name: 'pending and on-hold cycles (9–17 schedule)',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-02T09:15:00Z').by('agent').assign(AGENT).status('open').publicComment()
      .at('2026-03-02T09:45:00Z').by('agent').status('pending').publicComment()
      .at('2026-03-02T10:45:00Z').by('end-user').status('open').publicComment()
      .at('2026-03-02T11:00:00Z').by('agent').status('hold').privateNote()
      .at('2026-03-02T12:30:00Z').by('agent').status('open')
      .at('2026-03-02T13:00:00Z').by('agent').status('pending').publicComment()
      .at('2026-03-02T15:00:00Z').by('end-user').status('open').publicComment()
      .at('2026-03-02T15:30:00Z').by('agent').status('hold')
      .at('2026-03-02T16:00:00Z').by('agent').status('solved').publicComment(),
    // Agent wait: 9:45–10:45 (60) + 13–15 (120) = 180. On hold: 11–12:30 (90) + 15:30–16 (30) = 120.
    // Requester wait: new 15 + open 9:15–9:45 30 + open 10:45–11 15 + open 12:30–13 30 + open 15–15:30 30 = 120.
    // 180 + 120 + 120 = 420 = resolution 9→16. Public agent comments at 9:15, 9:45, 13:00, 16:00: 4 replies.
    expected: { agentWait: [180, 180], onHold: [120, 120], requesterWait: [120, 120], firstResolution: [420, 420], replies: 4 },
  },
  {
    name: 'the same cycles under a schedule with a lunch break (09–12, 13–18)',
    schedules: always(UTC_LUNCH),
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-02T09:15:00Z').by('agent').assign(AGENT).status('open').publicComment()
      .at('2026-03-02T09:45:00Z').by('agent').status('pending').publicComment()
      .at('2026-03-02T10:45:00Z').by('end-user').status('open').publicComment()
      .at('2026-03-02T11:00:00Z').by('agent').status('hold').privateNote()
      .at('2026-03-02T12:30:00Z').by('agent').status('open')
      .at('2026-03-02T13:00:00Z').by('agent').status('pending').publicComment()
      .at('2026-03-02T15:00:00Z').by('end-user').status('open').publicComment()
      .at('2026-03-02T15:30:00Z').by('agent').status('hold')
      .at('2026-03-02T16:00:00Z').by('agent').status('solved').publicComment(),
    // Lunch 12–13 is not business time. On hold 11–12:30 → 11–12 = 60, + 30 = 90.
    // Requester wait: 15 + 30 + 15 + (12:30–13 in lunch: 0) + 30 = 90. Agent wait 60 + 120 = 180.
    // Resolution 9→16 = 420 calendar, 420 − 60 lunch = 360 business = 180 + 90 + 90.
    expected: { agentWait: [180, 180], onHold: [120, 90], requesterWait: [120, 90], firstResolution: [420, 360] },
  },
  {
    name: 'lunch break schedule: a reply across lunch',
    schedules: always(UTC_LUNCH),
    ticket: ticket().at('2026-03-02T11:30:00Z').createdBy('end-user').publicComment()
      .at('2026-03-02T13:30:00Z').by('agent').publicComment(),
    // 11:30→13:30 = 120; business 11:30–12 (30) + 13–13:30 (30) = 60.
    expected: { reply: [120, 60] },
  },
  {
    name: 'lunch break schedule: a reply overnight',
    schedules: always(UTC_LUNCH),
    ticket: ticket().at('2026-03-02T17:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-03T10:00:00Z').by('agent').publicComment(),
    // Mon 17:00 → Tue 10:00 = 17h = 1020; business Mon 17–18 (60) + Tue 9–10 (60) = 120.
    expected: { reply: [1020, 120] },
  },
  {
    name: 'a holiday in the middle (Wed 2026-03-04) counts for nothing',
    schedules: always(UTC_9_17_WED_HOLIDAY),
    ticket: ticket().at('2026-03-03T15:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-05T10:00:00Z').by('agent').assign(AGENT).status('open').publicComment()
      .at('2026-03-05T11:00:00Z').by('agent').status('solved'),
    // Reply Tue 15:00 → Thu 10:00 = 43h = 2580; business Tue 15–17 (120) + Wed 0 + Thu 9–10 (60) = 180.
    // Resolution → Thu 11:00 = 2640; business 120 + 120 = 240. Requester wait = new 2580/180 + open 60/60 = 2640/240.
    expected: { reply: [2580, 180], firstResolution: [2640, 240], requesterWait: [2640, 240], agentWait: [0, 0] },
  },
  {
    name: 'created solved (a logged phone call): resolution 0, solved at creation',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T10:00:00Z').createdBy('agent').status('solved').assign(AGENT).publicComment(),
    expected: {
      firstResolution: [0, 0], fullResolution: [0, 0], requesterWait: [0, 0], agentWait: [0, 0], onHold: [0, 0],
      reply: NOT_YET, replies: 0, solved_at: '2026-03-02T10:00:00.000Z', assigneeStations: 1,
    },
  },

  // ----- M7 closed
  {
    name: 'solved → closed is not a reopen and time in closed counts nowhere',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-02T09:30:00Z').by('agent').assign(AGENT).status('open').publicComment()
      .at('2026-03-02T10:00:00Z').by('agent').status('solved')
      .at('2026-03-06T10:00:00Z').by('trigger').status('closed'),
    // Requester wait: new 30 + open 30 = 60; the solved→closed gap is not followed by a reopen.
    expected: {
      reopens: 0, requesterWait: [60, 60], agentWait: [0, 0], onHold: [0, 0], fullResolution: [60, 60],
      solved_at: '2026-03-02T10:00:00.000Z', status_updated_at: '2026-03-06T10:00:00.000Z',
    },
  },

  // ----- DST: schedules are wall-clock
  {
    name: 'America/New_York, across the 2026-03-08 spring-forward weekend',
    schedules: always(NY_9_17),
    // Fri 16:00 EST (21:00Z) → Mon 10:00 EDT (14:00Z).
    ticket: ticket().at('2026-03-06T21:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-09T14:00:00Z').by('agent').publicComment(),
    // 66h of wall clock minus the skipped hour = 65h = 3900; business Fri 16–17 (60) + Mon 9–10 local (60) = 120.
    expected: { reply: [3900, 120] },
  },
  {
    name: 'America/New_York, business hours on the spring-forward night (Sun 00:00–06:00 local)',
    schedules: always(NY_SUNDAY_NIGHT),
    // Sat 23:00 EST (Mar 8 04:00Z) → Sun 06:00 EDT (10:00Z).
    ticket: ticket().at('2026-03-08T04:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-08T10:00:00Z').by('agent').publicComment(),
    // Calendar 6h = 360. Business: 00:00 EST (05:00Z) → 06:00 EDT (10:00Z) = 5 real hours = 300 (02:00–03:00 never happens).
    expected: { reply: [360, 300] },
  },
  {
    name: 'America/New_York, business hours on the fall-back night (2026-11-01)',
    schedules: always(NY_SUNDAY_NIGHT),
    // Sat 23:00 EDT (Nov 1 03:00Z) → Sun 06:00 EST (11:00Z).
    ticket: ticket().at('2026-11-01T03:00:00Z').createdBy('end-user').publicComment()
      .at('2026-11-01T11:00:00Z').by('agent').publicComment(),
    // Calendar 8h = 480. Business 00:00 EDT (04:00Z) → 06:00 EST (11:00Z) = 7 real hours = 420 (01:00–02:00 happens twice).
    expected: { reply: [480, 420] },
  },
  {
    name: 'Europe/Paris, across the 2026-03-29 spring-forward weekend, with status durations',
    schedules: always(PARIS_9_17),
    // Fri 16:00 CET (15:00Z); Mon 09:30 CEST (07:30Z) reply + open; Mon 10:00 CEST (08:00Z) solved.
    ticket: ticket().at('2026-03-27T15:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-30T07:30:00Z').by('agent').assign(AGENT).status('open').publicComment()
      .at('2026-03-30T08:00:00Z').by('agent').status('solved'),
    // Reply 64.5h = 3870; business Fri 16–17 (60) + Mon 9–9:30 (30) = 90.
    // Resolution 65h = 3900; business 60 + 60 = 120. Requester wait: new 3870/90 + open 30/30 = 3900/120.
    expected: { reply: [3870, 90], firstResolution: [3900, 120], requesterWait: [3900, 120] },
  },
  {
    name: 'Europe/Paris, across the 2026-10-25 fall-back weekend',
    schedules: always(PARIS_9_17),
    // Fri 16:00 CEST (14:00Z) → Mon 10:00 CET (09:00Z).
    ticket: ticket().at('2026-10-23T14:00:00Z').createdBy('end-user').publicComment()
      .at('2026-10-26T09:00:00Z').by('agent').publicComment(),
    // 66h of wall clock plus the repeated hour = 67h = 4020; business 60 + 60 = 120.
    expected: { reply: [4020, 120] },
  },
  {
    name: 'Europe/Paris, business hours on the fall-back night (Sun 01:00–04:00 local)',
    schedules: always(PARIS_SUNDAY_NIGHT),
    // Sat 22:00 CEST (20:00Z) → Sun 05:00 CET (04:00Z).
    ticket: ticket().at('2026-10-24T20:00:00Z').createdBy('end-user').publicComment()
      .at('2026-10-25T04:00:00Z').by('agent').publicComment(),
    // Calendar 8h = 480. Business 01:00 CEST (Oct 24 23:00Z) → 04:00 CET (03:00Z) = 4 real hours = 240.
    expected: { reply: [480, 240] },
  },

  // ----- M6: schedule changed mid-ticket
  {
    name: 'schedule changes mid-ticket: a status segment keeps the schedule it began under; resolution uses the one at the solve',
    schedules: [
      { validFrom: new Date('2020-01-01T00:00:00Z'), schedule: UTC_9_17 },
      { validFrom: new Date('2026-03-02T12:00:00Z'), schedule: UTC_WEEKDAYS_ALL_DAY },
    ],
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-02T10:00:00Z').by('agent').assign(AGENT).status('open').publicComment()
      .at('2026-03-02T11:00:00Z').by('agent').status('pending').publicComment()
      .at('2026-03-02T20:00:00Z').by('end-user').status('open').publicComment()
      .at('2026-03-02T21:00:00Z').by('agent').status('solved'),
    // Pending 11:00–20:00 began under 9–17: business 11–17 = 360 (calendar 540), although it ended under 24h.
    // Requester wait: new 9–10 (60, 9–17) + open 10–11 (60, 9–17) + open 20–21 (60, began under 24h) = 180 / 180.
    // Reply at 10:00 under 9–17: 60 / 60. Resolution at 21:00 under 24h for the whole span 9→21: 720 / 720 (9–17 would give 480).
    expected: { agentWait: [540, 360], requesterWait: [180, 180], reply: [60, 60], firstResolution: [720, 720], fullResolution: [720, 720] },
  },
  {
    name: 'schedule changes before the reply: the new schedule applies to the whole reply span',
    schedules: [
      { validFrom: new Date('2020-01-01T00:00:00Z'), schedule: UTC_9_17 },
      { validFrom: new Date('2026-03-02T12:30:00Z'), schedule: UTC_LUNCH },
    ],
    ticket: ticket().at('2026-03-02T08:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-02T14:00:00Z').by('agent').publicComment(),
    // 08:00→14:00 = 360. Under the lunch schedule (in force at 14:00) for the whole span: 9–12 (180) + 13–14 (60) = 240
    // (the old 9–17 schedule would have given 300).
    expected: { reply: [360, 240] },
  },
  {
    name: 'no schedule: business values are null, calendar values are not',
    schedules: [],
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-02T09:30:00Z').by('agent').assign(AGENT).status('open').publicComment()
      .at('2026-03-02T10:00:00Z').by('agent').status('solved'),
    expected: {
      reply: [30, null], firstResolution: [60, null], fullResolution: [60, null],
      requesterWait: [60, null], agentWait: [0, null], onHold: [0, null],
    },
  },
  {
    name: 'schedule removed mid-ticket: spans ending, and segments beginning, without a schedule have no business value',
    schedules: [
      { validFrom: new Date('2020-01-01T00:00:00Z'), schedule: UTC_9_17 },
      { validFrom: new Date('2026-03-02T09:15:00Z'), schedule: null },
    ],
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-02T09:30:00Z').by('agent').assign(AGENT).status('open').publicComment()
      .at('2026-03-02T10:00:00Z').by('agent').status('solved'),
    // Reply and resolution end under no schedule → null. Requester wait: the open segment began under none → null.
    // Agent wait has no segment and no schedule at the solve → null.
    expected: { reply: [30, null], firstResolution: [60, null], requesterWait: [60, null], agentWait: [0, null] },
  },
  {
    name: 'schedule created after the ticket: the reply uses it for the whole span',
    schedules: [{ validFrom: new Date('2026-03-02T09:15:00Z'), schedule: UTC_9_17 }],
    ticket: ticket().at('2026-03-02T08:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-02T09:30:00Z').by('agent').publicComment(),
    // 08:00→09:30 = 90; the 9–17 schedule in force at 09:30 applied from 08:00: 30.
    expected: { reply: [90, 30] },
  },

  // ----- M5 stations
  {
    name: 'stations: reassignment and unassignment',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('end-user').publicComment().group(5)
      .at('2026-03-02T09:10:00Z').by('agent').assign(AGENT)
      .at('2026-03-02T09:20:00Z').by('agent').assign(AGENT_B)
      .at('2026-03-02T09:30:00Z').by('agent').assign(null)
      .at('2026-03-02T09:40:00Z').by('agent').assign(AGENT)
      .at('2026-03-02T09:50:00Z').by('agent').group(6)
      .at('2026-03-02T10:00:00Z').by('agent').group(null)
      .at('2026-03-02T10:10:00Z').by('agent').group(7),
    // Assignee set non-null: AGENT, AGENT_B, AGENT = 3 (unassigning is not a station). Groups 5 (creation), 6, 7 = 3.
    expected: {
      assigneeStations: 3, groupStations: 3,
      initially_assigned_at: '2026-03-02T09:10:00.000Z', assigned_at: '2026-03-02T09:40:00.000Z',
    },
  },
  {
    name: 'stations: the assignment at creation is the first station',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('agent').assign(AGENT).group(5).status('open').privateNote()
      .at('2026-03-02T09:30:00Z').by('agent').group(6),
    expected: {
      assigneeStations: 1, groupStations: 2,
      initially_assigned_at: '2026-03-02T09:00:00.000Z', assigned_at: '2026-03-02T09:00:00.000Z', reply: NOT_YET,
    },
  },
  {
    name: 'a ticket never assigned has no stations and no assignment times',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('end-user').publicComment(),
    expected: { assigneeStations: 0, groupStations: 0, initially_assigned_at: null, assigned_at: null },
  },

  // ----- null until complete, and timestamps
  {
    name: 'a brand-new ticket: every duration is null until complete',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('end-user').publicComment(),
    expected: {
      reply: NOT_YET, firstResolution: NOT_YET, fullResolution: NOT_YET, agentWait: NOT_YET, requesterWait: NOT_YET, onHold: NOT_YET,
      reopens: 0, replies: 0, solved_at: null, status_updated_at: '2026-03-02T09:00:00.000Z',
      latest_comment_added_at: '2026-03-02T09:00:00.000Z', requester_updated_at: '2026-03-02T09:00:00.000Z', assignee_updated_at: null,
    },
  },
  {
    name: 'pending and on hold but never solved: waits stay null',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-02T09:30:00Z').by('agent').assign(AGENT).status('pending').publicComment()
      .at('2026-03-02T11:00:00Z').by('end-user').status('open').publicComment()
      .at('2026-03-02T12:00:00Z').by('agent').status('hold'),
    expected: { reply: [30, 30], agentWait: NOT_YET, onHold: NOT_YET, requesterWait: NOT_YET, firstResolution: NOT_YET, solved_at: null },
  },
  {
    name: 'timestamps: who touched the ticket last, and when',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-02T09:30:00Z').by('agent').assign(AGENT).status('open').publicComment()
      .at('2026-03-02T10:00:00Z').by('end-user').publicComment()
      .at('2026-03-02T10:30:00Z').by('agent B').privateNote()
      .at('2026-03-02T11:00:00Z').by('agent').status('pending')
      .at('2026-03-02T11:30:00Z').by('agent B').assign(AGENT_B)
      .at('2026-03-02T12:00:00Z').by('trigger').group(9),
    // Current assignee is agent B: their latest audit is 11:30. Last status change 11:00; last comment 10:30 (a private note counts).
    expected: {
      assigned_at: '2026-03-02T11:30:00.000Z', initially_assigned_at: '2026-03-02T09:30:00.000Z', solved_at: null,
      status_updated_at: '2026-03-02T11:00:00.000Z', latest_comment_added_at: '2026-03-02T10:30:00.000Z',
      requester_updated_at: '2026-03-02T10:00:00.000Z', assignee_updated_at: '2026-03-02T11:30:00.000Z',
    },
  },
  {
    name: 'timestamps after a reopen: solved_at is the latest solve',
    schedules: always(UTC_9_17),
    ticket: ticket().at('2026-03-02T09:00:00Z').createdBy('end-user').publicComment()
      .at('2026-03-02T09:30:00Z').by('agent').assign(AGENT).status('solved').publicComment()
      .at('2026-03-02T10:00:00Z').by('end-user').status('open').publicComment()
      .at('2026-03-02T10:20:00Z').by('agent').status('solved')
      .at('2026-03-02T10:40:00Z').by('agent').privateNote(),
    // Requester wait: new 30 + solved 9:30–10 30 + open 10–10:20 20 = 80 = full resolution 9→10:20.
    expected: {
      solved_at: '2026-03-02T10:20:00.000Z', status_updated_at: '2026-03-02T10:20:00.000Z', latest_comment_added_at: '2026-03-02T10:40:00.000Z',
      assignee_updated_at: '2026-03-02T10:40:00.000Z', requester_updated_at: '2026-03-02T10:00:00.000Z',
      firstResolution: [30, 30], fullResolution: [80, 80], requesterWait: [80, 80], reopens: 1,
    },
  },
];

// ---------------------------------------------------------------------------------------------

const MINUTE_FIELDS = {
  reply: 'reply_time_in_minutes', firstResolution: 'first_resolution_time_in_minutes', fullResolution: 'full_resolution_time_in_minutes',
  agentWait: 'agent_wait_time_in_minutes', requesterWait: 'requester_wait_time_in_minutes', onHold: 'on_hold_time_in_minutes',
} as const;
const COUNT_FIELDS = { reopens: 'reopens', replies: 'replies', groupStations: 'group_stations', assigneeStations: 'assignee_stations' } as const;
const TIME_FIELDS = [
  'assigned_at', 'initially_assigned_at', 'solved_at', 'status_updated_at', 'latest_comment_added_at', 'requester_updated_at', 'assignee_updated_at',
] as const;

/** The part of the metrics a scenario states, in the scenario's own vocabulary. */
function observed(m: TicketMetrics, expected: Expected): Expected {
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(MINUTE_FIELDS)) if (k in expected) out[k] = [m[f].calendar, m[f].business];
  for (const [k, f] of Object.entries(COUNT_FIELDS)) if (k in expected) out[k] = m[f];
  for (const f of TIME_FIELDS) if (f in expected) out[f] = m[f]?.toISOString() ?? null;
  return out as Expected;
}

const NOW = new Date('2026-12-31T00:00:00Z');

describe('ticket metrics scenarios (SPEC M1–M6)', () => {
  it('covers at least 30 scenarios', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (_name, s) => {
    const { ticket: t, audits } = s.ticket.build();
    const metrics = computeTicketMetrics(t, audits, s.schedules, NOW);
    expect(observed(metrics, s.expected)).toEqual(s.expected);
    // Business minutes never exceed calendar minutes.
    for (const f of Object.values(MINUTE_FIELDS)) {
      const { calendar, business } = metrics[f];
      if (business !== null) expect(business).toBeLessThanOrEqual(calendar ?? -1);
    }
  });

  it('does not depend on when it is computed', () => {
    const { ticket: t, audits } = SCENARIOS.find((s) => s.name.startsWith('reopened after a solve'))!.ticket.build();
    const a = computeTicketMetrics(t, audits, always(UTC_9_17), new Date('2026-03-03T12:00:00Z'));
    const b = computeTicketMetrics(t, audits, always(UTC_9_17), new Date('2030-01-01T00:00:00Z'));
    expect(a).toEqual(b);
  });

  it('a ticket without audits has no metrics', () => {
    const m = computeTicketMetrics({ requesterId: REQUESTER, assigneeId: null }, [], always(UTC_9_17), NOW);
    expect(m.reply_time_in_minutes).toEqual({ calendar: null, business: null });
    expect(m.requester_wait_time_in_minutes).toEqual({ calendar: null, business: null });
    expect(m.replies).toBe(0);
  });
});
