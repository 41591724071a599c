import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Dots } from '@zendeskgarden/react-loaders';
import { Alert, Well } from '@zendeskgarden/react-notifications';
import { t } from '../../../shared/i18n/t.ts';
import type { Section } from '../../sections.ts';
import { useSession } from '../../session.tsx';
import { PageHeading } from '../PageHeading.tsx';
import { ExportCard } from './ExportCard.tsx';
import { OutboxPanel } from './OutboxPanel.tsx';
import { RecentExports } from './RecentExports.tsx';
import { SettingsPanel } from './SettingsPanel.tsx';
import { EXPORT_OPTIONS } from './options.ts';
import { GroupHeading, Subtle } from './parts.tsx';
import { useExportData, type Ready } from './useExportData.ts';

const Loading = styled.div`
  display: flex;
  align-items: center;
  gap: ${(p) => p.theme.space.sm};
`;

const Banner = styled(Alert)`
  margin-bottom: ${(p) => p.theme.space.md};
`;

const Actions = styled.div`
  margin-top: ${(p) => p.theme.space.md};
`;

/**
 * Admin Center › Account › Tools › Reports › Export (SPEC E2–E8, A2): turn data export on and off,
 * the approved email domain, one card per export type with its request form, progress and most
 * recent file, the recent requests, and the emails the outbox holds when no mail server is set.
 */
export function ExportPage({ section }: { section: Section }) {
  const data = useExportData();
  const { state } = data;

  return (
    <>
      <PageHeading above={section.trail.map((k) => t(k)).join(t('nav.separator'))} below={t('export.intro')}>
        {t('export.heading')}
      </PageHeading>
      {state.status === 'loading' && (
        <Loading role="status">
          <Dots size={20} aria-hidden />
          <Subtle>{t('export.loading')}</Subtle>
        </Loading>
      )}
      {state.status === 'failed' && (
        <Alert type={state.forbidden ? 'warning' : 'error'}>
          <Alert.Title>{state.forbidden ? t('export.forbidden') : t('export.loadFailed')}</Alert.Title>
          {state.message}
          {!state.forbidden && (
            <Actions><Button size="small" onClick={data.retry}>{t('errors.retry')}</Button></Actions>
          )}
        </Alert>
      )}
      {state.status === 'ready' && <Loaded state={state} data={data} />}
    </>
  );
}

function Loaded({ state, data }: { state: Ready; data: ReturnType<typeof useExportData> }) {
  const { user } = useSession();
  const { settings, exports, latest } = state;

  return (
    <>
      <SettingsPanel settings={settings} isOwner={user.account_owner} onChange={data.applySettings} />

      <section aria-labelledby="export-options-heading">
        <GroupHeading id="export-options-heading">{t('export.options.heading')}</GroupHeading>
        {!settings.enabled && (
          <Well isRecessed>
            <Well.Paragraph>{t('export.options.off')}</Well.Paragraph>
          </Well>
        )}
        {settings.enabled && !settings.can_export && (
          <Alert type="warning" role="note">
            <Alert.Title>{t('export.options.hidden')}</Alert.Title>
            {settings.reason_if_not}
          </Alert>
        )}
        {settings.can_export && (
          <>
            {data.pollProblem && (
              <Banner type="error">
                <Alert.Title>{t('export.refreshFailed')}</Alert.Title>
                {data.pollProblem}
                <Actions><Button size="small" onClick={data.refreshFiles}>{t('export.refresh')}</Button></Actions>
              </Banner>
            )}
            {settings.json_only ? (
              <Banner type="warning" role="note">
                <Alert.Title>{t('export.hint.jsonOnly')}</Alert.Title>
                {t('export.hint.jsonOnlyBody', { threshold: settings.ticket_threshold.toLocaleString() })}
              </Banner>
            ) : settings.json_recommended && (
              <Banner type="info" role="note">
                <Alert.Title>{t('export.hint.recommended')}</Alert.Title>
                {t('export.hint.recommendedBody', { count: settings.json_hint_tickets.toLocaleString() })}
              </Banner>
            )}
            {EXPORT_OPTIONS.map((option) => (
              <ExportCard
                key={option.kind}
                option={option}
                jsonOnly={settings.json_only}
                newest={exports.find((e) => e.type === option.kind)}
                latest={latest.find((e) => e.type === option.kind)}
                onRequested={data.addExport}
                onConflict={data.refreshFiles}
                onRefused={data.resync}
              />
            ))}
          </>
        )}
      </section>

      {settings.can_export && <RecentExports exports={exports} />}
      <OutboxPanel outbox={state.outbox} />
    </>
  );
}
