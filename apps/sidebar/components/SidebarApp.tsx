import { useState } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Dots } from '@zendeskgarden/react-loaders';
import { Alert } from '@zendeskgarden/react-notifications';
import { Tag } from '@zendeskgarden/react-tags';
import { SM } from '@zendeskgarden/react-typography';
import { t, type SidebarKey } from '../i18n.ts';
import { useAutoResize, useSummary, useViewer } from '../useSidebar.ts';
import { useZaf } from '../zaf.tsx';
import { Metrics } from './Metrics.tsx';
import { Requester } from './Requester.tsx';
import { ResyncButton } from './ResyncButton.tsx';
import { Timeline } from './Timeline.tsx';

const Frame = styled.main`
  box-sizing: border-box;
  padding: ${(p) => p.theme.space.sm};
`;
const Tags = styled.div`
  display: flex;
  flex-wrap: wrap;
  gap: ${(p) => p.theme.space.xxs};
  margin-bottom: ${(p) => p.theme.space.sm};
`;

const STATUS_KEYS = new Set(['new', 'open', 'pending', 'hold', 'solved', 'closed']);

/** The ticket_sidebar location: the open ticket's metrics, integration timeline and requester. */
export function SidebarApp() {
  const zaf = useZaf();
  const viewer = useViewer(zaf);
  const { state, reload } = useSummary(zaf, viewer?.ticketId ?? null);
  const [frame, setFrame] = useState<HTMLElement | null>(null);
  useAutoResize(zaf, frame);

  let body;
  if (viewer && viewer.ticketId === null) body = <SM>{t('sidebar.noTicket')}</SM>;
  else if (!viewer || state.status === 'loading') body = <div role="status" aria-label={t('sidebar.loading')}><Dots size={24} /></div>;
  else if (state.status === 'failed') {
    body = (
      <Alert type="error">
        <Alert.Title>{t('sidebar.failed')}</Alert.Title>
        {state.error.message}
        <div><Button size="small" onClick={() => void reload()}>{t('sidebar.retry')}</Button></div>
      </Alert>
    );
  } else {
    const { summary } = state;
    const status = summary.ticket.status;
    body = (
      <>
        <Tags aria-label={summary.ticket.subject}>
          <Tag hue="primaryHue" isPill data-ticket-status={status}>
            {STATUS_KEYS.has(status) ? t(`sidebar.status.${status}` as SidebarKey) : status}
          </Tag>
          {summary.ticket.tags.map((tag) => <Tag key={tag} size="small">{tag}</Tag>)}
        </Tags>
        <Metrics metrics={summary.metrics} />
        <Timeline logs={summary.timeline.logs} hasMore={summary.timeline.has_more} logUrl={summary.timeline.log_url} timeZone={viewer.timeZone} />
        {summary.viewer.can_resync && <ResyncButton zaf={zaf} ticketId={summary.ticket.id} onQueued={() => void reload()} />}
        {viewer.requesterId !== null && <Requester zaf={zaf} requesterId={viewer.requesterId} timeZone={viewer.timeZone} />}
      </>
    );
  }
  return <Frame ref={setFrame}>{body}</Frame>;
}
