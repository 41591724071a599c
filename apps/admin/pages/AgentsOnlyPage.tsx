import { useEffect } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Alert } from '@zendeskgarden/react-notifications';
import { Paragraph } from '@zendeskgarden/react-typography';
import { t } from '../../shared/i18n/t.ts';
import { CenteredPage } from '../components/CenteredPage.tsx';
import { useSession, useSignOut } from '../session.tsx';

const Problem = styled(Alert)`
  margin-top: ${(p) => p.theme.space.md};
`;

const Actions = styled.div`
  margin-top: ${(p) => p.theme.space.lg};
`;

/** End users have a session (they can use the help center) but no Admin Center. */
export function AgentsOnlyPage() {
  const { account, user } = useSession();
  const { signOut, pending, problem } = useSignOut();

  useEffect(() => {
    document.title = t('app.title', { page: t('shell.title') });
  }, []);

  return (
    <CenteredPage brand={t('app.name')} title={t('agentsOnly.title')}>
      <Paragraph>{t('agentsOnly.body', { name: user.name, email: user.email, account: account.name })}</Paragraph>
      {problem && (
        <Problem type="error">
          <Alert.Title>{t('shell.signOutFailed')}</Alert.Title>
          {problem}
        </Problem>
      )}
      <Actions>
        <Button onClick={signOut} disabled={pending}>{pending ? t('shell.signingOut') : t('shell.signOut')}</Button>
      </Actions>
    </CenteredPage>
  );
}
