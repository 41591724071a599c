import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from '../../../shared/api.ts';
import { fetchFirstPage, fetchNextPage, parseStreamRow, streamHref, type LogRow } from './api.ts';
import { filterKey, type LogFilters } from './filters.ts';

/** Newest first, the higher id first within a millisecond: the API's order. */
const newerFirst = (a: LogRow, b: LogRow) => (a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : b.id - a.id);

export type TailState = 'off' | 'connecting' | 'live' | 'reconnecting';

export type LogRows = {
  rows: LogRow[];
  /** The first page: loading (skeletons), failed (banner) or ready. */
  status: 'loading' | 'failed' | 'ready';
  error: string | null;
  hasMore: boolean;
  loadingMore: boolean;
  moreError: string | null;
  /** Bumped each time the list starts over (new filters): the table scrolls back to the top. */
  generation: number;
  /** Rows added above the first one since the list started over (live tail, refresh). */
  arrived: number;
  tail: TailState;
  loadMore: () => void;
  reload: () => void;
  /** Reads the newest page again and puts the rows it did not have on top (after a retry, a reconnect). */
  refreshHead: () => Promise<void>;
};

type State = Pick<LogRows, 'rows' | 'status' | 'error' | 'hasMore' | 'loadingMore' | 'moreError' | 'generation' | 'arrived'> & { next: string | null };

const initial: State = { rows: [], status: 'loading', error: null, hasMore: false, loadingMore: false, moreError: null, generation: 0, arrived: 0, next: null };

/**
 * The log rows of the filters: the first page, the following ones on demand (keyset cursor), and,
 * with `live`, rows as they are written (Server-Sent Events). Rows are unique by id whatever the
 * order in which pages, retries and the stream deliver them.
 */
export function useLogRows(filters: LogFilters, live: boolean): LogRows {
  const [state, setState] = useState<State>(initial);
  const [attempt, setAttempt] = useState(0);
  const [tail, setTail] = useState<TailState>('off');
  const key = filterKey(filters);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const more = useRef<AbortController | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    more.current?.abort();
    setState((s) => ({ ...initial, generation: s.generation + 1 }));
    fetchFirstPage(filtersRef.current, abort.signal).then(
      (page) => setState((s) => ({ ...s, status: 'ready', rows: page.logs, hasMore: page.meta.has_more, next: page.links.next })),
      (err: unknown) => { if (!abort.signal.aborted) setState((s) => ({ ...s, status: 'failed', error: describeError(err) })); },
    );
    return () => abort.abort();
  }, [key, attempt]);

  const stateRef = useRef(state);
  stateRef.current = state;

  const loadMore = useCallback(() => {
    const s = stateRef.current;
    if (s.status !== 'ready' || !s.next || s.loadingMore) return;
    const abort = new AbortController();
    more.current = abort;
    const generation = s.generation;
    setState((x) => ({ ...x, loadingMore: true, moreError: null }));
    fetchNextPage(s.next, abort.signal).then(
      (page) => setState((x) => {
        if (x.generation !== generation) return x;
        const have = new Set(x.rows.map((r) => r.id));
        return { ...x, loadingMore: false, rows: [...x.rows, ...page.logs.filter((r) => !have.has(r.id))], hasMore: page.meta.has_more, next: page.links.next };
      }),
      (err: unknown) => {
        if (abort.signal.aborted) return;
        setState((x) => (x.generation === generation ? { ...x, loadingMore: false, moreError: describeError(err) } : x));
      },
    );
  }, []);

  /** Puts rows on top, keeping the order and each id once; returns how many were new. */
  const prepend = useCallback((incoming: LogRow[], generation: number) => {
    setState((x) => {
      if (x.generation !== generation || x.status !== 'ready') return x;
      const have = new Set(x.rows.map((r) => r.id));
      const fresh = incoming.filter((r) => !have.has(r.id));
      if (fresh.length === 0) return x;
      return { ...x, rows: [...fresh, ...x.rows].sort(newerFirst), arrived: x.arrived + fresh.length };
    });
  }, []);

  const refreshHead = useCallback(async () => {
    const { generation, status } = stateRef.current;
    if (status !== 'ready') return;
    try {
      const page = await fetchFirstPage(filtersRef.current);
      const current = stateRef.current;
      if (current.generation !== generation) return;
      const have = new Set(current.rows.map((r) => r.id));
      // No row in common: everything shown is older than the newest page; start over from it.
      if (page.logs.length > 0 && current.rows.length > 0 && page.logs.every((r) => !have.has(r.id)) && page.meta.has_more) {
        setState((x) => (x.generation === generation ? { ...x, rows: page.logs, hasMore: true, next: page.links.next, arrived: x.arrived + page.logs.length } : x));
        return;
      }
      prepend(page.logs, generation);
    } catch {
      // The rows on screen stay; the next refresh or the stream brings the rest.
    }
  }, [prepend]);

  const generation = state.generation;
  const ready = state.status === 'ready';
  useEffect(() => {
    if (!live || !ready || typeof EventSource === 'undefined') {
      setTail('off');
      return undefined;
    }
    const source = new EventSource(streamHref(filtersRef.current));
    setTail('connecting');
    let pending: LogRow[] = [];
    let frame = 0;
    // A burst of rows becomes one update per frame, not one render per row.
    const flush = () => {
      frame = 0;
      const batch = pending;
      pending = [];
      prepend(batch, generation);
    };
    source.addEventListener('open', () => {
      setTail('live');
      // Rows written between the first page and the stream's start (or while it was down).
      void refreshHead();
    });
    source.addEventListener('error', () => setTail(source.readyState === EventSource.CLOSED ? 'off' : 'reconnecting'));
    source.addEventListener('log', (e) => {
      const row = parseStreamRow((e as MessageEvent<string>).data);
      if (!row) return;
      pending.push(row);
      if (!frame) frame = requestAnimationFrame(flush);
    });
    return () => {
      source.close();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [live, ready, generation, key, prepend, refreshHead]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  return { ...state, hasMore: state.hasMore && state.next !== null, tail, loadMore, reload, refreshHead };
}
