import { useCallback, useRef, useState } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Tag } from '@zendeskgarden/react-tags';
import { t } from '../../../shared/i18n/t.ts';
import type { Connector, Installation } from './api.ts';
import { InstallationForm } from './InstallationForm.tsx';
import { InstallationRow } from './InstallationRow.tsx';
import { List, Panel, PanelHeading, Subtle, TitleLine } from './parts.tsx';

const Actions = styled.div`
  margin-top: ${(p) => p.theme.space.md};
`;

type Mode = { kind: 'list' } | { kind: 'create' } | { kind: 'edit'; id: number };

type Changes = {
  onPut: (installation: Installation) => void;
  onRemove: (id: number) => void;
  announce: (message: string) => void;
};

/**
 * A connector this deployment offers: what it is, the account's connections to it, and the form
 * to add or edit one (in place of the button or the row, one at a time). Focus goes back where it
 * came from when a form closes.
 */
export function ConnectorCard({ connector, installations, onPut, onRemove, announce }: Changes & { connector: Connector; installations: Installation[] }) {
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const [focusRow, setFocusRow] = useState<number | null>(null);
  const addRef = useRef<HTMLButtonElement>(null);
  const headingId = `connector-${connector.id}`;
  const focusAdd = () => requestAnimationFrame(() => addRef.current?.focus());
  const clearFocus = useCallback(() => setFocusRow(null), []);

  const saved = (installation: Installation) => {
    onPut(installation);
    setMode({ kind: 'list' });
    setFocusRow(installation.id);
    announce(t('connections.saved', { name: installation.name }));
  };
  const cancel = () => {
    if (mode.kind === 'edit') setFocusRow(mode.id);
    else focusAdd();
    setMode({ kind: 'list' });
  };

  return (
    <Panel aria-labelledby={headingId} data-connector-id={connector.id}>
      <TitleLine>
        <PanelHeading id={headingId}>{connector.display_name}</PanelHeading>
        <Tag hue="grey" title={t('connections.product', { product: connector.product })}>{connector.product}</Tag>
      </TitleLine>
      {connector.description && <Subtle>{connector.description}</Subtle>}

      {installations.length === 0 && mode.kind !== 'create' && (
        <Actions><Subtle>{t('connections.none', { connector: connector.display_name })}</Subtle></Actions>
      )}
      {installations.length > 0 && (
        <List aria-label={t('connections.list', { connector: connector.display_name })}>
          {installations.map((installation) => (mode.kind === 'edit' && mode.id === installation.id ? (
            <li key={installation.id}>
              <InstallationForm connector={connector} installation={installation} onSaved={saved} onCancel={cancel} />
            </li>
          ) : (
            <InstallationRow
              key={installation.id}
              installation={installation}
              editable
              onEdit={() => setMode({ kind: 'edit', id: installation.id })}
              onChanged={onPut}
              onDeleted={() => {
                onRemove(installation.id);
                focusAdd();
              }}
              announce={announce}
              focusEdit={focusRow === installation.id}
              onFocused={clearFocus}
            />
          )))}
        </List>
      )}
      {mode.kind === 'create' ? (
        <InstallationForm connector={connector} onSaved={saved} onCancel={cancel} />
      ) : (
        <Actions>
          <Button ref={addRef} onClick={() => setMode({ kind: 'create' })} aria-label={t('connections.addLabel', { connector: connector.display_name })}>
            {t('connections.add')}
          </Button>
        </Actions>
      )}
    </Panel>
  );
}

/** Connections whose connector this deployment no longer has: they can be turned off or deleted. */
export function RetiredConnections({ installations, onPut, onRemove, announce }: Changes & { installations: Installation[] }) {
  const noop = useCallback(() => {}, []);
  return (
    <Panel aria-labelledby="connections-retired">
      <PanelHeading id="connections-retired">{t('connections.retired.heading')}</PanelHeading>
      <Subtle>{t('connections.retired.body')}</Subtle>
      <List aria-label={t('connections.retired.list')}>
        {installations.map((installation) => (
          <InstallationRow
            key={installation.id}
            installation={installation}
            detail={t('connections.retired.connector', { id: installation.connector_id })}
            editable={false}
            onEdit={noop}
            onChanged={onPut}
            onDeleted={() => onRemove(installation.id)}
            announce={announce}
            focusEdit={false}
            onFocused={noop}
          />
        ))}
      </List>
    </Panel>
  );
}
