/**
 * Business minutes under a weekly schedule (SPEC C6): wall-clock intervals in the schedule's time
 * zone, holidays as whole local days. Checked against worked examples and against a slow
 * per-minute reference that asks Intl for the local time of every minute.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessMinutes, calendarMinutes, utcOffsetMinutes } from '../../runner/core/metrics/business-hours.ts';
import type { Holiday, Interval, ScheduleSpec } from '../../runner/core/metrics/types.ts';

const MINUTE = 60_000;
const DAY = 1440;
const hm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
const weekdays = (...ranges: string[]): Interval[] =>
  [1, 2, 3, 4, 5].flatMap((d) => ranges.map((r) => ({ start_time: d * DAY + hm(r.slice(0, 5)), end_time: d * DAY + hm(r.slice(6, 11)) })));
const spec = (timeZone: string, intervals: Interval[], holidays: Holiday[] = []): ScheduleSpec => ({ timeZone, intervals, holidays });
const d = (iso: string) => new Date(iso);
const bm = (start: string, end: string, s: ScheduleSpec) => businessMinutes(d(start), d(end), s);

// ---------------------------------------------------------------------------------------------
// The slow reference: one Intl lookup per minute.

const referenceFormatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
function localParts(t: number, zone: string) {
  let f = referenceFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' });
    referenceFormatters.set(zone, f);
  }
  // e.g. "Mon, 03/02/2026, 09:00"
  const m = /^(\w{3}), (\d{2})\/(\d{2})\/(\d{4}), (\d{2}):(\d{2})$/.exec(f.format(t));
  if (!m) throw new Error(`unexpected Intl output ${f.format(t)}`);
  return { date: `${m[4]}-${m[2]}-${m[3]}`, minuteOfWeek: WEEKDAYS.indexOf(m[1]!) * DAY + Number(m[5]) * 60 + Number(m[6]) };
}

/** Counts the minutes [t, t+1min) of a minute-aligned span whose local time is business time. */
function referenceMinutes(start: Date, end: Date, s: ScheduleSpec): number {
  let n = 0;
  for (let t = start.getTime(); t < end.getTime(); t += MINUTE) {
    const { date, minuteOfWeek } = localParts(t, s.timeZone);
    if (s.holidays.some((h) => h.start_date <= date && date <= h.end_date)) continue;
    if (s.intervals.some((iv) => iv.start_time <= minuteOfWeek && minuteOfWeek < iv.end_time)) n++;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------

const UTC_9_17 = spec('UTC', weekdays('09:00-17:00'));
const UTC_LUNCH = spec('UTC', weekdays('09:00-12:00', '13:00-18:00'));
const NY_9_17 = spec('America/New_York', weekdays('09:00-17:00'));
const PARIS_9_17 = spec('Europe/Paris', weekdays('09:00-17:00'));
const EVERY_DAY_9_17 = (zone: string) => spec(zone, [0, 1, 2, 3, 4, 5, 6].map((w) => ({ start_time: w * DAY + 540, end_time: w * DAY + 1020 })));

describe('business minutes: worked examples', () => {
  it('a full week of a Mon–Fri 9–17 schedule is 2400 minutes', () => {
    expect(bm('2026-03-01T00:00:00Z', '2026-03-08T00:00:00Z', UTC_9_17)).toBe(2400);
    // Any 7-day window, wherever it starts.
    expect(bm('2026-03-04T13:17:00Z', '2026-03-11T13:17:00Z', UTC_9_17)).toBe(2400);
    expect(bm('2026-06-07T04:00:00Z', '2026-06-14T04:00:00Z', NY_9_17)).toBe(2400);
  });

  it('calendar minutes are the plain difference, and an empty or reversed span is 0', () => {
    expect(calendarMinutes(d('2026-03-02T09:00:00Z'), d('2026-03-02T10:30:30Z'))).toBe(90.5);
    expect(calendarMinutes(d('2026-03-02T10:00:00Z'), d('2026-03-02T09:00:00Z'))).toBe(0);
    expect(bm('2026-03-02T10:00:00Z', '2026-03-02T10:00:00Z', UTC_9_17)).toBe(0);
    expect(bm('2026-03-02T12:00:00Z', '2026-03-02T10:00:00Z', UTC_9_17)).toBe(0);
  });

  it('reads UTC offsets from the zone database, transitions included', () => {
    expect(utcOffsetMinutes(d('2026-03-08T06:59:59Z'), 'America/New_York')).toBe(-300);
    expect(utcOffsetMinutes(d('2026-03-08T07:00:00Z'), 'America/New_York')).toBe(-240);
    expect(utcOffsetMinutes(d('2026-10-25T00:59:59Z'), 'Europe/Paris')).toBe(120);
    expect(utcOffsetMinutes(d('2026-10-25T01:00:00Z'), 'Europe/Paris')).toBe(60);
    expect(utcOffsetMinutes(d('2026-07-01T00:00:00Z'), 'Asia/Kolkata')).toBe(330);
    expect(utcOffsetMinutes(d('2026-07-01T00:00:00Z'), 'Australia/Sydney')).toBe(600);
    expect(utcOffsetMinutes(d('2026-01-01T00:00:00Z'), 'Australia/Sydney')).toBe(660);
  });

  it('rejects an unknown time zone', () => {
    expect(() => bm('2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z', spec('Mars/Olympus_Mons', weekdays('09:00-17:00')))).toThrow(RangeError);
  });

  it('counts fractional minutes', () => {
    expect(bm('2026-03-02T08:59:00Z', '2026-03-02T09:00:30Z', UTC_9_17)).toBe(0.5);
  });

  it('a span inside the lunch break is 0; around it, only the morning and afternoon count', () => {
    expect(bm('2026-03-02T12:00:00Z', '2026-03-02T13:00:00Z', UTC_LUNCH)).toBe(0);
    expect(bm('2026-03-02T12:10:00Z', '2026-03-02T12:50:00Z', UTC_LUNCH)).toBe(0);
    expect(bm('2026-03-02T11:00:00Z', '2026-03-02T14:00:00Z', UTC_LUNCH)).toBe(120);
    expect(bm('2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z', UTC_LUNCH)).toBe(480);
  });

  it('a holiday is a whole day without business hours', () => {
    const withHoliday = spec('UTC', weekdays('09:00-17:00'), [{ start_date: '2026-03-04', end_date: '2026-03-04' }]);
    expect(bm('2026-03-04T00:00:00Z', '2026-03-05T00:00:00Z', withHoliday)).toBe(0);
    expect(bm('2026-03-03T00:00:00Z', '2026-03-06T00:00:00Z', withHoliday)).toBe(960);
    // A multi-day holiday (Thu–Mon) in Paris local dates.
    const bridge = spec('Europe/Paris', weekdays('09:00-17:00'), [{ start_date: '2026-05-14', end_date: '2026-05-18' }]);
    expect(bm('2026-05-13T00:00:00Z', '2026-05-20T00:00:00Z', bridge)).toBe(480 * 2); // Wed 13 and Tue 19
  });

  it('holidays are local dates: a Sydney holiday starts at local midnight', () => {
    const sydney = spec('Australia/Sydney', [{ start_time: 1 * DAY, end_time: 2 * DAY }], [{ start_date: '2026-06-08', end_date: '2026-06-08' }]);
    // Mon 2026-06-08 in Sydney (AEST, +10) is 2026-06-07T14:00Z → 2026-06-08T14:00Z.
    expect(bm('2026-06-07T14:00:00Z', '2026-06-08T14:00:00Z', sydney)).toBe(0);
    expect(bm('2026-06-14T14:00:00Z', '2026-06-15T14:00:00Z', sydney)).toBe(1440);
  });

  it('Asia/Kolkata: a half-hour offset zone keeps 09:00–17:00 local', () => {
    // 09:00 IST = 03:30Z.
    expect(bm('2026-03-02T03:30:00Z', '2026-03-02T11:30:00Z', spec('Asia/Kolkata', weekdays('09:00-17:00')))).toBe(480);
    expect(bm('2026-03-02T00:00:00Z', '2026-03-02T03:30:00Z', spec('Asia/Kolkata', weekdays('09:00-17:00')))).toBe(0);
  });

  it('New York DST (2026-03-08 and 2026-11-01): 09:00–17:00 local stays 480 minutes', () => {
    const ny = EVERY_DAY_9_17('America/New_York');
    // Sunday 2026-03-08 (EDT from 02:00): 09:00 EDT = 13:00Z.
    expect(bm('2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z', ny)).toBe(480);
    expect(bm('2026-03-08T13:00:00Z', '2026-03-08T21:00:00Z', ny)).toBe(480);
    // Monday 2026-03-09 and the whole DST weekend with the Mon–Fri schedule: Fri 6 + Mon 9.
    expect(bm('2026-03-09T13:00:00Z', '2026-03-09T21:00:00Z', NY_9_17)).toBe(480);
    expect(bm('2026-03-06T05:00:00Z', '2026-03-10T04:00:00Z', NY_9_17)).toBe(960);
    // Fall back: Sunday 2026-11-01 09:00 EST = 14:00Z.
    expect(bm('2026-11-01T14:00:00Z', '2026-11-01T22:00:00Z', ny)).toBe(480);
    expect(bm('2026-11-02T14:00:00Z', '2026-11-02T22:00:00Z', NY_9_17)).toBe(480);
  });

  it('New York DST: hours over the changing hour follow the wall clock', () => {
    const night = spec('America/New_York', [{ start_time: 0, end_time: 360 }]); // Sunday 00:00–06:00
    expect(bm('2026-03-07T00:00:00Z', '2026-03-09T00:00:00Z', night)).toBe(300);
    expect(bm('2026-10-31T00:00:00Z', '2026-11-02T00:00:00Z', night)).toBe(420);
  });

  it('Paris DST (2026-03-29 and 2026-10-25): wall-clock results', () => {
    const paris = EVERY_DAY_9_17('Europe/Paris');
    // Sunday 2026-03-29: 09:00 CEST = 07:00Z. Monday 30: same.
    expect(bm('2026-03-29T07:00:00Z', '2026-03-29T15:00:00Z', paris)).toBe(480);
    expect(bm('2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z', paris)).toBe(480);
    expect(bm('2026-03-30T07:00:00Z', '2026-03-30T15:00:00Z', PARIS_9_17)).toBe(480);
    // Sunday 2026-10-25: 09:00 CET = 08:00Z; the local day is 25 hours long.
    expect(bm('2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z', paris)).toBe(480);
    expect(bm('2026-10-26T08:00:00Z', '2026-10-26T16:00:00Z', PARIS_9_17)).toBe(480);
    // 02:00–03:00 local: skipped in March, doubled in October.
    const twoToThree = spec('Europe/Paris', [{ start_time: 120, end_time: 180 }]);
    expect(bm('2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z', twoToThree)).toBe(0);
    expect(bm('2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z', twoToThree)).toBe(120);
  });

  it('six-month spans match the per-minute reference (New York, Paris with holidays)', () => {
    const nyHolidays = spec('America/New_York', weekdays('08:30-12:00', '13:00-17:45'), [
      { start_date: '2026-05-25', end_date: '2026-05-25' }, { start_date: '2026-07-03', end_date: '2026-07-03' },
      { start_date: '2026-09-07', end_date: '2026-09-07' }, { start_date: '2026-11-26', end_date: '2026-11-27' },
    ]);
    const start = d('2026-01-15T10:07:00Z');
    const end = d('2026-07-15T18:53:00Z');
    expect(businessMinutes(start, end, nyHolidays)).toBe(referenceMinutes(start, end, nyHolidays));
    const parisHolidays = spec('Europe/Paris', [...weekdays('09:00-18:00'), { start_time: 6 * DAY + 600, end_time: 6 * DAY + 720 }], [
      { start_date: '2026-11-01', end_date: '2026-11-01' }, { start_date: '2026-11-11', end_date: '2026-11-11' },
      { start_date: '2026-12-24', end_date: '2027-01-01' },
    ]);
    const s2 = d('2026-09-20T21:00:00Z');
    const e2 = d('2027-03-31T08:30:00Z');
    expect(businessMinutes(s2, e2, parisHolidays)).toBe(referenceMinutes(s2, e2, parisHolidays));
  });

  it('is fast: a thousand 6-month spans take well under a second', () => {
    const s = spec('America/New_York', weekdays('09:00-12:00', '13:00-18:00'), [{ start_date: '2026-07-03', end_date: '2026-07-03' }]);
    const t0 = performance.now();
    let sum = 0;
    for (let i = 0; i < 1000; i++) sum += businessMinutes(new Date(Date.UTC(2026, 0, 1) + i * 3_600_000), new Date(Date.UTC(2026, 6, 1) + i * 3_600_000), s);
    expect(sum).toBeGreaterThan(0);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const ZONES = ['America/New_York', 'Europe/Paris', 'Asia/Kolkata', 'Australia/Sydney', 'UTC'] as const;
/** DST changes in 2025–2027, so that random spans often straddle one. */
const TRANSITIONS = [
  '2025-03-09T07:00:00Z', '2025-11-02T06:00:00Z', '2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z',
  '2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', '2027-03-28T01:00:00Z',
  '2026-04-04T16:00:00Z', '2026-10-03T16:00:00Z', // Sydney
].map((s) => Date.parse(s));
const T_MIN = Date.parse('2025-01-01T00:00:00Z');
const T_MAX = Date.parse('2027-12-31T00:00:00Z');

const intervalArb = fc.tuple(fc.integer({ min: 0, max: 10079 }), fc.integer({ min: 1, max: 900 }))
  .map(([start, len]): Interval => ({ start_time: start, end_time: Math.min(10080, start + len) }));
/** A working-week style schedule (sometimes with a lunch break), or a handful of random intervals. */
const intervalsArb = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 720 }), fc.integer({ min: 60, max: 600 }), fc.boolean(), fc.subarray([0, 1, 2, 3, 4, 5, 6], { minLength: 1 }))
    .map(([open, len, lunch, days]) => days.flatMap((w): Interval[] => {
      const s = w * DAY + open;
      const e = Math.min(w * DAY + open + len, 10080);
      return lunch && e - s > 120 ? [{ start_time: s, end_time: s + 60 }, { start_time: s + 120, end_time: e }] : [{ start_time: s, end_time: e }];
    })),
  fc.array(intervalArb, { minLength: 0, maxLength: 6 }),
);
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const instantArb = fc.oneof(
  fc.integer({ min: T_MIN, max: T_MAX }),
  fc.tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -10 * 86_400_000, max: 10 * 86_400_000 })).map(([t, dt]) => t + dt),
);
const holidaysArb = (around: number) => fc.array(
  fc.tuple(fc.integer({ min: -12, max: 12 }), fc.integer({ min: 0, max: 2 }))
    .map(([offset, len]): Holiday => ({ start_date: isoDate(around + offset * 86_400_000), end_date: isoDate(around + (offset + len) * 86_400_000) })),
  { maxLength: 3 },
);
const scheduleArb = (around: number) => fc.record({ timeZone: fc.constantFrom(...ZONES), intervals: intervalsArb, holidays: holidaysArb(around) });
/** A schedule and a span of up to 10 days around it, in milliseconds (not minute-aligned). */
const caseArb = instantArb.chain((t) => fc.record({
  schedule: scheduleArb(t),
  start: fc.constant(t),
  length: fc.integer({ min: 0, max: 10 * 86_400_000 }),
  cut: fc.double({ min: 0, max: 1, noNaN: true }),
}));

describe('business minutes: properties', () => {
  it('is never negative and never more than calendar minutes', () => {
    fc.assert(fc.property(caseArb, ({ schedule, start, length }) => {
      const a = new Date(start);
      const b = new Date(start + length);
      const business = businessMinutes(a, b, schedule);
      expect(business).toBeGreaterThanOrEqual(0);
      expect(business).toBeLessThanOrEqual(calendarMinutes(a, b));
      expect(businessMinutes(b, a, schedule)).toBe(0);
    }), { numRuns: 500 });
  });

  it('is additive over adjacent spans', () => {
    fc.assert(fc.property(caseArb, ({ schedule, start, length, cut }) => {
      const a = new Date(start);
      const b = new Date(start + Math.floor(length * cut));
      const c = new Date(start + length);
      expect(Math.abs(businessMinutes(a, c, schedule) - (businessMinutes(a, b, schedule) + businessMinutes(b, c, schedule)))).toBeLessThan(1e-6);
    }), { numRuns: 500 });
  });

  it('is zero on a span wholly inside a holiday', () => {
    fc.assert(fc.property(instantArb, fc.constantFrom(...ZONES), intervalsArb, fc.integer({ min: 1, max: 4 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }),
      (t, timeZone, intervals, days, x, y) => {
        const first = isoDate(t);
        const last = isoDate(t + (days - 1) * 86_400_000);
        const schedule = spec(timeZone, intervals, [{ start_date: first, end_date: last }]);
        // The holiday's local span: from local midnight of `first` to local midnight after `last`, found with the reference.
        const startLocal = localStartOf(first, timeZone);
        const endLocal = localStartOf(isoDate(Date.parse(last) + 86_400_000), timeZone);
        const lo = startLocal + Math.min(x, y) * (endLocal - startLocal);
        const hi = startLocal + Math.max(x, y) * (endLocal - startLocal);
        expect(businessMinutes(new Date(lo), new Date(hi), schedule)).toBe(0);
      }), { numRuns: 300 });
  });

  it('equals the per-minute reference on random spans up to 10 days, schedules and zones', () => {
    fc.assert(fc.property(caseArb, ({ schedule, start, length }) => {
      const a = new Date(Math.floor(start / MINUTE) * MINUTE);
      const b = new Date(a.getTime() + Math.floor(length / MINUTE) * MINUTE);
      expect(businessMinutes(a, b, schedule)).toBe(referenceMinutes(a, b, schedule));
    }), { numRuns: 100 });
  });
});

/** The first instant whose local date is `date` in `zone` (every offset of ZONES is a multiple of 15 minutes). */
function localStartOf(date: string, zone: string): number {
  let t = Date.parse(`${date}T00:00:00Z`) - 15 * 3_600_000;
  while (localParts(t, zone).date < date) t += 15 * MINUTE;
  return t;
}
