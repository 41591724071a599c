import { useMemo, useSyncExternalStore, type MouseEvent, type ReactNode } from 'react';
import { Anchor } from '@zendeskgarden/react-buttons';

/**
 * A router small enough to read: the address bar is the state, `navigate()` changes it with
 * history.pushState and tells subscribers; back/forward arrive as `popstate`.
 */
const CHANGE = 'deskbridge:navigate';

export function navigate(to: string, { replace = false }: { replace?: boolean } = {}): void {
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export type Location = { pathname: string; query: URLSearchParams };

/** The current path and query; re-renders on every navigation. */
export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot);
  return useMemo(() => {
    const url = new URL(href, window.location.origin);
    return { pathname: url.pathname, query: url.searchParams };
  }, [href]);
}

/** A Garden Anchor that navigates in place; Ctrl/⌘/middle-click still open a new tab. */
export function Link({ to, children }: { to: string; children: ReactNode }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <Anchor href={to} onClick={onClick}>{children}</Anchor>;
}
