import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Alert } from '@zendeskgarden/react-notifications';
import { getColor } from '@zendeskgarden/react-theming';
import { describeError } from '../shared/api.ts';
import { t } from '../shared/i18n/t.ts';
import { fetchSession, signOut, type Session, type SessionUser } from '../shared/session.ts';
import { navigate, useLocation } from './router.tsx';

export type SignedIn = {
  account: Session['account'];
  user: SessionUser;
  /** Ends the session on the server, then shows the sign-in page. */
  signOut: () => Promise<void>;
};

const SessionContext = createContext<SignedIn | null>(null);

/** The signed-in user and account; only inside <SessionGate>. */
export function useSession(): SignedIn {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession() is only available inside <SessionGate>');
  return value;
}

/** Sign out with a pending flag and the reason it failed, for a button to show. */
export function useSignOut() {
  const { signOut: end } = useSession();
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const signOut = useCallback(async () => {
    setPending(true);
    setProblem(null);
    try {
      await end();
    } catch (err) {
      setProblem(describeError(err));
      setPending(false);
    }
  }, [end]);
  return { signOut, pending, problem };
}

type State = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'ready'; session: Session };

const Centered = styled.div`
  display: flex;
  flex-direction: column;
  align-items: center;
  justify-content: center;
  gap: ${(p) => p.theme.space.md};
  box-sizing: border-box;
  min-height: 100%;
  padding: ${(p) => p.theme.space.lg};
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.subtle' })};
`;

const endSession = async () => {
  await signOut();
  navigate('/login');
};

/**
 * Renders its children only for a signed-in user; anyone else goes to the sign-in page, which
 * brings them back here afterwards.
 */
export function SessionGate({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const { pathname, query } = useLocation();

  useEffect(() => {
    const abort = new AbortController();
    setState({ status: 'loading' });
    fetchSession(abort.signal).then(
      (session) => setState({ status: 'ready', session }),
      (err: unknown) => { if (!abort.signal.aborted) setState({ status: 'failed', message: describeError(err) }); },
    );
    return () => abort.abort();
  }, [attempt]);

  const signedOut = state.status === 'ready' && !state.session.user;
  useEffect(() => {
    if (!signedOut) return;
    const search = query.toString();
    const here = pathname + (search ? `?${search}` : '');
    navigate(`/login?return_to=${encodeURIComponent(here)}`, { replace: true });
  }, [signedOut, pathname, query]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  if (state.status === 'failed') {
    return (
      <Centered>
        <Alert type="error">
          <Alert.Title>{t('session.failed')}</Alert.Title>
          {state.message}
        </Alert>
        <Button onClick={retry}>{t('errors.retry')}</Button>
      </Centered>
    );
  }
  if (state.status === 'loading' || !state.session.user) {
    return <Centered role="status">{t('session.loading')}</Centered>;
  }
  const value: SignedIn = { account: state.session.account, user: state.session.user, signOut: endSession };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
