import { useState } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Modal } from '@zendeskgarden/react-modals';
import { Alert } from '@zendeskgarden/react-notifications';
import { Paragraph } from '@zendeskgarden/react-typography';
import { describeError } from '../../../shared/api.ts';
import { t } from '../../../shared/i18n/t.ts';
import { deleteInstallation, type Installation } from './api.ts';

const Problem = styled(Alert)`
  margin-top: ${(p) => p.theme.space.md};
`;

/** The confirmation step before a connection and its credentials are deleted. */
export function DeleteModal({ installation, onDeleted, onCancel }: {
  installation: Installation;
  onDeleted: () => void;
  onCancel: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const confirm = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await deleteInstallation(installation.id);
      onDeleted();
    } catch (err) {
      setProblem(describeError(err));
      setBusy(false);
    }
  };

  return (
    <Modal onClose={busy ? undefined : onCancel}>
      <Modal.Header tag="h2" isDanger>{t('connections.delete.title', { name: installation.name })}</Modal.Header>
      <Modal.Body>
        <Paragraph>{t('connections.delete.body')}</Paragraph>
        {problem && (
          <Problem type="error">
            <Alert.Title>{t('connections.delete.failed')}</Alert.Title>
            {problem}
          </Problem>
        )}
      </Modal.Body>
      <Modal.Footer>
        <Modal.FooterItem>
          <Button isBasic onClick={onCancel} disabled={busy}>{t('connections.delete.cancel')}</Button>
        </Modal.FooterItem>
        <Modal.FooterItem>
          <Button isPrimary isDanger onClick={confirm} disabled={busy} aria-busy={busy}>
            {busy ? t('connections.delete.deleting') : t('connections.delete.confirm')}
          </Button>
        </Modal.FooterItem>
      </Modal.Footer>
      <Modal.Close aria-label={t('connections.delete.close')} />
    </Modal>
  );
}
