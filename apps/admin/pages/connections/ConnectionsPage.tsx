import { useCallback, useState } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Dots } from '@zendeskgarden/react-loaders';
import { Alert, Well } from '@zendeskgarden/react-notifications';
import { t } from '../../../shared/i18n/t.ts';
import type { Section } from '../../sections.ts';
import { PageHeading } from '../PageHeading.tsx';
import type { Connector, Installation } from './api.ts';
import { ConnectorCard, RetiredConnections } from './ConnectorCard.tsx';
import { GroupHeading, Subtle, VisuallyHidden } from './parts.tsx';
import { useConnections } from './useConnections.ts';

export const CONNECTIONS_PATH = '/admin/apps-integrations/connections';

const Loading = styled.div`
  display: flex;
  align-items: center;
  gap: ${(p) => p.theme.space.sm};
`;

const Actions = styled.div`
  margin-top: ${(p) => p.theme.space.md};
`;

const Empty = styled(Well)`
  margin-bottom: ${(p) => p.theme.space.lg};
`;

/**
 * Admin Center › Apps and integrations › Connections (SPEC A2, R1, R4): the connectors this
 * deployment offers, and for each the account's connections — turned on and off, edited through a
 * form drawn from the connector's settings schema, deleted after a confirmation.
 */
export function ConnectionsPage({ section }: { section: Section }) {
  const { state, retry, put, remove } = useConnections();
  const [announcement, setAnnouncement] = useState('');
  const announce = useCallback((message: string) => setAnnouncement(message), []);

  return (
    <>
      <PageHeading above={section.trail.map((k) => t(k)).join(t('nav.separator'))} below={t('connections.intro')}>
        {t('connections.heading')}
      </PageHeading>
      <VisuallyHidden role="status" aria-label={t('connections.status')}>{announcement}</VisuallyHidden>
      {state.status === 'loading' && (
        <Loading role="status">
          <Dots size={20} aria-hidden />
          <Subtle>{t('connections.loading')}</Subtle>
        </Loading>
      )}
      {state.status === 'failed' && (
        <Alert type={state.forbidden ? 'warning' : 'error'}>
          <Alert.Title>{state.forbidden ? t('connections.forbidden') : t('connections.loadFailed')}</Alert.Title>
          {state.message}
          {!state.forbidden && <Actions><Button size="small" onClick={retry}>{t('errors.retry')}</Button></Actions>}
        </Alert>
      )}
      {state.status === 'ready' && (
        <Loaded connectors={state.connectors} installations={state.installations} onPut={put} onRemove={remove} announce={announce} />
      )}
    </>
  );
}

function Loaded({ connectors, installations, ...changes }: {
  connectors: Connector[];
  installations: Installation[];
  onPut: (installation: Installation) => void;
  onRemove: (id: number) => void;
  announce: (message: string) => void;
}) {
  const known = new Set(connectors.map((c) => c.id));
  const retired = installations.filter((i) => !known.has(i.connector_id));
  return (
    <>
      {connectors.length === 0 ? (
        <Empty isRecessed>
          <Well.Title>{t('connections.empty.title')}</Well.Title>
          <Well.Paragraph>{t('connections.empty.body')}</Well.Paragraph>
        </Empty>
      ) : (
        <section aria-labelledby="connections-available">
          <GroupHeading id="connections-available">{t('connections.available')}</GroupHeading>
          {connectors.map((connector) => (
            <ConnectorCard
              key={connector.id}
              connector={connector}
              installations={installations.filter((i) => i.connector_id === connector.id)}
              {...changes}
            />
          ))}
        </section>
      )}
      {retired.length > 0 && <RetiredConnections installations={retired} {...changes} />}
    </>
  );
}
