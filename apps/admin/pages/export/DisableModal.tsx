import { useState } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Modal } from '@zendeskgarden/react-modals';
import { Alert } from '@zendeskgarden/react-notifications';
import { Paragraph } from '@zendeskgarden/react-typography';
import { describeError } from '../../../shared/api.ts';
import { t } from '../../../shared/i18n/t.ts';
import { saveSettings, type ExportSettings } from './exportApi.ts';

const Problem = styled(Alert)`
  margin-top: ${(p) => p.theme.space.md};
`;

/**
 * The confirmation step before turning export off (SPEC E2: "Click OK to confirm" in Zendesk).
 * Any admin may turn it off; the text says who can turn it back on.
 */
export function DisableModal({ isOwner, onDone, onCancel }: {
  isOwner: boolean;
  onDone: (settings: ExportSettings) => void;
  onCancel: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const confirm = async () => {
    setBusy(true);
    setProblem(null);
    try {
      onDone(await saveSettings({ enabled: false }));
    } catch (err) {
      setProblem(describeError(err));
      setBusy(false);
    }
  };

  return (
    <Modal onClose={busy ? undefined : onCancel}>
      <Modal.Header tag="h2" isDanger>{t('export.disableModal.title')}</Modal.Header>
      <Modal.Body>
        <Paragraph>{t('export.disableModal.body')}</Paragraph>
        <Paragraph>{isOwner ? t('export.disableModal.owner') : t('export.disableModal.notOwner')}</Paragraph>
        {problem && (
          <Problem type="error">
            <Alert.Title>{t('export.changeFailed')}</Alert.Title>
            {problem}
          </Problem>
        )}
      </Modal.Body>
      <Modal.Footer>
        <Modal.FooterItem>
          <Button isBasic onClick={onCancel} disabled={busy}>{t('export.disableModal.cancel')}</Button>
        </Modal.FooterItem>
        <Modal.FooterItem>
          <Button isPrimary isDanger onClick={confirm} disabled={busy} aria-busy={busy}>
            {busy ? t('export.disableModal.confirming') : t('export.disableModal.confirm')}
          </Button>
        </Modal.FooterItem>
      </Modal.Footer>
      <Modal.Close aria-label={t('export.disableModal.close')} />
    </Modal>
  );
}
