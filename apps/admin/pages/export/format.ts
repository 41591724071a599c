import { formatNumber } from '../../../shared/i18n/t.ts';

/*
 * Times on this page are the viewer's: the browser's time zone, named after each time so that a
 * screenshot or a colleague in another zone can tell which one it is.
 */

const LOCALE = 'en';

const dateTime = new Intl.DateTimeFormat(LOCALE, {
  year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short',
});
const dateOnly = new Intl.DateTimeFormat(LOCALE, { year: 'numeric', month: 'short', day: 'numeric' });
const relative = new Intl.RelativeTimeFormat(LOCALE, { numeric: 'auto' });

/** "Mar 2, 2026, 10:00 AM GMT+1"; '' for a missing or unreadable time. */
export function formatDateTime(iso: string | null): string {
  if (!iso) return '';
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? '' : dateTime.format(at);
}

export const formatDate = (date: Date): string => dateOnly.format(date);

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000]];

/** "in 3 days", "2 hours ago", "now": the distance from `now`, rounded in its largest unit. */
export function formatRelative(iso: string | null, now: number = Date.now()): string {
  if (!iso) return '';
  const diff = new Date(iso).getTime() - now;
  if (Number.isNaN(diff)) return '';
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return relative.format(Math.round(diff / ms), unit);
  }
  return relative.format(0, 'minute');
}

const SIZES = ['bytes', 'KB', 'MB', 'GB', 'TB'] as const;

/** 1536 → "1.5 KB" (binary multiples, as file managers show them). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < SIZES.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${formatNumber(value)} ${SIZES[0]}` : `${value.toFixed(value < 10 ? 1 : 0)} ${SIZES[unit]}`;
}

/** The browser's IANA zone ("Europe/Paris"), shown beside the date range the viewer picks. */
export const viewerTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Midnight starting `day` in the viewer's zone, as the API's ISO 8601 UTC. */
export const startOfDay = (day: Date): string => new Date(day.getFullYear(), day.getMonth(), day.getDate()).toISOString();

/** Midnight after `day` in the viewer's zone: the API's range end is exclusive, so the whole day is in. */
export const endOfDay = (day: Date): string => new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1).toISOString();
