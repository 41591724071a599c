import { useCallback, useEffect, useState, type FormEvent } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input, Label } from '@zendeskgarden/react-forms';
import { Alert } from '@zendeskgarden/react-notifications';
import { LG, SM } from '@zendeskgarden/react-typography';
import { useLocation } from '../admin/router.tsx';
import { describeError } from '../shared/api.ts';
import { browserTimeZone } from '../shared/time.ts';
import { fetchSession, signIn, signOut, type Session } from '../shared/session.ts';
import { getUser, type User } from './api.ts';
import { t } from './strings.ts';
import { TicketList } from './TicketList.tsx';
import { TicketPage } from './TicketPage.tsx';

export type Agent = { session: Session; me: User; timeZone: string };

const Page = styled.div`
  box-sizing: border-box;
  min-height: 100%;
  padding: ${(p) => p.theme.space.md} ${(p) => p.theme.space.lg};
`;
const Bar = styled.header`
  display: flex;
  align-items: center;
  justify-content: space-between;
  margin-bottom: ${(p) => p.theme.space.md};
`;
const Narrow = styled.form`
  display: flex;
  flex-direction: column;
  gap: ${(p) => p.theme.space.sm};
  max-width: 360px;
  margin: 10vh auto;
`;

type State = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'signedOut'; session: Session } | { status: 'ready'; agent: Agent };

function SignIn({ session, onDone }: { session: Session; onDone: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    try {
      await signIn(email, password);
      onDone();
    } catch (err) {
      setProblem(describeError(err));
    }
  };
  return (
    <Narrow onSubmit={(e) => void submit(e)} aria-label={t('signIn.heading')}>
      <LG tag="h1">{t('signIn.heading')} ({session.account.name})</LG>
      {problem && <Alert type="error"><Alert.Title>{t('signIn.failed')}</Alert.Title>{problem}</Alert>}
      <Field><Label>{t('signIn.email')}</Label><Input type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} /></Field>
      <Field><Label>{t('signIn.password')}</Label><Input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} /></Field>
      <Button type="submit" isPrimary>{t('signIn.submit')}</Button>
    </Narrow>
  );
}

/** deskbridge's agent view: sign-in (agents and admins), the ticket list and ticket pages at /agent. */
export function AgentApp() {
  const [state, setState] = useState<State>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const { pathname } = useLocation();
  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    document.title = t('title');
    const abort = new AbortController();
    void (async () => {
      try {
        const session = await fetchSession(abort.signal);
        if (!session.user) return setState({ status: 'signedOut', session });
        const { user: me } = await getUser('me', abort.signal);
        const timeZone = me.iana_time_zone ?? session.account.time_zone ?? browserTimeZone();
        setState({ status: 'ready', agent: { session, me, timeZone } });
      } catch (err) {
        if (!abort.signal.aborted) setState({ status: 'failed', message: describeError(err) });
      }
    })();
    return () => abort.abort();
  }, [attempt]);

  if (state.status === 'loading') return <Page role="status">{t('loading')}</Page>;
  if (state.status === 'failed') {
    return <Page><Alert type="error"><Alert.Title>{t('failed')}</Alert.Title>{state.message}</Alert><Button onClick={reload}>{t('retry')}</Button></Page>;
  }
  if (state.status === 'signedOut') return <SignIn session={state.session} onDone={reload} />;
  const { agent } = state;
  const match = /^\/agent\/tickets\/(\d+)\/?$/.exec(pathname);
  return (
    <Page>
      <Bar>
        <SM>{t('signedInAs', { name: agent.me.name })}</SM>
        <Button size="small" isBasic onClick={() => void signOut().then(reload)}>{t('signOut')}</Button>
      </Bar>
      {agent.me.role === 'end-user' ? <Alert type="warning">{t('agentsOnly')}</Alert>
        : match ? <TicketPage key={match[1]} agent={agent} ticketId={Number(match[1])} /> : <TicketList agent={agent} />}
    </Page>
  );
}
