import { useEffect, useState } from 'react';
import { Table } from '@zendeskgarden/react-tables';
import { Tag } from '@zendeskgarden/react-tags';
import { LG, SM } from '@zendeskgarden/react-typography';
import { Link } from '../admin/router.tsx';
import { describeError } from '../shared/api.ts';
import type { Agent } from './AgentApp.tsx';
import { listTickets, type Ticket } from './api.ts';
import { formatMinute as formatWhen } from '../shared/time.ts';
import { t } from './strings.ts';

/** The account's tickets, newest first, each opening its ticket page. */
export function TicketList({ agent }: { agent: Agent }) {
  const [tickets, setTickets] = useState<Ticket[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    listTickets(abort.signal).then((r) => setTickets(r.tickets), (err: unknown) => { if (!abort.signal.aborted) setProblem(describeError(err)); });
    return () => abort.abort();
  }, []);
  return (
    <main>
      <LG tag="h1">{t('heading')}</LG>
      {problem && <SM role="alert">{problem}</SM>}
      {tickets && tickets.length === 0 && <SM>{t('list.empty')}</SM>}
      {tickets && tickets.length > 0 && (
        <Table aria-label={t('heading')}>
          <Table.Head>
            <Table.HeaderRow>
              <Table.HeaderCell width="8%">{t('list.id', { id: '' })}</Table.HeaderCell>
              <Table.HeaderCell>{t('list.subject')}</Table.HeaderCell>
              <Table.HeaderCell width="12%">{t('list.status')}</Table.HeaderCell>
              <Table.HeaderCell width="24%">{t('list.updated')}</Table.HeaderCell>
            </Table.HeaderRow>
          </Table.Head>
          <Table.Body>
            {tickets.map((ticket) => (
              <Table.Row key={ticket.id}>
                <Table.Cell>{t('list.id', { id: ticket.id })}</Table.Cell>
                <Table.Cell><Link to={`/agent/tickets/${ticket.id}`}>{ticket.subject}</Link></Table.Cell>
                <Table.Cell><Tag isPill>{t(`status.${ticket.status}`)}</Tag></Table.Cell>
                <Table.Cell>{formatWhen(ticket.updated_at, agent.timeZone)}</Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </main>
  );
}
