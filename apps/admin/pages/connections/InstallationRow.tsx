import { useEffect, useRef, useState } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Toggle } from '@zendeskgarden/react-forms';
import { Alert } from '@zendeskgarden/react-notifications';
import { getColor } from '@zendeskgarden/react-theming';
import { MD, SM } from '@zendeskgarden/react-typography';
import { describeError } from '../../../shared/api.ts';
import { t } from '../../../shared/i18n/t.ts';
import { updateInstallation, type Installation } from './api.ts';
import { DeleteModal } from './DeleteModal.tsx';
import { Item, Row, Subtle, VisuallyHidden } from './parts.tsx';

const Main = styled.div`
  flex: 1 1 ${(p) => p.theme.space.base * 80}px;
  min-width: 0;
`;

const Hooks = styled.dl`
  margin: ${(p) => p.theme.space.xs} 0 0;
  dt { margin-top: ${(p) => p.theme.space.xxs}; color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.subtle' })}; }
  dd { margin: 0; overflow-wrap: anywhere; }
`;

const Problem = styled(Alert)`
  margin-top: ${(p) => p.theme.space.sm};
`;

/**
 * One connection: its name and state, the switch that turns it on and off, and edit and delete
 * (with a confirmation). A failed change is explained under the row.
 */
export function InstallationRow({ installation, detail, editable, onEdit, onChanged, onDeleted, announce, focusEdit, onFocused }: {
  installation: Installation;
  /** A line under the name (the connector of a retired connection). */
  detail?: string;
  /** False when its connector left the deployment: no settings to edit. */
  editable: boolean;
  onEdit: () => void;
  onChanged: (installation: Installation) => void;
  onDeleted: () => void;
  announce: (message: string) => void;
  /** Put the focus on this row's Edit button (coming back from its form). */
  focusEdit: boolean;
  onFocused: () => void;
}) {
  const { name } = installation;
  /** The value asked for while the change is saved: the switch answers at once and stays focusable. */
  const [pending, setPending] = useState<boolean | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const editRef = useRef<HTMLButtonElement>(null);
  const deleteRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!focusEdit) return;
    (editRef.current ?? deleteRef.current)?.focus();
    onFocused();
  }, [focusEdit, onFocused]);

  const toggle = async (enabled: boolean) => {
    if (pending !== null) return;
    setPending(enabled);
    setProblem(null);
    try {
      const saved = await updateInstallation(installation.id, { enabled });
      onChanged(saved);
      announce(t(saved.enabled ? 'connections.row.on' : 'connections.row.off', { name: saved.name }));
    } catch (err) {
      setProblem(describeError(err));
    } finally {
      setPending(null);
    }
  };

  return (
    <Item data-installation-id={installation.id}>
      <Main>
        <MD isBold tag="h3">{name}</MD>
        {detail && <Subtle>{detail}</Subtle>}
        <Subtle>{installation.has_credentials ? t('connections.row.credentials') : t('connections.row.noCredentials')}</Subtle>
        {installation.webhooks.length > 0 && (
          <Hooks aria-label={t('connections.row.webhooks')}>
            {installation.webhooks.map((h) => (
              <div key={h.name}>
                <SM tag="dt">{t('connections.row.webhook', { name: h.name })}</SM>
                <SM tag="dd"><code>{h.url}</code></SM>
              </div>
            ))}
          </Hooks>
        )}
        {problem && (
          <Problem type="error">
            <Alert.Title>{t('connections.row.toggleFailed', { name })}</Alert.Title>
            {problem}
          </Problem>
        )}
      </Main>
      <Row>
        <Field>
          <Toggle
            checked={pending ?? installation.enabled}
            aria-busy={pending !== null}
            onChange={(e) => void toggle(e.target.checked)}
          >
            {/* Seen: "Enabled"; heard: which connection it turns on. */}
            <Field.Label>
              <span aria-hidden>{t('connections.row.enabled')}</span>
              <VisuallyHidden>{t('connections.row.enabledLabel', { name })}</VisuallyHidden>
            </Field.Label>
          </Toggle>
        </Field>
        {editable && (
          <Button ref={editRef} size="small" onClick={onEdit} aria-label={t('connections.row.editLabel', { name })}>
            {t('connections.row.edit')}
          </Button>
        )}
        <Button
          ref={deleteRef} size="small" isDanger aria-label={t('connections.row.deleteLabel', { name })}
          onClick={() => { setProblem(null); setConfirming(true); }}
        >
          {t('connections.row.delete')}
        </Button>
      </Row>
      {confirming && (
        <DeleteModal
          installation={installation}
          onCancel={() => setConfirming(false)}
          onDeleted={() => {
            setConfirming(false);
            announce(t('connections.deleted', { name }));
            onDeleted();
          }}
        />
      )}
    </Item>
  );
}
