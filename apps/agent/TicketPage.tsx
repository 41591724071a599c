import { useCallback, useEffect, useRef, useState } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Label, Select, Textarea, Toggle } from '@zendeskgarden/react-forms';
import { Alert } from '@zendeskgarden/react-notifications';
import { Tag } from '@zendeskgarden/react-tags';
import { getColor } from '@zendeskgarden/react-theming';
import { LG, MD, SM } from '@zendeskgarden/react-typography';
import { Link } from '../admin/router.tsx';
import { ApiError, describeError } from '../shared/api.ts';
import { formatMinute } from '../shared/time.ts';
import type { Agent } from './AgentApp.tsx';
import { getTicket, getUser, listComments, TICKET_STATUSES, updateTicket, type Comment, type Ticket, type User } from './api.ts';
import { SidebarFrame, type SidebarHandle } from './SidebarFrame.tsx';
import { t } from './strings.ts';

const Layout = styled.div`
  display: grid;
  grid-template-columns: 240px minmax(0, 1fr) 340px;
  gap: ${(p) => p.theme.space.md};
  align-items: start;
`;
const Panel = styled.section`
  display: flex;
  flex-direction: column;
  gap: ${(p) => p.theme.space.sm};
  padding: ${(p) => p.theme.space.sm};
  border: ${(p) => p.theme.borders.sm} ${(p) => getColor({ theme: p.theme, variable: 'border.default' })};
  border-radius: ${(p) => p.theme.borderRadii.md};
`;
const Message = styled.article<{ $internal: boolean }>`
  padding: ${(p) => p.theme.space.sm};
  border-radius: ${(p) => p.theme.borderRadii.md};
  background: ${(p) => getColor({ theme: p.theme, variable: p.$internal ? 'background.warning' : 'background.subtle' })};
  white-space: pre-wrap;
`;

type Loaded = { ticket: Ticket; comments: Comment[]; people: Map<number, User> };

/** A ticket: properties (status + reply) on the left, the conversation, and the sidebar app on the right. */
export function TicketPage({ agent, ticketId }: { agent: Agent; ticketId: number }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [status, setStatus] = useState<Ticket['status']>('open');
  const [reply, setReply] = useState('');
  const [internal, setInternal] = useState(false);
  const [saving, setSaving] = useState<'idle' | 'saving' | 'saved' | string>('idle');
  const sidebar = useRef<SidebarHandle | null>(null);

  const load = useCallback(async () => {
    try {
      const [{ ticket }, { comments }] = await Promise.all([getTicket(ticketId), listComments(ticketId)]);
      const ids = [...new Set([ticket.requester_id, ...comments.map((c) => c.author_id)])];
      const people = new Map((await Promise.all(ids.map((id) => getUser(id).then((r) => r.user, () => null)))).filter((u): u is User => u !== null).map((u) => [u.id, u]));
      setLoaded({ ticket, comments, people });
      setStatus(ticket.status);
      return ticket;
    } catch (err) {
      setProblem(err instanceof ApiError && err.status === 404 ? t('ticket.notFound') : describeError(err));
      return null;
    }
  }, [ticketId]);
  useEffect(() => { void load(); }, [load]);

  const submit = async () => {
    setSaving('saving');
    try {
      await updateTicket(ticketId, { status, ...(reply.trim() ? { comment: { body: reply, public: !internal } } : {}) });
      setReply('');
      const ticket = await load();
      if (ticket) sidebar.current?.ticketUpdated(ticket);
      setSaving('saved');
    } catch (err) {
      setSaving(describeError(err));
    }
  };

  if (problem) return <Alert type="error"><Alert.Title>{t('failed')}</Alert.Title>{problem}</Alert>;
  if (!loaded) return <SM role="status">{t('loading')}</SM>;
  const { ticket, comments, people } = loaded;
  const requester = people.get(ticket.requester_id) ?? null;
  const nameOf = (id: number) => people.get(id)?.name ?? t('ticket.author', { id });
  return (
    <main>
      <Link to="/agent">{t('ticket.back')}</Link>
      <LG tag="h1">{t('ticket.heading', { id: ticket.id, subject: ticket.subject })}</LG>
      <Layout>
        <Panel aria-label={t('ticket.properties')}>
          <MD isBold tag="h2">{t('ticket.properties')}</MD>
          <SM>{t('ticket.requester')}: {requester ? `${requester.name} <${requester.email}>` : nameOf(ticket.requester_id)}</SM>
          <Field>
            <Label>{t('ticket.status')}</Label>
            <Select value={status} onChange={(e) => setStatus(e.target.value as Ticket['status'])}>
              {TICKET_STATUSES.map((s) => <option key={s} value={s}>{t(`status.${s}`)}</option>)}
            </Select>
          </Field>
          <div>{ticket.tags.map((tag) => <Tag key={tag} size="small">{tag}</Tag>)}</div>
          <Field>
            <Label>{t('ticket.reply')}</Label>
            <Textarea minRows={3} value={reply} onChange={(e) => setReply(e.target.value)} />
          </Field>
          <Field><Toggle checked={internal} onChange={(e) => setInternal(e.target.checked)}><Label>{t('ticket.internal')}</Label></Toggle></Field>
          <Button isPrimary disabled={saving === 'saving'} onClick={() => void submit()}>
            {saving === 'saving' ? t('ticket.saving') : t('ticket.submit', { status: t(`status.${status}`) })}
          </Button>
          {saving === 'saved' && <SM role="status">{t('ticket.saved')}</SM>}
          {saving !== 'idle' && saving !== 'saving' && saving !== 'saved' && <Alert type="error"><Alert.Title>{t('ticket.saveFailed')}</Alert.Title>{saving}</Alert>}
        </Panel>
        <Panel aria-label={t('ticket.conversation')}>
          <MD isBold tag="h2">{t('ticket.conversation')}</MD>
          {comments.map((c) => (
            <Message key={c.id} $internal={!c.public}>
              <SM isBold>{nameOf(c.author_id)} · {formatMinute(c.created_at, agent.timeZone)}{c.public ? '' : ` · ${t('ticket.internal')}`}</SM>
              <SM>{c.body}</SM>
            </Message>
          ))}
        </Panel>
        <Panel aria-label={t('ticket.apps')}>
          <SidebarFrame agent={agent} ticket={ticket} requester={requester} onReady={(h) => { sidebar.current = h; }} />
        </Panel>
      </Layout>
    </main>
  );
}
