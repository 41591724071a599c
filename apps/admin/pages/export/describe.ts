import { formatNumber, t } from '../../../shared/i18n/t.ts';
import type { DataExport } from './exportApi.ts';
import { formatDateTime } from './format.ts';
import { DATA_TYPE_LABELS, optionOf } from './options.ts';

/* Words for one export, shared by its card, the recent requests table and the outbox. */

export const typeName = (e: Pick<DataExport, 'type'>): string => t(optionOf(e.type).title);

/** "Tickets, Mar 1, 2026, 12:00 AM GMT+1 to the request": what the file holds beyond its type; '' when everything. */
export function scopeOf(e: Pick<DataExport, 'data_type' | 'start_time' | 'end_time'>): string {
  const parts: string[] = [];
  if (e.data_type) parts.push(t(DATA_TYPE_LABELS[e.data_type]));
  if (e.start_time || e.end_time) {
    parts.push(t('export.recent.range', {
      from: e.start_time ? formatDateTime(e.start_time) : t('export.recent.rangeStart'),
      to: e.end_time ? formatDateTime(e.end_time) : t('export.recent.rangeEnd'),
    }));
  }
  return parts.join(', ');
}

export const requesterName = (e: Pick<DataExport, 'requested_by'>): string => e.requested_by?.name ?? t('export.formerUser');

export function stateLabel(e: Pick<DataExport, 'state' | 'progress'>): string {
  return e.state === 'running' ? t('export.state.running', { progress: e.progress }) : t(`export.state.${e.state}`);
}

export const STATE_HUES: Record<DataExport['state'], string> = {
  queued: 'grey', running: 'blue', done: 'green', failed: 'red', expired: 'grey',
};

export const rowsText = (n: number): string => formatNumber(n);
