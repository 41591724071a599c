/**
 * Ticket metrics engine throughput (SPEC M): `npm run bench -- metrics` (the default export, for
 * bench/run.ts), or `npx tsx bench/metrics.ts` for the raw JSON result.
 *
 * Generates typical tickets deterministically (5–8 audits, a New York Mon–Fri 09–12/13–18 schedule
 * with holidays, two schedule versions), then times `computeTicketMetrics` over all of them. The
 * baseline, on the same tickets in the same run, only finds the first public agent comment and
 * computes the calendar reply time: the cost floor of reading the audits.
 */
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { computeTicketMetrics } from '../runner/core/metrics/engine.ts';
import type { Interval, MetricAudit, MetricEvent, MetricTicket, ScheduleSpec, ScheduleVersion } from '../runner/core/metrics/types.ts';
import type { Bench } from './lib/types.ts';
import { rng as seededRandom } from '../runner/demo/random.ts';

export type MetricsBenchOptions = { tickets?: number; rounds?: number; seed?: number };
export type MetricsBenchResult = {
  name: 'metrics';
  tickets: number;
  audits: number;
  ticketsPerSecond: number;
  baselineTicketsPerSecond: number;
  ratio: number;
  /** The bench runs on one thread, so this is the figure for one core. */
  ticketsPerSecondPerCore: number;
  cores: number;
  rounds: number;
  targetTicketsPerSecond: number;
  meetsTarget: boolean;
  checksum: number;
};

const MINUTE = 60_000;
const DAY = 1440;

/** The demo data's deterministic PRNG, as a plain function. */
const rng = (seed: number) => seededRandom(seed).next;

const weekdays = (ranges: [number, number][]): Interval[] =>
  [1, 2, 3, 4, 5].flatMap((d) => ranges.map(([s, e]) => ({ start_time: d * DAY + s, end_time: d * DAY + e })));

const US_HOLIDAYS = [
  '2025-01-01', '2025-01-20', '2025-05-26', '2025-07-04', '2025-09-01', '2025-11-27', '2025-11-28', '2025-12-25',
  '2026-01-01', '2026-01-19', '2026-05-25', '2026-07-03', '2026-09-07', '2026-11-26', '2026-11-27', '2026-12-25',
].map((d) => ({ start_date: d, end_date: d }));

export function benchSchedules(): ScheduleVersion[] {
  const before: ScheduleSpec = { timeZone: 'America/New_York', intervals: weekdays([[540, 720], [780, 1080]]), holidays: US_HOLIDAYS };
  const after: ScheduleSpec = { timeZone: 'America/New_York', intervals: weekdays([[480, 720], [780, 1020]]), holidays: US_HOLIDAYS };
  return [
    { validFrom: new Date('2024-01-01T00:00:00Z'), schedule: before },
    { validFrom: new Date('2026-01-01T00:00:00Z'), schedule: after },
  ];
}

export type BenchTicket = { ticket: MetricTicket; audits: MetricAudit[] };

/** Typical tickets: email in, agent reply, maybe pending/back, solved, maybe reopened, often closed by automation. */
export function generateTickets(count: number, seed = 42): BenchTicket[] {
  const r = rng(seed);
  const pick = (n: number) => Math.floor(r() * n);
  const out: BenchTicket[] = new Array(count);
  const start = Date.parse('2025-01-01T00:00:00Z');
  const span = Date.parse('2026-12-01T00:00:00Z') - start;
  const comment = (isPublic: boolean): MetricEvent => ({ type: 'Comment', fieldName: null, value: null, previousValue: null, public: isPublic });
  const change = (fieldName: string, value: unknown, previousValue: unknown): MetricEvent => ({ type: 'Change', fieldName, value, previousValue });

  for (let n = 0; n < count; n++) {
    const requesterId = 100_000 + n;
    const agent = 10 + pick(30);
    const group = 1 + pick(6);
    let t = start + Math.floor(r() * span / MINUTE) * MINUTE;
    const later = (maxMinutes: number) => { t += (1 + pick(maxMinutes)) * MINUTE; return new Date(t); };
    const audits: MetricAudit[] = [];
    const human = (at: Date, byAgent: boolean, events: MetricEvent[]): MetricAudit =>
      ({ createdAt: at, authorId: byAgent ? agent : requesterId, authorRole: byAgent ? 'agent' : 'end-user', viaChannel: byAgent ? 'web' : 'email', events });

    audits.push(human(new Date(t), false, [
      { type: 'Create', fieldName: 'subject', value: 'Order issue', previousValue: null },
      { type: 'Create', fieldName: 'status', value: 'new', previousValue: null },
      { type: 'Create', fieldName: 'priority', value: 'normal', previousValue: null },
      { type: 'Create', fieldName: 'requester_id', value: requesterId, previousValue: null },
      { type: 'Create', fieldName: 'group_id', value: group, previousValue: null },
      comment(true),
    ]));
    if (r() < 0.5) {
      audits.push({ createdAt: later(2), authorId: 1, authorRole: 'agent', viaChannel: 'rule', automated: true, events: [comment(true)] });
    }
    audits.push(human(later(2 * DAY), true, [change('assignee_id', agent, null), change('status', 'open', 'new'), comment(true)]));
    let status = 'open';
    if (r() < 0.6) {
      audits.push(human(later(4 * 60), true, [change('status', 'pending', status), comment(true)]));
      audits.push(human(later(3 * DAY), false, [change('status', 'open', 'pending'), comment(true)]));
    } else {
      audits.push(human(later(4 * 60), true, [change('status', 'hold', status), comment(false)]));
      audits.push(human(later(DAY), true, [change('status', 'open', 'hold')]));
    }
    audits.push(human(later(DAY), true, [change('status', 'solved', status), comment(true)]));
    status = 'solved';
    if (r() < 0.15) {
      audits.push(human(later(2 * DAY), false, [change('status', 'open', 'solved'), comment(true)]));
      audits.push(human(later(DAY), true, [change('status', 'solved', 'open'), comment(true)]));
    }
    if (audits.length < 8 && r() < 0.7) {
      t += 4 * DAY * MINUTE;
      audits.push({ createdAt: new Date(t), authorId: 1, authorRole: 'agent', viaChannel: 'rule', automated: true, events: [change('status', 'closed', 'solved')] });
    }
    out[n] = { ticket: { requesterId, assigneeId: agent }, audits };
  }
  return out;
}

/** The floor: find the first public agent comment and compute the calendar reply time. */
function baselineReply(audits: MetricAudit[]): number {
  const created = audits[0]!.createdAt.getTime();
  for (let i = 1; i < audits.length; i++) {
    const a = audits[i]!;
    if (a.authorRole === 'end-user' || a.automated === true || a.viaChannel === 'rule') continue;
    const events = a.events;
    for (let j = 0; j < events.length; j++) {
      const e = events[j]!;
      if (e.type === 'Comment' && e.public === true) return Math.round((a.createdAt.getTime() - created) / MINUTE);
    }
  }
  return -1;
}

function timeBest(rounds: number, pass: () => number): { seconds: number; checksum: number } {
  let best = Infinity;
  let checksum = 0;
  pass(); // warm-up: JIT and the time-zone cache
  for (let k = 0; k < rounds; k++) {
    const t0 = process.hrtime.bigint();
    checksum = pass();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (seconds < best) best = seconds;
  }
  return { seconds: best, checksum };
}

export function runMetricsBench(opts: MetricsBenchOptions = {}): MetricsBenchResult {
  const count = opts.tickets ?? 200_000;
  const rounds = opts.rounds ?? 5;
  const tickets = generateTickets(count, opts.seed ?? 42);
  const schedules = benchSchedules();
  const now = new Date('2027-01-01T00:00:00Z');

  const engine = timeBest(rounds, () => {
    let sum = 0;
    for (let i = 0; i < tickets.length; i++) {
      const { ticket, audits } = tickets[i]!;
      const m = computeTicketMetrics(ticket, audits, schedules, now);
      sum += (m.reply_time_in_minutes.business ?? 0) + (m.requester_wait_time_in_minutes.business ?? 0) + m.replies;
    }
    return sum;
  });
  const baseline = timeBest(rounds, () => {
    let sum = 0;
    for (let i = 0; i < tickets.length; i++) sum += baselineReply(tickets[i]!.audits);
    return sum;
  });

  const ticketsPerSecond = Math.round(count / engine.seconds);
  const baselineTicketsPerSecond = Math.round(count / baseline.seconds);
  const target = 50_000;
  return {
    name: 'metrics',
    tickets: count,
    audits: tickets.reduce((n, t) => n + t.audits.length, 0),
    ticketsPerSecond,
    baselineTicketsPerSecond,
    ratio: Number((ticketsPerSecond / baselineTicketsPerSecond).toFixed(4)),
    ticketsPerSecondPerCore: ticketsPerSecond,
    cores: availableParallelism(),
    rounds,
    targetTicketsPerSecond: target,
    meetsTarget: ticketsPerSecond >= target,
    checksum: engine.checksum + baseline.checksum,
  };
}

/**
 * The rebuild of a large account (SPEC M, issue #3: 1M tickets): `count` tickets generated and
 * computed `chunk` at a time so memory stays flat; only the engine's time is counted.
 */
export function runRebuildPass(count = 1_000_000, chunk = 100_000, seed = 4242): { tickets: number; seconds: number; ticketsPerSecond: number } {
  const schedules = benchSchedules();
  const now = new Date('2027-01-01T00:00:00Z');
  let seconds = 0;
  for (let done = 0; done < count; done += chunk) {
    const tickets = generateTickets(Math.min(chunk, count - done), seed + done);
    const t0 = process.hrtime.bigint();
    for (const { ticket, audits } of tickets) computeTicketMetrics(ticket, audits, schedules, now);
    seconds += Number(process.hrtime.bigint() - t0) / 1e9;
  }
  return { tickets: count, seconds, ticketsPerSecond: Math.round(count / seconds) };
}

/** `npm run bench -- metrics`: 200,000 tickets, best of 5 rounds (`--quick`: 20,000, best of 3). */
const bench: Bench = async (ctx) => {
  const opts = ctx.quick ? { tickets: 20_000, rounds: 3 } : { tickets: 200_000, rounds: 5 };
  ctx.log(`generating ${opts.tickets.toLocaleString('en-US')} tickets, then timing ${opts.rounds} rounds of the engine and of the baseline`);
  const r = runMetricsBench(opts);
  const rebuildCount = ctx.quick ? 100_000 : 1_000_000;
  ctx.log(`rebuild pass: ${rebuildCount.toLocaleString('en-US')} tickets, 100,000 at a time`);
  const rebuild = runRebuildPass(rebuildCount);
  const baseline = { label: 'first public agent reply, calendar minutes only', value: r.baselineTicketsPerSecond, unit: 'tickets/s' };
  const target = r.targetTicketsPerSecond.toLocaleString('en-US');
  return {
    name: 'metrics',
    dataset: `${r.tickets.toLocaleString('en-US')} generated tickets (seed 42), ${r.audits.toLocaleString('en-US')} audits (5–8 per ticket): `
      + 'email in, agent reply, pending or on-hold cycle, solve, some reopens, most closed by automation; '
      + 'New York business hours Mon–Fri 09–12/13–18 with US holidays, two schedule versions.',
    figures: [
      { label: 'computeTicketMetrics, all metrics (M1–M6), calendar + business', value: r.ticketsPerSecond, unit: 'tickets/s', baseline, ratio: r.ratio },
      {
        label: 'the same, per core', value: r.ticketsPerSecondPerCore, unit: 'tickets/s/core',
        baseline: { ...baseline, unit: 'tickets/s/core' }, ratio: r.ratio, target: `≥ ${target} tickets/s per core`, meets: r.meetsTarget,
      },
      {
        label: `rebuild of ${rebuild.tickets.toLocaleString('en-US')} tickets, one pass, one core (${rebuild.seconds.toFixed(1)} s)`,
        value: rebuild.ticketsPerSecond, unit: 'tickets/s/core', baseline: { ...baseline, unit: 'tickets/s/core' },
        ratio: Number((rebuild.ticketsPerSecond / r.baselineTicketsPerSecond).toFixed(4)),
        target: `≥ ${target} tickets/s per core`, meets: rebuild.ticketsPerSecond >= r.targetTicketsPerSecond,
      },
    ],
    notes: [
      `One thread, in memory (no database); best of ${r.rounds} rounds after a warm-up round, for the engine and for the baseline alike.`,
      'Baseline: the cost floor of reading the audits, finding the first public agent comment and computing its calendar reply time. '
        + 'Ratio = engine ÷ baseline throughput (below 1: the engine does far more per ticket).',
      `${r.cores} cores available; the per-core figure is the single-thread figure. Checksum ${r.checksum}.`,
    ],
  };
};
export default bench;

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(runMetricsBench(), null, 2));
}
