import { describe, expect, it } from 'vitest';
import { formatInstant, formatMinute, instantOf, isTimeZone, offsetMinutes, timeZones, wallTimeOf } from '../../apps/shared/time.ts';
import { defaultZone } from '../../apps/admin/pages/logs/useViewerZone.ts';

// Times are read and typed in a chosen zone, whatever zone the machine running this is in.
const NY = 'America/New_York';
const PARIS = 'Europe/Paris';

describe('formatInstant: an instant as read in a zone', () => {
  it('UTC reads the instant as is, with milliseconds', () => {
    expect(formatInstant('2026-02-10T15:04:05.678Z', 'UTC')).toEqual({
      date: 'Feb 10, 2026', time: '15:04:05.678', zone: 'UTC', offset: 'UTC+00:00', iso: '2026-02-10T15:04:05.678Z',
    });
  });

  it('New York in winter and in summer', () => {
    expect(formatInstant('2026-02-10T15:04:05.678Z', NY)).toMatchObject({ date: 'Feb 10, 2026', time: '10:04:05.678', zone: 'EST', offset: 'UTC-05:00' });
    expect(formatInstant('2026-07-01T15:04:05.000Z', NY)).toMatchObject({ date: 'Jul 1, 2026', time: '11:04:05.000', zone: 'EDT', offset: 'UTC-04:00' });
  });

  it('the date is the zone’s, not UTC’s', () => {
    expect(formatInstant('2026-02-11T03:30:00Z', NY)).toMatchObject({ date: 'Feb 10, 2026', time: '22:30:00.000' });
    expect(formatInstant('2026-02-10T23:30:00Z', PARIS)).toMatchObject({ date: 'Feb 11, 2026', time: '00:30:00.000', zone: 'GMT+1' });
  });

  it('New York, 1 November 2026: the two 01:30 are told apart by their zone name', () => {
    const first = formatInstant('2026-11-01T05:30:00Z', NY);
    const second = formatInstant('2026-11-01T06:30:00Z', NY);
    expect([first.time, first.zone, first.offset]).toEqual(['01:30:00.000', 'EDT', 'UTC-04:00']);
    expect([second.time, second.zone, second.offset]).toEqual(['01:30:00.000', 'EST', 'UTC-05:00']);
  });

  it('New York, 8 March 2026: the clock goes from 01:59:59.999 EST to 03:00 EDT', () => {
    expect(formatInstant('2026-03-08T06:59:59.999Z', NY)).toMatchObject({ time: '01:59:59.999', zone: 'EST' });
    expect(formatInstant('2026-03-08T07:00:00.000Z', NY)).toMatchObject({ time: '03:00:00.000', zone: 'EDT' });
  });

  it('Paris changes at 01:00 UTC on the last Sundays of March and October', () => {
    expect(formatInstant('2026-03-29T00:59:59Z', PARIS)).toMatchObject({ time: '01:59:59.000', offset: 'UTC+01:00' });
    expect(formatInstant('2026-03-29T01:00:00Z', PARIS)).toMatchObject({ time: '03:00:00.000', offset: 'UTC+02:00', zone: 'GMT+2' });
    expect(formatInstant('2026-10-25T00:30:00Z', PARIS)).toMatchObject({ time: '02:30:00.000', offset: 'UTC+02:00' });
    expect(formatInstant('2026-10-25T01:30:00Z', PARIS)).toMatchObject({ time: '02:30:00.000', offset: 'UTC+01:00' });
  });

  it('instants before 1970 and half-hour zones', () => {
    expect(formatInstant('1969-12-31T23:59:59.999Z', 'UTC')).toMatchObject({ date: 'Dec 31, 1969', time: '23:59:59.999' });
    expect(formatInstant('2026-02-10T15:04:05Z', 'Asia/Kolkata')).toMatchObject({ time: '20:34:05.000', offset: 'UTC+05:30' });
  });

  it('formatMinute: a window bound to the minute', () => {
    expect(formatMinute('2026-03-08T07:30:00Z', NY)).toBe('Mar 8, 2026 03:30 EDT');
  });
});

describe('instantOf: the instant a wall time names', () => {
  it('an ordinary wall time is one instant', () => {
    expect(instantOf({ date: '2026-02-10', time: '10:04' }, NY)).toEqual({ kind: 'exact', instant: new Date('2026-02-10T15:04:00Z') });
    expect(instantOf({ date: '2026-02-10', time: '10:04:05' }, 'UTC')).toEqual({ kind: 'exact', instant: new Date('2026-02-10T10:04:05Z') });
    expect(instantOf({ date: '2026-07-14', time: '00:00' }, PARIS)).toEqual({ kind: 'exact', instant: new Date('2026-07-13T22:00:00Z') });
  });

  it('New York 2026-03-08 02:30 does not exist: it moves forward by the gap, to 03:30 EDT', () => {
    const r = instantOf({ date: '2026-03-08', time: '02:30' }, NY);
    expect(r).toEqual({ kind: 'gap', instant: new Date('2026-03-08T07:30:00Z'), shifted: { date: '2026-03-08', time: '03:30' } });
    // The minutes on either side of the gap are exact.
    expect(instantOf({ date: '2026-03-08', time: '01:59' }, NY)).toEqual({ kind: 'exact', instant: new Date('2026-03-08T06:59:00Z') });
    expect(instantOf({ date: '2026-03-08', time: '03:00' }, NY)).toEqual({ kind: 'exact', instant: new Date('2026-03-08T07:00:00Z') });
  });

  it('New York 2026-11-01 01:30 happens twice: the first (EDT) is taken, the second (EST) is given too', () => {
    expect(instantOf({ date: '2026-11-01', time: '01:30' }, NY)).toEqual({
      kind: 'overlap', instant: new Date('2026-11-01T05:30:00Z'), later: new Date('2026-11-01T06:30:00Z'),
    });
    expect(instantOf({ date: '2026-11-01', time: '00:59' }, NY)?.kind).toBe('exact');
    expect(instantOf({ date: '2026-11-01', time: '02:00' }, NY)).toEqual({ kind: 'exact', instant: new Date('2026-11-01T07:00:00Z') });
  });

  it('Paris: 2026-03-29 02:30 is skipped, 2026-10-25 02:30 repeats', () => {
    expect(instantOf({ date: '2026-03-29', time: '02:30' }, PARIS)).toEqual({
      kind: 'gap', instant: new Date('2026-03-29T01:30:00Z'), shifted: { date: '2026-03-29', time: '03:30' },
    });
    expect(instantOf({ date: '2026-10-25', time: '02:30' }, PARIS)).toEqual({
      kind: 'overlap', instant: new Date('2026-10-25T00:30:00Z'), later: new Date('2026-10-25T01:30:00Z'),
    });
  });

  it('UTC never skips or repeats', () => {
    for (const date of ['2026-03-08', '2026-03-29', '2026-10-25', '2026-11-01']) {
      expect(instantOf({ date, time: '02:30' }, 'UTC')).toEqual({ kind: 'exact', instant: new Date(`${date}T02:30:00Z`) });
    }
  });

  it('reads back what wallTimeOf writes, every half hour across both 2026 changes in New York', () => {
    for (const start of ['2026-03-07T00:00:00Z', '2026-10-31T00:00:00Z']) {
      for (let i = 0; i < 96; i++) {
        const at = new Date(Date.parse(start) + i * 30 * 60_000);
        const resolved = instantOf(wallTimeOf(at, NY), NY)!;
        // A repeated hour reads back as its first occurrence; every other instant as itself.
        if (resolved.kind === 'overlap') expect([resolved.instant, resolved.later]).toContainEqual(at);
        else expect(resolved.instant).toEqual(at);
      }
    }
  });

  it('malformed dates and times are undefined, not another day', () => {
    expect(instantOf({ date: '2026-02-30', time: '10:00' }, NY)).toBeUndefined();
    expect(instantOf({ date: '2026-2-3', time: '10:00' }, NY)).toBeUndefined();
    expect(instantOf({ date: '2026-02-10', time: '24:00' }, NY)).toBeUndefined();
    expect(instantOf({ date: '2026-02-10', time: '10:60' }, NY)).toBeUndefined();
    expect(instantOf({ date: '2026-02-10', time: '' }, NY)).toBeUndefined();
  });
});

describe('zones', () => {
  it('offsets, validity and the list', () => {
    expect(offsetMinutes(new Date('2026-07-01T12:00:00Z'), PARIS)).toBe(120);
    expect(offsetMinutes(new Date('2026-01-01T12:00:00Z'), NY)).toBe(-300);
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    const zones = timeZones();
    expect(zones).toContain('UTC');
    expect(zones).toContain(NY);
    expect(zones).toEqual([...zones].sort((a, b) => a.localeCompare(b)));
  });

  it('the default zone is the profile’s, else the browser’s', () => {
    expect(defaultZone('America/New_York', 'Asia/Tokyo')).toBe('America/New_York');
    expect(defaultZone(null, 'Asia/Tokyo')).toBe('Asia/Tokyo');
    expect(defaultZone('Not/AZone', 'Asia/Tokyo')).toBe('Asia/Tokyo');
  });
});
