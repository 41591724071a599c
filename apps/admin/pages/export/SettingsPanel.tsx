import { useState } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Alert } from '@zendeskgarden/react-notifications';
import { Tag } from '@zendeskgarden/react-tags';
import { getColor } from '@zendeskgarden/react-theming';
import { MD } from '@zendeskgarden/react-typography';
import { describeError } from '../../../shared/api.ts';
import { t } from '../../../shared/i18n/t.ts';
import { DisableModal } from './DisableModal.tsx';
import { DomainForm } from './DomainForm.tsx';
import { saveSettings, type ExportSettings } from './exportApi.ts';
import { Panel, PanelHeading, Subtle, TitleLine } from './parts.tsx';

const Status = styled(MD).attrs({ tag: 'p', isBold: true })`
  margin: 0;
`;

const Actions = styled.div`
  margin-top: ${(p) => p.theme.space.md};
`;

const Divider = styled.hr`
  margin: ${(p) => p.theme.space.lg} 0;
  border: 0;
  border-top: ${(p) => p.theme.borders.sm} ${(p) => getColor({ theme: p.theme, variable: 'border.subtle' })};
`;

const Problem = styled(Alert)`
  margin-top: ${(p) => p.theme.space.md};
`;

/**
 * SPEC E2/E3: whether export is on, the owner's switch to turn it on, any admin's (confirmed) switch
 * to turn it off, and the approved email domain.
 */
export function SettingsPanel({ settings, isOwner, onChange }: {
  settings: ExportSettings;
  isOwner: boolean;
  onChange: (settings: ExportSettings) => void;
}) {
  const [enabling, setEnabling] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const enable = async () => {
    setEnabling(true);
    setProblem(null);
    try {
      onChange(await saveSettings({ enabled: true }));
    } catch (err) {
      setProblem(describeError(err));
    } finally {
      setEnabling(false);
    }
  };

  const on = settings.enabled;
  return (
    <Panel aria-labelledby="export-status-heading">
      <PanelHeading id="export-status-heading">{t('export.status.heading')}</PanelHeading>
      <div aria-live="polite">
        <TitleLine>
          <Status>{on ? t('export.status.onTitle') : t('export.status.offTitle')}</Status>
          <Tag hue={on ? 'green' : 'grey'} aria-hidden>{on ? t('export.status.on') : t('export.status.off')}</Tag>
        </TitleLine>
        <Subtle>{on ? t('export.status.onBody') : t('export.status.offBody')}</Subtle>
        {!on && !settings.can_edit && <Subtle>{t('export.status.ownerOnly')}</Subtle>}
      </div>
      {problem && (
        <Problem type="error">
          <Alert.Title>{t('export.changeFailed')}</Alert.Title>
          {problem}
        </Problem>
      )}
      <Actions>
        {on && settings.can_disable && (
          <Button isDanger onClick={() => { setProblem(null); setConfirming(true); }}>{t('export.disable')}</Button>
        )}
        {!on && settings.can_edit && (
          <Button isPrimary onClick={enable} disabled={enabling} aria-busy={enabling}>
            {enabling ? t('export.enabling') : t('export.enable')}
          </Button>
        )}
      </Actions>
      <Divider />
      <DomainForm settings={settings} isOwner={settings.can_edit && isOwner} onSaved={onChange} />
      {confirming && (
        <DisableModal
          isOwner={isOwner}
          onCancel={() => setConfirming(false)}
          onDone={(next) => {
            setConfirming(false);
            onChange(next);
          }}
        />
      )}
    </Panel>
  );
}
