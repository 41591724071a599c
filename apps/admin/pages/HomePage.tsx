import { useEffect, useState } from 'react';
import styled from 'styled-components';
import { z } from 'zod/mini';
import { Alert, Well } from '@zendeskgarden/react-notifications';
import { getColor } from '@zendeskgarden/react-theming';
import { LG, MD, XXXL } from '@zendeskgarden/react-typography';
import { describeError, getJson } from '../../shared/api.ts';
import { formatNumber, t, tn } from '../../shared/i18n/t.ts';
import { Tag } from '../components/Tag.tsx';
import { useSession } from '../session.tsx';
import { PageHeading } from './PageHeading.tsx';

// Offset pagination is the style that reports a total; one row is the least it can fetch.
const TICKET_COUNT_URL = '/api/v2/tickets.json?per_page=1';
const countBody = z.object({ count: z.number() });

type Count = { status: 'loading' } | { status: 'done'; count: number } | { status: 'failed'; message: string };

function useTicketCount(): Count {
  const [state, setState] = useState<Count>({ status: 'loading' });
  useEffect(() => {
    const abort = new AbortController();
    getJson(TICKET_COUNT_URL, countBody, abort.signal).then(
      ({ count }) => setState({ status: 'done', count }),
      (err: unknown) => { if (!abort.signal.aborted) setState({ status: 'failed', message: describeError(err) }); },
    );
    return () => abort.abort();
  }, []);
  return state;
}

const Cards = styled.div`
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(${(p) => p.theme.space.base * 70}px, 1fr));
  gap: ${(p) => p.theme.space.md};
`;

const Subtle = styled(MD)`
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.subtle' })};
`;

const Facts = styled.div`
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: ${(p) => p.theme.space.xs};
  margin-top: ${(p) => p.theme.space.sm};
`;

const Stack = styled.div`
  margin-top: ${(p) => p.theme.space.sm};
`;

const Name = styled(LG)`
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.default' })};
`;

const Count = styled(XXXL)`
  margin: 0;
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.default' })};
`;

/** Admin Center home: which account this is, who is signed in, how many tickets it holds. */
export function HomePage() {
  const { account, user } = useSession();
  const tickets = useTicketCount();

  return (
    <>
      <PageHeading above={t('shell.title')} below={t('home.account', { subdomain: account.subdomain, timeZone: account.time_zone })}>
        {account.name}
      </PageHeading>
      <Cards>
        <Well>
          <Well.Title>{t('home.you')}</Well.Title>
          <Stack>
            <Name isBold>{user.name}</Name>
            <Subtle>{user.email}</Subtle>
          </Stack>
          <Facts>
            <MD>{t(`role.${user.role}`)}</MD>
            {user.account_owner && <Tag>{t('home.owner')}</Tag>}
          </Facts>
        </Well>
        <Well aria-live="polite">
          <Well.Title>{t('home.tickets')}</Well.Title>
          {tickets.status === 'loading' && <Stack><Subtle>{t('home.counting')}</Subtle></Stack>}
          {tickets.status === 'done' && (
            <Stack>
              <Count tag="p" isBold>{formatNumber(tickets.count)}</Count>
              <Subtle>{tn('home.ticketCount', tickets.count)}</Subtle>
            </Stack>
          )}
          {tickets.status === 'failed' && (
            <Stack>
              <Alert type="error">{tickets.message}</Alert>
            </Stack>
          )}
        </Well>
      </Cards>
    </>
  );
}
