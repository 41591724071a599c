import { describe, expect, it } from 'vitest';
import { applyForm, formFromFilters, windowFromForm, type FilterForm } from '../../apps/admin/pages/logs/filter-form.ts';
import { activeFilterCount, canTail, filterParams, parseLogQuery, toLogQuery, type LogView } from '../../apps/admin/pages/logs/filters.ts';

const parse = (qs: string) => parseLogQuery(new URLSearchParams(qs));
const query = (view: LogView) => toLogQuery(view).toString();
const NY = 'America/New_York';

const full: LogView = {
  start: '2026-02-10T14:00:00Z', end: '2026-02-10T19:00:00.500Z', statuses: ['warning', 'error'], products: ['shopify', 'sunshine conversations'],
  q: 'order 1234', ticketId: 101, tz: 'Europe/Paris', log: 42,
};

describe('the page state ↔ its query string', () => {
  it('round trip: every field survives, in a fixed order with the API’s names', () => {
    const qs = query(full);
    expect(qs).toBe('start_time=2026-02-10T14%3A00%3A00Z&end_time=2026-02-10T19%3A00%3A00.500Z&status=warning%2Cerror&product=shopify%2Csunshine+conversations&q=order+1234&ticket_id=101&tz=Europe%2FParis&log=42');
    expect(parse(qs)).toEqual(full);
  });

  it('round trip from a string: parse, write, parse again gives the same state and the same string', () => {
    const messy = 'status=ERROR&status=debug,info&product=zis&product=zis&end_time=2026-03-08T02:30:00-05:00&q=%20timeout%20&extra=1';
    const once = parse(messy);
    expect(once).toMatchObject({ statuses: ['info', 'error', 'debug'], products: ['zis'], end: '2026-03-08T07:30:00Z', q: 'timeout' });
    expect(parse(query(once))).toEqual(once);
    expect(query(parse(query(once)))).toBe(query(once));
  });

  it('an empty query is the default view: last 7 days, nothing else', () => {
    expect(parse('')).toEqual({ start: undefined, end: undefined, statuses: [], products: [], q: '', ticketId: undefined, tz: undefined, log: undefined });
    expect(query(parse(''))).toBe('');
  });

  it('statuses are written in the API’s order whatever order they were picked in', () => {
    expect(query({ ...parse(''), statuses: ['debug', 'info'] })).toBe('status=info%2Cdebug');
  });

  it('offsets are turned into UTC instants; milliseconds kept only when there are some', () => {
    expect(parse('start_time=2026-02-10T10:00%2B01:00').start).toBe('2026-02-10T09:00:00Z');
    // A '+' left unencoded in a hand-typed address arrives as a space.
    expect(parse('start_time=2026-02-10T10:00+01:00').start).toBe('2026-02-10T09:00:00Z');
    expect(parse('start_time=2026-02-10T10:00:00.120Z').start).toBe('2026-02-10T10:00:00.120Z');
  });

  it.each([
    ['start_time=yesterday', { start: undefined }],
    ['start_time=2026-02-10', { start: undefined }], // no time and no zone: ambiguous, dropped
    ['start_time=2026-02-10T10:00:00', { start: undefined }], // no zone
    ['start_time=2026-02-30T10:00:00Z', { start: undefined }],
    ['end_time=2026-02-10T25:00:00Z', { end: undefined }],
    ['start_time=1700000000', { start: undefined }],
    ['start_time=2026-02-11T00:00:00Z&end_time=2026-02-10T00:00:00Z', { start: undefined, end: undefined }],
    ['start_time=2026-02-10T00:00:00Z&end_time=2026-02-10T00:00:00Z', { start: undefined, end: undefined }],
    ['status=fatal', { statuses: [] }],
    ['status=fatal,error', { statuses: ['error'] }],
    ['product=,,', { products: [] }],
    [`product=${'x'.repeat(201)},ok`, { products: ['ok'] }],
    [`q=${'x'.repeat(201)}`, { q: '' }],
    ['ticket_id=0', { ticketId: undefined }],
    ['ticket_id=-3', { ticketId: undefined }],
    ['ticket_id=1.5', { ticketId: undefined }],
    ['ticket_id=abc', { ticketId: undefined }],
    ['tz=Mars/Olympus_Mons', { tz: undefined }],
    ['tz=', { tz: undefined }],
    ['log=x', { log: undefined }],
    ['log=0', { log: undefined }],
  ] as const)('ignores %s', (qs, expected) => {
    expect(parse(qs)).toMatchObject(expected);
  });

  it('invalid values leave the valid ones alone', () => {
    expect(parse('status=error,nope&ticket_id=x&tz=Nowhere&product=salesforce&start_time=bad&end_time=2026-02-10T19:00:00Z')).toEqual({
      start: undefined, end: '2026-02-10T19:00:00Z', statuses: ['error'], products: ['salesforce'], q: '', ticketId: undefined, tz: undefined, log: undefined,
    });
  });

  it('at most 50 products, each once', () => {
    const many = Array.from({ length: 60 }, (_, i) => `p${i}`).join(',');
    expect(parse(`product=${many},p0`).products).toHaveLength(50);
  });

  it('the API gets the filters but not the page’s own state', () => {
    expect(filterParams(full).toString()).not.toMatch(/tz=|log=/);
    expect(activeFilterCount(full)).toBe(4);
    expect(canTail(full)).toBe(false);
    expect(canTail({ ...full, end: undefined })).toBe(true);
  });
});

const form = (over: Partial<FilterForm> = {}): FilterForm => ({ startDate: '', startTime: '', endDate: '', endTime: '', statuses: [], products: [], ...over });

describe('the Filter drawer’s fields ↔ the filters', () => {
  it('wall times in the zone become UTC instants', () => {
    expect(windowFromForm(form({ startDate: '2026-02-10', startTime: '09:00', endDate: '2026-02-10', endTime: '14:00' }), NY))
      .toEqual({ ok: true, notes: {}, window: { start: '2026-02-10T14:00:00Z', end: '2026-02-10T19:00:00Z' } });
    expect(windowFromForm(form({ startDate: '2026-02-10', startTime: '09:00' }), 'Europe/Paris'))
      .toEqual({ ok: true, notes: {}, window: { start: '2026-02-10T08:00:00Z', end: undefined } });
  });

  it('a date without a time: from its midnight, or through its end', () => {
    expect(windowFromForm(form({ startDate: '2026-02-10', endDate: '2026-02-10' }), NY))
      .toMatchObject({ ok: true, window: { start: '2026-02-10T05:00:00Z', end: '2026-02-11T05:00:00Z' } });
    // The day the clocks go forward has 23 hours.
    expect(windowFromForm(form({ startDate: '2026-03-08', endDate: '2026-03-08' }), NY))
      .toMatchObject({ ok: true, window: { start: '2026-03-08T05:00:00Z', end: '2026-03-09T04:00:00Z' } });
  });

  it('a skipped time moves forward and says so; a repeated time takes the first and says so', () => {
    const gap = windowFromForm(form({ startDate: '2026-03-08', startTime: '02:30' }), NY);
    expect(gap).toMatchObject({ ok: true, window: { start: '2026-03-08T07:30:00Z' } });
    expect(gap.ok && gap.notes.startTime).toContain('03:30');
    const overlap = windowFromForm(form({ endDate: '2026-11-01', endTime: '01:30' }), NY);
    expect(overlap).toMatchObject({ ok: true, window: { end: '2026-11-01T05:30:00Z' } });
    expect(overlap.ok && overlap.notes.endTime).toMatch(/happens twice/);
  });

  it('problems are reported on their field', () => {
    expect(windowFromForm(form({ startTime: '09:00' }), NY)).toMatchObject({ ok: false, errors: { startDate: expect.any(String) } });
    expect(windowFromForm(form({ startDate: '2026-02-30' }), NY)).toMatchObject({ ok: false, errors: { startDate: expect.any(String) } });
    expect(windowFromForm(form({ startDate: '2026-02-10', startTime: '9am' }), NY)).toMatchObject({ ok: false, errors: { startTime: expect.any(String) } });
    expect(windowFromForm(form({ startDate: '2026-02-10', startTime: '14:00', endDate: '2026-02-10', endTime: '09:00' }), NY))
      .toMatchObject({ ok: false, errors: { endTime: 'The end must be after the start.' } });
    expect(windowFromForm(form({ startDate: '2026-02-11', endDate: '2026-02-10' }), NY))
      .toMatchObject({ ok: false, errors: { endDate: 'The end must be after the start.' } });
  });

  it('filters → fields → filters is the identity, in any zone', () => {
    const cases: LogView[] = [
      { ...parse(''), start: '2026-02-10T14:00:00Z', end: '2026-02-10T19:00:00Z', statuses: ['error'], products: ['shopify'] },
      { ...parse(''), start: '2026-02-10T05:00:00Z', end: '2026-02-11T05:00:00Z' },
      { ...parse(''), start: '2026-03-08T07:30:00Z' },
      { ...parse(''), end: '2026-11-01T05:30:00Z' },
    ];
    for (const zone of [NY, 'Europe/Paris', 'UTC', 'Asia/Kolkata']) {
      for (const f of cases) {
        const back = applyForm(f, formFromFilters(f, zone), zone);
        expect(back, `${zone} ${JSON.stringify(f)}`).toEqual({ filters: f });
      }
    }
  });

  it('an end at midnight reads back as "through the day before"', () => {
    expect(formFromFilters({ ...parse(''), start: '2026-02-10T05:00:00Z', end: '2026-02-11T05:00:00Z' }, NY))
      .toMatchObject({ startDate: '2026-02-10', startTime: '', endDate: '2026-02-10', endTime: '' });
  });

  it('applying keeps the search and the ticket, and replaces the window, statuses and products', () => {
    const current = parse('q=timeout&ticket_id=7&status=info&start_time=2026-02-01T00:00:00Z');
    expect(applyForm(current, form({ statuses: ['error'], products: ['zis'] }), 'UTC')).toEqual({
      filters: { ...current, start: undefined, end: undefined, statuses: ['error'], products: ['zis'] },
    });
  });
});
