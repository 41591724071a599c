import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Item, Menu } from '@zendeskgarden/react-dropdowns';
import { Field, Input, Toggle } from '@zendeskgarden/react-forms';
import { Tag } from '@zendeskgarden/react-tags';
import { getColor } from '@zendeskgarden/react-theming';
import { t } from '../../../shared/i18n/t.ts';
import { formatMinute } from '../../../shared/time.ts';
import { exportHref } from './api.ts';
import { activeFilterCount, canTail, hasFilters, MAX_QUERY_LENGTH, type LogFilters } from './filters.ts';
import { statusLabel } from './StatusTag.tsx';
import type { TailState } from './useLogRows.ts';

const Bar = styled.div`
  display: flex;
  flex-wrap: wrap;
  align-items: flex-end;
  gap: ${(p) => p.theme.space.sm} ${(p) => p.theme.space.md};
  margin-bottom: ${(p) => p.theme.space.sm};
`;

const Grow = styled.div`
  flex: 1 1 ${(p) => p.theme.space.base * 60}px;
`;

const Zone = styled.div`
  width: ${(p) => p.theme.space.base * 60}px;
`;

const Summary = styled.div`
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: ${(p) => p.theme.space.xs};
  min-height: ${(p) => p.theme.space.base * 8}px;
  margin-bottom: ${(p) => p.theme.space.sm};
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.subtle' })};
`;

const TailNote = styled.span`
  font-size: ${(p) => p.theme.fontSizes.sm};
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.subtle' })};
`;

const SEARCH_DELAY_MS = 400;

/** Free-text search: applied a moment after typing stops, or at once with Enter. */
function Search({ value, onSearch }: { value: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState(value);
  const sent = useRef(value);
  useEffect(() => { setText(value); sent.current = value; }, [value]);
  useEffect(() => {
    if (text.trim() === sent.current.trim()) return undefined;
    const timer = setTimeout(() => { sent.current = text; onSearch(text.trim()); }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, onSearch]);
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') { sent.current = text; onSearch(text.trim()); }
  };
  return (
    <Field>
      <Field.Label>{t('logs.search.label')}</Field.Label>
      <Input type="search" isCompact value={text} maxLength={MAX_QUERY_LENGTH} placeholder={t('logs.search.placeholder')} onChange={(e) => setText(e.target.value)} onKeyDown={onKeyDown} />
    </Field>
  );
}

type ToolbarProps = {
  filters: LogFilters;
  zoneSelect: ReactNode;
  live: boolean;
  tail: TailState;
  onLive: (on: boolean) => void;
  onSearch: (q: string) => void;
  onOpenFilter: () => void;
};

export function Toolbar({ filters, zoneSelect, live, tail, onLive, onSearch, onOpenFilter }: ToolbarProps) {
  const count = activeFilterCount(filters);
  const tailable = canTail(filters);
  return (
    <>
      <Bar>
        <Grow><Search value={filters.q} onSearch={onSearch} /></Grow>
        <Button isPrimary={count > 0} onClick={onOpenFilter} aria-haspopup="dialog">
          {count > 0 ? t('logs.filter.buttonCount', { count }) : t('logs.filter.button')}
        </Button>
        <Menu button={t('logs.export.button')} placement="bottom-end" zIndex={300}>
          <Item value="csv" href={exportHref(filters, 'csv')}>{t('logs.export.csv')}</Item>
          <Item value="ndjson" href={exportHref(filters, 'ndjson')}>{t('logs.export.ndjson')}</Item>
        </Menu>
      </Bar>
      <Bar>
        <Zone>{zoneSelect}</Zone>
        <Field>
          <Toggle checked={live && tailable} disabled={!tailable} onChange={(e) => onLive(e.target.checked)}>
            <Field.Label>{t('logs.live.label')}</Field.Label>
          </Toggle>
          <Field.Hint>
            <TailNote aria-live="polite">{tailable ? t(`logs.live.${tail}`) : t('logs.live.closedWindow')}</TailNote>
          </Field.Hint>
        </Field>
      </Bar>
    </>
  );
}

type Chip = { key: string; label: string; remove: (f: LogFilters) => LogFilters };

function chipsOf(f: LogFilters, zone: string): Chip[] {
  const chips: Chip[] = [];
  for (const s of f.statuses) chips.push({ key: `s-${s}`, label: t('logs.chip.status', { status: statusLabel(s) }), remove: (x) => ({ ...x, statuses: x.statuses.filter((y) => y !== s) }) });
  for (const p of f.products) chips.push({ key: `p-${p}`, label: t('logs.chip.product', { product: p }), remove: (x) => ({ ...x, products: x.products.filter((y) => y !== p) }) });
  if (f.ticketId !== undefined) chips.push({ key: 'ticket', label: t('logs.chip.ticket', { id: f.ticketId }), remove: (x) => ({ ...x, ticketId: undefined }) });
  if (f.q) chips.push({ key: 'q', label: t('logs.chip.search', { q: f.q }), remove: (x) => ({ ...x, q: '' }) });
  if (f.start || f.end) chips.push({ key: 'window', label: windowText(f, zone), remove: (x) => ({ ...x, start: undefined, end: undefined }) });
  return chips;
}

function windowText(f: LogFilters, zone: string): string {
  if (f.start && f.end) return t('logs.window.between', { start: formatMinute(f.start, zone), end: formatMinute(f.end, zone) });
  if (f.start) return t('logs.window.since', { start: formatMinute(f.start, zone) });
  if (f.end) return t('logs.window.until', { end: formatMinute(f.end, zone) });
  return t('logs.window.default');
}

/** What the rows are filtered on, each filter a tag that removes it (its ✕, or Delete / Backspace). */
export function FilterSummary({ filters, zone, onChange }: { filters: LogFilters; zone: string; onChange: (f: LogFilters) => void }) {
  const chips = chipsOf(filters, zone);
  return (
    <Summary aria-label={t('logs.chip.label')} role="group">
      {!filters.start && !filters.end && <span>{t('logs.window.default')}</span>}
      {chips.map((c) => (
        <Tag
          key={c.key}
          tabIndex={0}
          aria-label={t('logs.chip.removeHint', { filter: c.label })}
          onKeyDown={(e) => { if (e.key === 'Delete' || e.key === 'Backspace') onChange(c.remove(filters)); }}
        >
          <span>{c.label}</span>
          <Tag.Close aria-label={t('logs.chip.remove', { filter: c.label })} onClick={() => onChange(c.remove(filters))} />
        </Tag>
      ))}
      {hasFilters(filters) && (
        <Button size="small" isLink onClick={() => onChange({ statuses: [], products: [], q: '' })}>{t('logs.chip.clearAll')}</Button>
      )}
    </Summary>
  );
}
