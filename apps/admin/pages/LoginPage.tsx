import { useEffect, useState, type FormEvent } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input } from '@zendeskgarden/react-forms';
import { Alert } from '@zendeskgarden/react-notifications';
import { ApiError, describeError } from '../../shared/api.ts';
import { t } from '../../shared/i18n/t.ts';
import { fetchSession, signIn } from '../../shared/session.ts';
import { CenteredPage } from '../components/CenteredPage.tsx';
import { navigate, useLocation } from '../router.tsx';
import { safeReturnTo } from '../sections.ts';

const Form = styled.form`
  display: flex;
  flex-direction: column;
  gap: ${(p) => p.theme.space.md};
`;

const Actions = styled.div`
  margin-top: ${(p) => p.theme.space.xs};
`;

type Problem = { message: string; fields: Record<string, string[]> };

/** Email + password; on success goes to `?return_to=` (an Admin Center path) or the Admin Center home. */
export function LoginPage() {
  const { query } = useLocation();
  const returnTo = safeReturnTo(query.get('return_to'));
  const [account, setAccount] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  useEffect(() => {
    document.title = t('app.title', { page: t('login.title') });
  }, []);

  // Someone already signed in skips the form; otherwise the account name titles it.
  useEffect(() => {
    const abort = new AbortController();
    fetchSession(abort.signal).then(
      (session) => {
        if (session.user) navigate(returnTo, { replace: true });
        else setAccount(session.account.name);
      },
      // The form works without the account name; a server that is down shows up on submit.
      () => undefined,
    );
    return () => abort.abort();
  }, [returnTo]);

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setProblem(null);
    try {
      await signIn(email.trim(), password);
      navigate(returnTo, { replace: true });
    } catch (err) {
      setProblem({ message: describeError(err), fields: err instanceof ApiError ? err.fieldMessages() : {} });
      setBusy(false);
    }
  };

  const fieldProblem = (field: 'email' | 'password', label: string) => {
    const first = problem?.fields[field]?.[0];
    return first ? t('login.fieldProblem', { field: label, problem: first }) : null;
  };
  const emailProblem = fieldProblem('email', t('login.email'));
  const passwordProblem = fieldProblem('password', t('login.password'));

  return (
    <CenteredPage brand={t('app.name')} title={account ? t('login.heading', { account }) : t('login.headingPlain')}>
      <Form onSubmit={onSubmit} noValidate aria-label={t('login.title')}>
        {problem && (
          <Alert type="error">
            <Alert.Title>{t('login.failed')}</Alert.Title>
            {problem.message}
          </Alert>
        )}
        <Field>
          <Field.Label>{t('login.email')}</Field.Label>
          <Input
            type="email"
            name="email"
            autoComplete="username"
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            validation={emailProblem ? 'error' : undefined}
          />
          {emailProblem && <Field.Message validation="error">{emailProblem}</Field.Message>}
        </Field>
        <Field>
          <Field.Label>{t('login.password')}</Field.Label>
          <Input
            type="password"
            name="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            validation={passwordProblem ? 'error' : undefined}
          />
          {passwordProblem && <Field.Message validation="error">{passwordProblem}</Field.Message>}
        </Field>
        <Actions>
          <Button type="submit" isPrimary isStretched disabled={busy} aria-busy={busy}>
            {busy ? t('login.submitting') : t('login.submit')}
          </Button>
        </Actions>
      </Form>
    </CenteredPage>
  );
}
