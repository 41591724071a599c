import { Paragraph } from '@zendeskgarden/react-typography';
import { t } from '../../../shared/i18n/t.ts';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { saveSettings, type ExportSettings } from './exportApi.ts';

/**
 * The confirmation step before turning export off (SPEC E2: "Click OK to confirm" in Zendesk).
 * Any admin may turn it off; the text says who can turn it back on.
 */
export function DisableModal({ isOwner, onDone, onCancel }: {
  isOwner: boolean;
  onDone: (settings: ExportSettings) => void;
  onCancel: () => void;
}) {
  return (
    <ConfirmModal
      texts={{
        title: t('export.disableModal.title'), failed: t('export.changeFailed'), cancel: t('export.disableModal.cancel'),
        confirm: t('export.disableModal.confirm'), confirming: t('export.disableModal.confirming'), close: t('export.disableModal.close'),
      }}
      onConfirm={async () => { onDone(await saveSettings({ enabled: false })); }}
      onCancel={onCancel}
    >
      <Paragraph>{t('export.disableModal.body')}</Paragraph>
      <Paragraph>{isOwner ? t('export.disableModal.owner') : t('export.disableModal.notOwner')}</Paragraph>
    </ConfirmModal>
  );
}
