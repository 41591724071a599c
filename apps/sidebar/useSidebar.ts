import { useCallback, useEffect, useRef, useState } from 'react';
import { isTimeZone } from '../shared/time.ts';
import { fetchSummary, RequestFailed, type Summary } from './api.ts';
import type { Zaf } from './zaf.tsx';

/** Integrations react to a ticket change in jobs of their own: look again a little later too. */
const FOLLOW_UPS_MS = [2_000, 6_000];

export type Viewer = { ticketId: number | null; requesterId: number | null; timeZone: string };

type State = { status: 'loading' } | { status: 'failed'; error: RequestFailed } | { status: 'ready'; summary: Summary };

/** The ticket id, its requester and the agent's zone, as the host tells them (`client.get`). */
export function useViewer(zaf: Zaf): Viewer | null {
  const [viewer, setViewer] = useState<Viewer | null>(null);
  useEffect(() => {
    let live = true;
    void zaf.client.get(['ticket.id', 'ticket.requester', 'currentUser']).then((r) => {
      const requester = r['ticket.requester'] as { id?: number } | undefined;
      const user = r.currentUser as { timeZone?: { ianaName?: string } } | undefined;
      const zone = user?.timeZone?.ianaName;
      const id = r['ticket.id'];
      if (live) setViewer({ ticketId: typeof id === 'number' ? id : null, requesterId: requester?.id ?? null, timeZone: zone && isTimeZone(zone) ? zone : 'UTC' });
    });
    return () => { live = false; };
  }, [zaf]);
  return viewer;
}

/** The deskbridge summary of the ticket; reloaded when the host says the ticket changed. */
export function useSummary(zaf: Zaf, ticketId: number | null) {
  const [state, setState] = useState<State>({ status: 'loading' });
  const generation = useRef(0);
  const load = useCallback(async () => {
    if (ticketId === null) return;
    const mine = ++generation.current;
    try {
      const summary = await fetchSummary(zaf, ticketId);
      if (mine === generation.current) setState({ status: 'ready', summary });
    } catch (err) {
      if (mine === generation.current) setState({ status: 'failed', error: err instanceof RequestFailed ? err : new RequestFailed(0, '') });
    }
  }, [zaf, ticketId]);

  useEffect(() => {
    void load();
    const timers: ReturnType<typeof setTimeout>[] = [];
    const onUpdated = () => {
      void load();
      for (const ms of FOLLOW_UPS_MS) timers.push(setTimeout(() => void load(), ms));
    };
    zaf.client.on('ticket.updated', onUpdated);
    return () => {
      zaf.client.off('ticket.updated', onUpdated);
      timers.forEach(clearTimeout);
    };
  }, [zaf, load]);

  return { state, reload: load };
}

/** Keeps the host's frame as tall as the content (`invoke('resize')`), the ZAF way. */
export function useAutoResize(zaf: Zaf, element: HTMLElement | null) {
  useEffect(() => {
    if (!element) return;
    let last = -1;
    const resize = () => {
      const height = Math.ceil(element.getBoundingClientRect().height);
      if (height === last) return;
      last = height;
      void zaf.client.invoke('resize', { width: '100%', height: `${height}px` });
    };
    const observer = new ResizeObserver(resize);
    observer.observe(element);
    resize();
    return () => observer.disconnect();
  }, [zaf, element]);
}
