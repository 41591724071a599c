import { useCallback, useEffect, useState } from 'react';
import { ApiError, describeError } from '../../../shared/api.ts';
import { fetchConnectors, fetchInstallations, type Connector, type Installation } from './api.ts';

export type ConnectionsState =
  | { status: 'loading' }
  | { status: 'failed'; message: string; forbidden: boolean }
  | { status: 'ready'; connectors: Connector[]; installations: Installation[] };

/** The connectors this deployment offers and the account's connections, with the page's changes applied in place. */
export function useConnections() {
  const [state, setState] = useState<ConnectionsState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    setState({ status: 'loading' });
    Promise.all([fetchConnectors(abort.signal), fetchInstallations(abort.signal)]).then(
      ([connectors, installations]) => setState({ status: 'ready', connectors, installations }),
      (err: unknown) => {
        if (abort.signal.aborted) return;
        setState({ status: 'failed', message: describeError(err), forbidden: err instanceof ApiError && err.status === 403 });
      },
    );
    return () => abort.abort();
  }, [attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  /** A connection as the API answered it after a create or an update. */
  const put = useCallback((installation: Installation) => {
    setState((s) => {
      if (s.status !== 'ready') return s;
      const known = s.installations.some((i) => i.id === installation.id);
      const installations = known
        ? s.installations.map((i) => (i.id === installation.id ? installation : i))
        : [...s.installations, installation];
      return { ...s, installations };
    });
  }, []);

  const remove = useCallback((id: number) => {
    setState((s) => (s.status === 'ready' ? { ...s, installations: s.installations.filter((i) => i.id !== id) } : s));
  }, []);

  return { state, retry, put, remove };
}
