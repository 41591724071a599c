import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Dots, Skeleton } from '@zendeskgarden/react-loaders';
import { Alert } from '@zendeskgarden/react-notifications';
import { Table } from '@zendeskgarden/react-tables';
import { getColor } from '@zendeskgarden/react-theming';
import { t, tn } from '../../../shared/i18n/t.ts';
import { formatInstant } from '../../../shared/time.ts';
import type { LogRow } from './api.ts';
import { StatusTag } from './StatusTag.tsx';
import type { LogRows } from './useLogRows.ts';

/*
 * The table scrolls inside its own box, under a sticky header, so the page keeps its toolbar in
 * view and the scroll position is the table's to keep: rows that arrive on top while the reader is
 * further down push nothing out of their sight (the box is scrolled down by exactly their height).
 * The browser's own scroll anchoring is off so the two adjustments never add up.
 */
const Scroller = styled.div`
  position: relative;
  box-sizing: border-box;
  height: calc(100vh - ${(p) => p.theme.space.base * 115}px);
  min-height: ${(p) => p.theme.space.base * 80}px;
  overflow: auto;
  overflow-anchor: none;
  border: ${(p) => p.theme.borders.sm} ${(p) => getColor({ theme: p.theme, variable: 'border.default' })};
  border-radius: ${(p) => p.theme.borderRadii.md};
`;

const Row = styled(Table.Row)`
  cursor: pointer;
  &:focus { outline: none; }
  &:focus-visible {
    box-shadow: inset 0 0 0 ${(p) => p.theme.shadowWidths.md} ${(p) => getColor({ theme: p.theme, variable: 'border.primaryEmphasis' })};
  }
`;

const Description = styled.span`
  display: -webkit-box;
  overflow: hidden;
  -webkit-line-clamp: 2;
  -webkit-box-orient: vertical;
  overflow-wrap: anywhere;
`;

const Zone = styled.span`
  margin-left: ${(p) => p.theme.space.xxs};
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.subtle' })};
  font-size: ${(p) => p.theme.fontSizes.sm};
`;

const Clock = styled.span`
  font-variant-numeric: tabular-nums;
  white-space: nowrap;
`;

const Footer = styled.div`
  display: flex;
  flex-direction: column;
  align-items: center;
  gap: ${(p) => p.theme.space.sm};
  padding: ${(p) => p.theme.space.md};
`;

const NewRows = styled(Button)`
  position: sticky;
  top: ${(p) => p.theme.space.base * 12}px;
  left: 50%;
  z-index: 2;
  display: block;
  margin: 0 auto -${(p) => p.theme.space.base * 8}px;
`;

/** `Mar 8, 2026 01:30:15.123 EST`, the UTC instant and offset on hover and for screen readers' `datetime`. */
export function When({ iso, zone }: { iso: string; zone: string }) {
  const s = formatInstant(iso, zone);
  return (
    <Clock>
      <time dateTime={s.iso} title={t('logs.table.timeTitle', { iso: s.iso, offset: s.offset })}>
        {s.date} {s.time}
      </time>
      <Zone>{s.zone}</Zone>
    </Clock>
  );
}

const SKELETON_ROWS = 8;

type Props = {
  list: LogRows;
  zone: string | null;
  openId: number | undefined;
  onOpen: (row: LogRow) => void;
  /** Shown instead of rows when there are none. */
  empty: ReactNode;
};

function useScrollKeeping(list: LogRows, scroller: RefObject<HTMLDivElement | null>) {
  const firstId = list.rows[0]?.id;
  const seen = useRef({ firstId, height: 0, arrived: list.arrived, generation: list.generation });
  const [unseen, setUnseen] = useState(0);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const before = seen.current;
    if (before.generation !== list.generation) {
      el.scrollTop = 0;
      setUnseen(0);
    } else if (before.firstId !== undefined && firstId !== before.firstId && el.scrollTop > 0) {
      el.scrollTop += el.scrollHeight - before.height;
      if (list.arrived > before.arrived) setUnseen((n) => n + list.arrived - before.arrived);
    }
    seen.current = { firstId, height: el.scrollHeight, arrived: list.arrived, generation: list.generation };
  });

  const onScroll = () => {
    const el = scroller.current;
    if (el && el.scrollTop < 4 && unseen > 0) setUnseen(0);
  };
  const toTop = () => {
    scroller.current?.scrollTo({ top: 0 });
    setUnseen(0);
  };
  return { unseen, onScroll, toTop };
}

/** Asks for the next page when the end of the table comes within a screen of view. */
function useInfiniteScroll(list: LogRows, scroller: RefObject<HTMLDivElement | null>) {
  // A callback ref: the footer appears only once rows and the zone are both there, in either order.
  const [target, setTarget] = useState<HTMLDivElement | null>(null);
  const { hasMore, loadingMore, moreError, loadMore } = list;
  useEffect(() => {
    if (!target || !hasMore || loadingMore || moreError || typeof IntersectionObserver === 'undefined') return undefined;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) loadMore();
    }, { root: scroller.current, rootMargin: '0px 0px 400px 0px' });
    observer.observe(target);
    return () => observer.disconnect();
  }, [target, hasMore, loadingMore, moreError, loadMore, scroller]);
  return setTarget;
}

/**
 * The log as a Garden table. One row at a time is in the tab order (the open one, else the first);
 * ↑ ↓ Home End PageUp PageDown move between rows and Enter or Space opens the focused row.
 */
export function LogTable({ list, zone, openId, onOpen, empty }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const body = useRef<HTMLTableSectionElement>(null);
  const [focusId, setFocusId] = useState<number | undefined>(undefined);
  const { unseen, onScroll, toTop } = useScrollKeeping(list, scroller);
  const sentinel = useInfiniteScroll(list, scroller);
  const rows = list.rows;
  const loading = list.status === 'loading' || zone === null;
  const tabId = [focusId, openId].find((id) => id !== undefined && rows.some((r) => r.id === id)) ?? rows[0]?.id;

  // Garden's Table.Row pins tabIndex to -1; the roving tab stop is set on the DOM after each render.
  useLayoutEffect(() => {
    body.current?.querySelectorAll<HTMLElement>('tr[data-log-id]').forEach((tr) => {
      tr.tabIndex = Number(tr.dataset.logId) === tabId ? 0 : -1;
    });
  });

  const focusRow = (index: number) => {
    const row = rows[Math.max(0, Math.min(rows.length - 1, index))];
    if (!row) return;
    setFocusId(row.id);
    body.current?.querySelector<HTMLElement>(`[data-log-id="${row.id}"]`)?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    const index = rows.findIndex((r) => r.id === Number((e.target as HTMLElement).dataset.logId));
    if (index < 0) return;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 400) / 48) - 1);
    const moves: Record<string, number> = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: rows.length - 1, PageDown: index + page, PageUp: index - page };
    const to = moves[e.key];
    if (to !== undefined) {
      e.preventDefault();
      focusRow(to);
      if (e.key === 'End' || to >= rows.length - 1) list.loadMore();
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onOpen(rows[index]!);
    }
  };

  return (
    <Scroller ref={scroller} onScroll={onScroll} data-testid="log-scroller">
      {unseen > 0 && (
        <NewRows size="small" isPill isPrimary onClick={toTop}>{tn('logs.table.newRows', unseen)}</NewRows>
      )}
      <Table aria-label={t('logs.table.label')} aria-busy={loading}>
        <Table.Head isSticky>
          <Table.HeaderRow>
            <Table.HeaderCell width="31%">{t('logs.column.time')}</Table.HeaderCell>
            <Table.HeaderCell width="15%">{t('logs.column.product')}</Table.HeaderCell>
            <Table.HeaderCell width="11%">{t('logs.column.status')}</Table.HeaderCell>
            <Table.HeaderCell>{t('logs.column.description')}</Table.HeaderCell>
          </Table.HeaderRow>
        </Table.Head>
        <Table.Body ref={body} onKeyDown={onKeyDown}>
          {loading && Array.from({ length: SKELETON_ROWS }, (_, i) => (
            <Table.Row key={i} aria-hidden>
              <Table.Cell><Skeleton width="85%" /></Table.Cell>
              <Table.Cell><Skeleton width="70%" /></Table.Cell>
              <Table.Cell><Skeleton width="60%" /></Table.Cell>
              <Table.Cell><Skeleton /></Table.Cell>
            </Table.Row>
          ))}
          {!loading && rows.map((row) => (
            <Row
              key={row.id}
              data-log-id={row.id}
              isSelected={row.id === openId}
              aria-current={row.id === openId ? 'true' : undefined}
              onClick={() => { setFocusId(row.id); onOpen(row); }}
              onFocus={() => setFocusId(row.id)}
            >
              <Table.Cell><When iso={row.timestamp} zone={zone ?? 'UTC'} /></Table.Cell>
              <Table.Cell isTruncated title={row.product}>{row.product}</Table.Cell>
              <Table.Cell><StatusTag status={row.status} /></Table.Cell>
              <Table.Cell><Description title={row.description}>{row.description}</Description></Table.Cell>
            </Row>
          ))}
        </Table.Body>
      </Table>
      {!loading && list.status === 'ready' && rows.length === 0 && empty}
      {!loading && rows.length > 0 && (
        <Footer ref={sentinel}>
          {list.loadingMore && <Dots size={32} aria-label={t('logs.table.loadingMore')} role="img" />}
          {list.moreError && (
            <Alert type="error" role="alert">
              <Alert.Title>{t('logs.table.moreFailed')}</Alert.Title>
              {list.moreError}
            </Alert>
          )}
          {list.hasMore && !list.loadingMore && (
            <Button size="small" onClick={list.loadMore}>{list.moreError ? t('errors.retry') : t('logs.table.loadMore')}</Button>
          )}
          {!list.hasMore && <span>{tn('logs.table.end', rows.length)}</span>}
        </Footer>
      )}
    </Scroller>
  );
}
