import { Paragraph } from '@zendeskgarden/react-typography';
import { t } from '../../../shared/i18n/t.ts';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { deleteInstallation, type Installation } from './api.ts';

/** The confirmation step before a connection and its credentials are deleted. */
export function DeleteModal({ installation, onDeleted, onCancel }: {
  installation: Installation;
  onDeleted: () => void;
  onCancel: () => void;
}) {
  return (
    <ConfirmModal
      texts={{
        title: t('connections.delete.title', { name: installation.name }), failed: t('connections.delete.failed'),
        cancel: t('connections.delete.cancel'), confirm: t('connections.delete.confirm'),
        confirming: t('connections.delete.deleting'), close: t('connections.delete.close'),
      }}
      onConfirm={async () => { await deleteInstallation(installation.id); onDeleted(); }}
      onCancel={onCancel}
    >
      <Paragraph>{t('connections.delete.body')}</Paragraph>
    </ConfirmModal>
  );
}
