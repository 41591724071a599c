/**
 * Business minutes between two instants under a weekly schedule (SPEC C6, M6). Pure: no I/O, no
 * clock. Schedules are wall-clock based: an interval 09:00–17:00 means 09:00–17:00 local time on
 * every day, whatever the UTC offset that day. An instant counts when its local wall time falls
 * inside an interval and its local date is not a holiday, so on a DST day 09:00–17:00 is still 480
 * minutes, and an interval over the skipped (repeated) hour is one hour shorter (longer).
 *
 * How it stays fast: between two UTC-offset transitions the wall clock is the UTC clock shifted by
 * a constant, so the answer is B(end + off) − B(start + off) where B is a closed-form cumulative
 * count of business time in wall-clock milliseconds (whole weeks × weekly total + a prefix over the
 * week's intervals − the business time inside earlier holidays). Offsets and their transitions come
 * from one cached Intl.DateTimeFormat per zone, sampled once per zone and year; a typical call is
 * a couple of binary searches and no allocation.
 */
import type { ScheduleSpec } from './types.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** 1970-01-01 was a Thursday: shifting by 4 days puts week boundaries on Sunday 00:00. */
const SUNDAY_SHIFT = 4 * DAY;
/** Offsets are sampled per chunk of this length (about a year) and cached per zone. */
const CHUNK = 366 * DAY;
/** Sampling step inside a chunk; two transitions closer than this would be missed (none in modern tzdb). */
const SAMPLE = DAY;

/** Calendar minutes of [start, end); 0 when start ≥ end. */
export function calendarMinutes(start: Date, end: Date): number {
  const ms = end.getTime() - start.getTime();
  return ms > 0 ? ms / MINUTE : 0;
}

/** Minutes of [start, end) inside the schedule's business hours (fractional; 0 when start ≥ end). */
export function businessMinutes(start: Date, end: Date, schedule: ScheduleSpec): number {
  return businessMillis(start.getTime(), end.getTime(), schedule) / MINUTE;
}

/** Same as businessMinutes, in whole milliseconds, on epoch milliseconds (the engine's hot path). */
export function businessMillis(startMs: number, endMs: number, schedule: ScheduleSpec): number {
  if (!(endMs > startMs)) return 0;
  const c = compiled(schedule);
  if (c.weekTotal === 0) return 0;
  const zone = c.zone;
  let t = startMs;
  let total = 0;
  while (t < endMs) {
    const chunk = zone.chunkAt(t);
    const starts = chunk.starts;
    let i = 0;
    while (i + 1 < starts.length && starts[i + 1]! <= t) i++;
    const off = chunk.offsets[i]!;
    const next = i + 1 < starts.length ? starts[i + 1]! : chunk.end;
    const pieceEnd = next < endMs ? next : endMs;
    total += c.cumulative(pieceEnd + off) - c.cumulative(t + off);
    t = pieceEnd;
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// Time zones: UTC offset periods, sampled lazily per chunk and cached per zone name.

type Chunk = { start: number; end: number; starts: number[]; offsets: number[] };

const WALL = /(\d+)\/(\d+)\/(\d+),? (\d+):(\d+):(\d+)/;

class Zone {
  private readonly fmt: Intl.DateTimeFormat;
  private readonly chunks = new Map<number, Chunk>();
  private last: Chunk | null = null;

  constructor(readonly name: string) {
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: name, year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23',
    });
  }

  chunkAt(t: number): Chunk {
    const last = this.last;
    if (last !== null && t >= last.start && t < last.end) return last;
    const k = Math.floor(t / CHUNK);
    let c = this.chunks.get(k);
    if (c === undefined) {
      c = this.build(k * CHUNK, (k + 1) * CHUNK);
      this.chunks.set(k, c);
    }
    this.last = c;
    return c;
  }

  /** UTC offset (local − UTC, ms) at instant t, via Intl (slow: only used while building chunks). */
  offsetAt(t: number): number {
    const whole = Math.floor(t / 1000) * 1000;
    const m = WALL.exec(this.fmt.format(whole));
    if (m === null) throw new RangeError(`Cannot read the wall time of ${this.name} at ${new Date(whole).toISOString()}`);
    const d = new Date(0);
    d.setUTCFullYear(Number(m[3]), Number(m[1]) - 1, Number(m[2]));
    d.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6]), 0);
    return d.getTime() - whole;
  }

  private build(start: number, end: number): Chunk {
    const starts = [start];
    const offsets = [this.offsetAt(start)];
    let prevT = start;
    let prevOff = offsets[0]!;
    for (let t = start + SAMPLE; ; t += SAMPLE) {
      const probe = t < end ? t : end - 1000;
      const off = this.offsetAt(probe);
      if (off !== prevOff) {
        // Bisect (in whole seconds: tzdb transitions fall on seconds) for the first instant with the new offset.
        let lo = prevT;
        let hi = probe;
        while (hi - lo > 1000) {
          const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
          if (this.offsetAt(mid) === prevOff) lo = mid; else hi = mid;
        }
        starts.push(hi);
        offsets.push(off);
        prevOff = off;
      }
      prevT = probe;
      if (t >= end) break;
    }
    return { start, end, starts, offsets };
  }
}

const zones = new Map<string, Zone>();

function zoneOf(name: string): Zone {
  let z = zones.get(name);
  if (z === undefined) {
    z = new Zone(name);
    zones.set(name, z);
  }
  return z;
}

/** The UTC offset in minutes of `zone` at `at` (local = UTC + offset), from the same cache. */
export function utcOffsetMinutes(at: Date, zone: string): number {
  const t = at.getTime();
  const c = zoneOf(zone).chunkAt(t);
  let i = 0;
  while (i + 1 < c.starts.length && c.starts[i + 1]! <= t) i++;
  return c.offsets[i]! / MINUTE;
}

// ---------------------------------------------------------------------------------------------
// Compiled schedules: the weekly intervals and holidays as cumulative counts in wall-clock ms.

class CompiledSchedule {
  /** Merged, sorted business intervals, ms from Sunday 00:00. */
  private readonly ivStart: number[] = [];
  private readonly ivEnd: number[] = [];
  readonly weekTotal: number;
  /** Merged, sorted holidays as wall-clock ms ranges [start, end). */
  private readonly hStart: number[] = [];
  private readonly hEnd: number[] = [];
  /** Business ms inside holidays 0..i-1 (length = holidays + 1). */
  private readonly hBefore: number[] = [0];

  constructor(spec: ScheduleSpec, readonly zone: Zone) {
    const raw: [number, number][] = [];
    for (const iv of spec.intervals) {
      const len = (iv.end_time - iv.start_time) * MINUTE;
      if (!(len > 0)) continue;
      if (len >= WEEK) { raw.push([0, WEEK]); continue; }
      const s = (((iv.start_time * MINUTE) % WEEK) + WEEK) % WEEK;
      if (s + len <= WEEK) raw.push([s, s + len]);
      else raw.push([s, WEEK], [0, s + len - WEEK]);
    }
    raw.sort((a, b) => a[0] - b[0]);
    let total = 0;
    for (const [s, e] of raw) {
      const n = this.ivEnd.length;
      if (n > 0 && s <= this.ivEnd[n - 1]!) {
        if (e > this.ivEnd[n - 1]!) { total += e - this.ivEnd[n - 1]!; this.ivEnd[n - 1] = e; }
      } else {
        this.ivStart.push(s);
        this.ivEnd.push(e);
        total += e - s;
      }
    }
    this.weekTotal = total;

    const days: [number, number][] = spec.holidays.map((h) => [parseDate(h.start_date), parseDate(h.end_date) + DAY]);
    days.sort((a, b) => a[0] - b[0]);
    for (const [s, e] of days) {
      if (!(e > s)) continue;
      const n = this.hEnd.length;
      if (n > 0 && s <= this.hEnd[n - 1]!) {
        if (e > this.hEnd[n - 1]!) this.hEnd[n - 1] = e;
      } else {
        this.hStart.push(s);
        this.hEnd.push(e);
      }
    }
    for (let i = 0; i < this.hStart.length; i++) {
      this.hBefore.push(this.hBefore[i]! + this.weekly(this.hEnd[i]!) - this.weekly(this.hStart[i]!));
    }
  }

  /** Business ms from the wall-clock epoch to wall time w, ignoring holidays. */
  private weekly(w: number): number {
    const x = w + SUNDAY_SHIFT;
    const weeks = Math.floor(x / WEEK);
    const pos = x - weeks * WEEK;
    let acc = weeks * this.weekTotal;
    const starts = this.ivStart;
    const ends = this.ivEnd;
    for (let i = 0; i < starts.length; i++) {
      const s = starts[i]!;
      if (pos <= s) break;
      const e = ends[i]!;
      if (pos < e) return acc + (pos - s);
      acc += e - s;
    }
    return acc;
  }

  /** Business ms from the wall-clock epoch to wall time w, holidays excluded. */
  cumulative(w: number): number {
    const hs = this.hStart;
    // k = number of holidays starting at or before w.
    let lo = 0;
    let hi = hs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (hs[mid]! <= w) lo = mid + 1; else hi = mid;
    }
    const f = this.weekly(w);
    if (lo === 0) return f;
    const j = lo - 1;
    if (w >= this.hEnd[j]!) return f - this.hBefore[lo]!;
    // Inside holiday j: the count stays where it was when the holiday began.
    return this.weekly(hs[j]!) - this.hBefore[j]!;
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** YYYY-MM-DD → wall-clock ms of that local midnight. */
function parseDate(s: string): number {
  const m = DATE.exec(s);
  if (m === null) throw new RangeError(`Holiday date ${JSON.stringify(s)} is not YYYY-MM-DD`);
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getTime();
}

/** Compiled per spec object: a ScheduleSpec is treated as immutable once it has been used. */
const compiledCache = new WeakMap<ScheduleSpec, CompiledSchedule>();

function compiled(spec: ScheduleSpec): CompiledSchedule {
  let c = compiledCache.get(spec);
  if (c === undefined) {
    c = new CompiledSchedule(spec, zoneOf(spec.timeZone));
    compiledCache.set(spec, c);
  }
  return c;
}
