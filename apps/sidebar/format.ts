import { t } from './i18n.ts';

/** `45 min`, `2 h 5 min`, `3 d 4 h`; the placeholder while a metric is not complete (null). */
export function formatMinutes(value: number | null): string {
  if (value === null) return t('metrics.pendingValue');
  if (value < 60) return t('metrics.minutes', { m: value });
  const days = Math.floor(value / 1440);
  const hours = Math.floor((value % 1440) / 60);
  if (days > 0) return t('metrics.days', { d: days, h: hours });
  return t('metrics.hours', { h: hours, m: value % 60 });
}

/** An instant in the agent's zone, to the minute: `Mar 2, 2026 10:15 CET`. */
export { formatMinute as formatWhen } from '../shared/time.ts';
