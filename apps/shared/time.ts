/**
 * Instants shown and typed in a chosen IANA time zone, with nothing but Intl: the browser's own
 * zone plays no part, so a page can show any zone and tests give the same answers everywhere.
 *
 * A wall time (a date and a clock time in a zone) is not always one instant: when clocks spring
 * forward some wall times never happen (America/New_York 2026-03-08 02:30), when they fall back
 * some happen twice (2026-11-01 01:30). `instantOf` resolves them as Temporal's "compatible"
 * disambiguation does (a skipped time moves forward by the gap, a repeated one takes its first
 * occurrence) and says which case it met, so a form can tell the user.
 */

/** A calendar date `YYYY-MM-DD` and a clock time `HH:mm` (or `HH:mm:ss`), in some zone. */
export type WallTime = { date: string; time: string };

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const partsFormats = new Map<string, Intl.DateTimeFormat>();

/** Year…second of an instant on the zone's clock, from a cached formatter (creating one is slow). */
function clockParts(at: Date, timeZone: string) {
  let format = partsFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    partsFormats.set(timeZone, format);
  }
  const n: Record<string, number> = {};
  for (const p of format.formatToParts(at)) if (p.type !== 'literal') n[p.type] = Number(p.value);
  return { year: n.year ?? 0, month: n.month ?? 1, day: n.day ?? 1, hour: n.hour ?? 0, minute: n.minute ?? 0, second: n.second ?? 0 };
}

/** True for a zone this browser knows (`Europe/Paris`, `UTC`); false for anything else. */
export function isTimeZone(value: string): boolean {
  if (!value || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The zone this browser runs in, `UTC` when it cannot tell. */
export function browserTimeZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && isTimeZone(zone) ? zone : 'UTC';
}

/** Every zone the browser knows, UTC included, sorted. */
export function timeZones(): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set([...known, 'UTC'])].sort((a, b) => a.localeCompare(b));
}

/**
 * Minutes the zone's clock is ahead of UTC at an instant (negative west of Greenwich).
 * @example offsetMinutes(new Date('2026-07-01T12:00:00Z'), 'Europe/Paris') // → 120
 */
export function offsetMinutes(at: Date, timeZone: string): number {
  const p = clockParts(at, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const whole = Math.floor(at.getTime() / 1000) * 1000;
  return Math.round((asUtc - whole) / MINUTE_MS);
}

/** `+05:30`, `-05:00`, `+00:00`. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The wall time of an instant in a zone, to the minute. */
export function wallTimeOf(at: Date, timeZone: string): WallTime {
  const p = clockParts(at, timeZone);
  return { date: `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`, time: `${pad(p.hour)}:${pad(p.minute)}` };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A `YYYY-MM-DD` that names a real day (no 02-30). */
export function isDay(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** The day after a `YYYY-MM-DD`. */
export function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return new Date(d.getTime() + DAY_MS).toISOString().slice(0, 10);
}

/** The day before a `YYYY-MM-DD`. */
export function previousDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return new Date(d.getTime() - DAY_MS).toISOString().slice(0, 10);
}

export type Resolved =
  /** The wall time happens exactly once. */
  | { kind: 'exact'; instant: Date }
  /** It never happens (clocks sprang forward over it): `instant` is as much later as the gap, shown as `shifted`. */
  | { kind: 'gap'; instant: Date; shifted: WallTime }
  /** It happens twice (clocks fell back): `instant` is the first time, `later` the second. */
  | { kind: 'overlap'; instant: Date; later: Date };

/**
 * The instant a wall time names in a zone; undefined when the date or time is malformed.
 * @example instantOf({ date: '2026-03-08', time: '02:30' }, 'America/New_York')
 * // → { kind: 'gap', instant: 2026-03-08T07:30:00Z, shifted: { date: '2026-03-08', time: '03:30' } }
 */
export function instantOf(wall: WallTime, timeZone: string): Resolved | undefined {
  const t = TIME.exec(wall.time);
  if (!isDay(wall.date) || !t) return undefined;
  const [hour, minute, second] = [Number(t[1]), Number(t[2]), Number(t[3] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const [y, m, d] = wall.date.split('-').map(Number) as [number, number, number];
  const local = Date.UTC(y, m - 1, d, hour, minute, second);
  // Offsets a day either side bracket any transition near this wall time (zones change at most once a day).
  const before = offsetMinutes(new Date(local - DAY_MS), timeZone);
  const after = offsetMinutes(new Date(local + DAY_MS), timeZone);
  const fits = [...new Set([before, after])]
    .map((offset) => local - offset * MINUTE_MS)
    .filter((ms) => offsetMinutes(new Date(ms), timeZone) * MINUTE_MS === local - ms)
    .sort((a, b) => a - b);
  if (fits.length >= 2) return { kind: 'overlap', instant: new Date(fits[0]!), later: new Date(fits[fits.length - 1]!) };
  if (fits.length === 1) return { kind: 'exact', instant: new Date(fits[0]!) };
  // Skipped: read with the offset in force before the jump, which lands as far past it as the gap.
  const instant = new Date(local - before * MINUTE_MS);
  return { kind: 'gap', instant, shifted: wallTimeOf(instant, timeZone) };
}

export type ShownInstant = {
  /** `Mar 8, 2026` */
  date: string;
  /** `01:30:15.123`, 24-hour, with milliseconds (log rows come in bursts). */
  time: string;
  /** The zone's short name at that instant: `EST`, `EDT`, `GMT+1`, `UTC`. */
  zone: string;
  /** `UTC-05:00` */
  offset: string;
  /** The instant in UTC, ISO 8601 with milliseconds. */
  iso: string;
};

const dateFormats = new Map<string, Intl.DateTimeFormat>();
const zoneFormats = new Map<string, Intl.DateTimeFormat>();

function cached(map: Map<string, Intl.DateTimeFormat>, timeZone: string, options: Intl.DateTimeFormatOptions) {
  let format = map.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, ...options });
    map.set(timeZone, format);
  }
  return format;
}

/**
 * An instant as a person reads it in a zone. The zone name tells apart the two 01:30 of a
 * fall-back night (EDT, then EST).
 * @example formatInstant('2026-11-01T06:30:00Z', 'America/New_York')
 * // → { date: 'Nov 1, 2026', time: '01:30:00.000', zone: 'EST', offset: 'UTC-05:00', iso: '2026-11-01T06:30:00.000Z' }
 */
export function formatInstant(value: Date | string, timeZone: string): ShownInstant {
  const at = typeof value === 'string' ? new Date(value) : value;
  const p = clockParts(at, timeZone);
  const ms = ((at.getTime() % 1000) + 1000) % 1000;
  const zone = cached(zoneFormats, timeZone, { timeZoneName: 'short' }).formatToParts(at).find((x) => x.type === 'timeZoneName')?.value ?? '';
  return {
    date: cached(dateFormats, timeZone, { year: 'numeric', month: 'short', day: 'numeric' }).format(at),
    time: `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}.${pad(ms, 3)}`,
    zone,
    offset: `UTC${formatOffset(offsetMinutes(at, timeZone))}`,
    iso: at.toISOString(),
  };
}

/** `Mar 8, 2026 03:30 EDT`: an instant to the minute, for summaries of a time window. */
export function formatMinute(value: Date | string, timeZone: string): string {
  const s = formatInstant(value, timeZone);
  return `${s.date} ${s.time.slice(0, 5)} ${s.zone}`;
}
