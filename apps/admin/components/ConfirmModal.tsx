import { useState, type ReactNode } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Modal } from '@zendeskgarden/react-modals';
import { Alert } from '@zendeskgarden/react-notifications';
import { describeError } from '../../shared/api.ts';

const Problem = styled(Alert)`
  margin-top: ${(p) => p.theme.space.md};
`;

/** The words of a confirmation step, already translated. */
export type ConfirmTexts = { title: string; failed: string; cancel: string; confirm: string; confirming: string; close: string };

/**
 * A dangerous action's confirmation step: the body says what will happen, the red button does it
 * (showing progress, the dialog locked meanwhile) and a failure stays in the dialog with the server's reason.
 */
export function ConfirmModal({ texts, children, onConfirm, onCancel }: {
  texts: ConfirmTexts;
  children: ReactNode;
  /** Does the action; the caller closes the dialog when it resolves. */
  onConfirm: () => Promise<void>;
  onCancel: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const confirm = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await onConfirm();
    } catch (err) {
      setProblem(describeError(err));
      setBusy(false);
    }
  };

  return (
    <Modal onClose={busy ? undefined : onCancel}>
      <Modal.Header tag="h2" isDanger>{texts.title}</Modal.Header>
      <Modal.Body>
        {children}
        {problem && (
          <Problem type="error">
            <Alert.Title>{texts.failed}</Alert.Title>
            {problem}
          </Problem>
        )}
      </Modal.Body>
      <Modal.Footer>
        <Modal.FooterItem>
          <Button isBasic onClick={onCancel} disabled={busy}>{texts.cancel}</Button>
        </Modal.FooterItem>
        <Modal.FooterItem>
          <Button isPrimary isDanger onClick={confirm} disabled={busy} aria-busy={busy}>
            {busy ? texts.confirming : texts.confirm}
          </Button>
        </Modal.FooterItem>
      </Modal.Footer>
      <Modal.Close aria-label={texts.close} />
    </Modal>
  );
}
