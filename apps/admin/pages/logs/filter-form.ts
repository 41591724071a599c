import { instantOf, isDay, nextDay, previousDay, wallTimeOf, type Resolved } from '../../../shared/time.ts';
import { t } from '../../../shared/i18n/t.ts';
import { canonicalInstant, type LogFilters, type LogStatus } from './filters.ts';

/**
 * The Filter drawer's fields, as typed: dates `YYYY-MM-DD` and times `HH:mm` on the clock of the
 * zone the page shows. A start date without a time starts at midnight; an end date without a
 * time runs to the end of that day. So the address keeps instants and the form keeps wall times,
 * and each converts to the other without drifting: an end at midnight reads back as "through the
 * day before".
 */
export type FilterForm = {
  startDate: string;
  startTime: string;
  endDate: string;
  endTime: string;
  statuses: LogStatus[];
  products: string[];
};

export type FormField = 'startDate' | 'startTime' | 'endDate' | 'endTime';

export function formFromFilters(f: LogFilters, timeZone: string): FilterForm {
  const form: FilterForm = { startDate: '', startTime: '', endDate: '', endTime: '', statuses: [...f.statuses], products: [...f.products] };
  if (f.start) {
    const wall = wallTimeOf(new Date(f.start), timeZone);
    form.startDate = wall.date;
    form.startTime = wall.time === '00:00' ? '' : wall.time;
  }
  if (f.end) {
    const wall = wallTimeOf(new Date(f.end), timeZone);
    if (wall.time === '00:00') form.endDate = previousDay(wall.date);
    else {
      form.endDate = wall.date;
      form.endTime = wall.time;
    }
  }
  return form;
}

export type FormResult =
  | { ok: true; window: { start?: string | undefined; end?: string | undefined }; notes: Partial<Record<FormField, string>> }
  | { ok: false; errors: Partial<Record<FormField, string>> };

const TIME = /^\d{2}:\d{2}$/;

/** A note for a wall time the zone's clock skips or repeats, for the field the time was typed in. */
function noteFor(resolved: Resolved, timeZone: string): string | undefined {
  if (resolved.kind === 'gap') return t('logs.filter.gapNote', { zone: timeZone, time: resolved.shifted.time });
  if (resolved.kind === 'overlap') return t('logs.filter.overlapNote', { zone: timeZone });
  return undefined;
}

/** The window the fields describe, in UTC, or what is wrong with them, field by field. */
export function windowFromForm(form: FilterForm, timeZone: string): FormResult {
  const errors: Partial<Record<FormField, string>> = {};
  const notes: Partial<Record<FormField, string>> = {};
  for (const field of ['startDate', 'endDate'] as const) {
    if (form[field] && !isDay(form[field])) errors[field] = t('logs.filter.badDate');
  }
  for (const [time, date] of [['startTime', 'startDate'], ['endTime', 'endDate']] as const) {
    if (form[time] && !TIME.test(form[time])) errors[time] = t('logs.filter.badTime');
    else if (form[time] && !form[date]) errors[date] = t('logs.filter.dateForTime');
  }
  if (Object.keys(errors).length) return { ok: false, errors };

  let start: Resolved | undefined;
  let end: Resolved | undefined;
  if (form.startDate) {
    start = instantOf({ date: form.startDate, time: form.startTime || '00:00' }, timeZone);
    const note = start && form.startTime ? noteFor(start, timeZone) : undefined;
    if (note) notes.startTime = note;
  }
  if (form.endDate) {
    end = form.endTime
      ? instantOf({ date: form.endDate, time: form.endTime }, timeZone)
      : instantOf({ date: nextDay(form.endDate), time: '00:00' }, timeZone);
    const note = end && form.endTime ? noteFor(end, timeZone) : undefined;
    if (note) notes.endTime = note;
  }
  if (!start && form.startDate) return { ok: false, errors: { startDate: t('logs.filter.badDate') } };
  if (!end && form.endDate) return { ok: false, errors: { endDate: t('logs.filter.badDate') } };
  if (start && end && start.instant >= end.instant) {
    return { ok: false, errors: { [form.endTime ? 'endTime' : 'endDate']: t('logs.filter.endBeforeStart') } };
  }
  return {
    ok: true,
    notes,
    window: { start: start && canonicalInstant(start.instant), end: end && canonicalInstant(end.instant) },
  };
}

/** The filters the form applies: its window, statuses and products; search and ticket stay as they were. */
export function applyForm(current: LogFilters, form: FilterForm, timeZone: string): { filters: LogFilters } | { errors: Partial<Record<FormField, string>> } {
  const result = windowFromForm(form, timeZone);
  if (!result.ok) return { errors: result.errors };
  return { filters: { ...current, start: result.window.start, end: result.window.end, statuses: form.statuses, products: form.products } };
}
