import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Fieldset, Input } from '@zendeskgarden/react-forms';
import { Alert } from '@zendeskgarden/react-notifications';
import { getColor } from '@zendeskgarden/react-theming';
import { MD } from '@zendeskgarden/react-typography';
import { ApiError, describeError } from '../../../shared/api.ts';
import { t } from '../../../shared/i18n/t.ts';
import { createInstallation, updateInstallation, type Connector, type Installation } from './api.ts';
import { Row, Subtle } from './parts.tsx';
import { SchemaField } from './SchemaField.tsx';
import { buildPayload, fieldsOf, initialValues, placeErrors, type FormField, type FormValues } from './schema-form.ts';

const Form = styled.form`
  box-sizing: border-box;
  margin-top: ${(p) => p.theme.space.md};
  padding: ${(p) => p.theme.space.md};
  border: ${(p) => p.theme.borders.sm} ${(p) => getColor({ theme: p.theme, variable: 'border.default' })};
  border-radius: ${(p) => p.theme.borderRadii.md};
  background-color: ${(p) => getColor({ theme: p.theme, variable: 'background.subtle' })};
`;

const Fields = styled.div`
  display: flex;
  flex-direction: column;
  gap: ${(p) => p.theme.space.md};
  max-width: ${(p) => p.theme.space.base * 140}px;
`;

const Group = styled(Fieldset)`
  display: flex;
  flex-direction: column;
  gap: ${(p) => p.theme.space.md};
`;

const Problem = styled(Alert)`
  margin-bottom: ${(p) => p.theme.space.md};
`;

const Actions = styled(Row)`
  margin-top: ${(p) => p.theme.space.lg};
`;

const NAME = 'name';

/**
 * Adds a connection to `connector`, or edits `installation`: its name, the connector's settings and
 * its credentials (write-only: blank keeps what is stored). Problems found here or by the API are
 * shown on their fields, with the API's sentence above the form. Escape cancels.
 */
export function InstallationForm({ connector, installation, onSaved, onCancel }: {
  connector: Connector;
  installation?: Installation;
  onSaved: (installation: Installation) => void;
  onCancel: () => void;
}) {
  const settingsFields = useMemo(() => fieldsOf(connector.settings_schema, 'settings'), [connector]);
  const credentialFields = useMemo(() => fieldsOf(connector.credentials_schema, 'credentials'), [connector]);
  const fields = useMemo(() => [...settingsFields, ...credentialFields], [settingsFields, credentialFields]);
  const keepSecrets = installation?.has_credentials ?? false;

  const [name, setName] = useState(installation?.name ?? connector.display_name);
  const [values, setValues] = useState<FormValues>(() => ({
    ...initialValues(settingsFields, installation?.settings),
    ...initialValues(credentialFields, undefined),
  }));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const titleId = `connection-form-${connector.id}-${installation?.id ?? 'new'}`;

  useEffect(() => { nameRef.current?.focus(); }, []);

  /** The first field with a problem, else the message above the form. */
  const focusProblem = (found: Record<string, string>) => {
    const first = [NAME, ...fields.map((f) => f.id)].find((id) => found[id]);
    const target = first ? formRef.current?.querySelector<HTMLElement>(`[data-field="${first}"]`) : formRef.current?.querySelector<HTMLElement>('[data-problem]');
    target?.focus();
  };

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const payload = buildPayload(fields, values, keepSecrets);
    const found = { ...payload.errors, ...(name.trim() ? {} : { [NAME]: t('connections.form.required') }) };
    setErrors(found);
    if (Object.keys(found).length) {
      setProblem(t('connections.form.fixFields'));
      requestAnimationFrame(() => focusProblem(found));
      return;
    }
    setBusy(true);
    setProblem(null);
    const credentials = payload.credentials === undefined ? {} : { credentials: payload.credentials };
    try {
      const saved = installation
        ? await updateInstallation(installation.id, { name: name.trim(), settings: payload.settings, ...credentials })
        : await createInstallation({ connector_id: connector.id, name: name.trim(), settings: payload.settings, ...credentials });
      onSaved(saved);
    } catch (err) {
      const placed = err instanceof ApiError ? placeErrors([NAME, ...fields.map((f) => f.id)], err.fieldMessages()) : {};
      const { '': unplaced, ...onFields } = placed;
      setErrors(onFields);
      // Problems the fields show are summed up; anything else is told in the API's words.
      const placedAll = Object.keys(onFields).length > 0 && !unplaced;
      setProblem(placedAll ? t('connections.form.fixFields') : [describeError(err), unplaced].filter(Boolean).join(' '));
      setBusy(false);
      requestAnimationFrame(() => focusProblem(onFields));
    }
  };

  const section = (group: FormField[], legend: string, note?: string) => group.length > 0 && (
    <Group>
      <Fieldset.Legend>{legend}</Fieldset.Legend>
      {note && <Subtle>{note}</Subtle>}
      {group.map((f) => (
        <SchemaField
          key={f.id} field={f} value={values[f.id]} error={errors[f.id]} keepSecret={keepSecrets}
          onChange={(v) => {
            setValues((old) => ({ ...old, [f.id]: v }));
            setErrors(({ [f.id]: _gone, ...rest }) => rest);
          }}
        />
      ))}
    </Group>
  );

  return (
    <Form
      ref={formRef} aria-labelledby={titleId} onSubmit={onSubmit} noValidate
      onKeyDown={(e) => { if (e.key === 'Escape' && !busy) { e.stopPropagation(); onCancel(); } }}
    >
      <MD tag="h3" isBold id={titleId} style={{ marginBottom: 16 }}>
        {installation ? t('connections.form.editTitle', { name: installation.name }) : t('connections.form.newTitle', { connector: connector.display_name })}
      </MD>
      {problem && (
        <Problem type="error" data-problem tabIndex={-1}>
          <Alert.Title>{t('connections.form.failed')}</Alert.Title>
          {problem}
        </Problem>
      )}
      <Fields>
        <Field>
          <Field.Label>{t('connections.form.name')}</Field.Label>
          <Field.Hint>{t('connections.form.nameHint')}</Field.Hint>
          <Input
            ref={nameRef} value={name} data-field={NAME} maxLength={255} autoComplete="off"
            validation={errors[NAME] ? 'error' : undefined}
            onChange={(e) => { setName(e.target.value); setErrors(({ [NAME]: _gone, ...rest }) => rest); }}
          />
          {errors[NAME] && <Field.Message validation="error">{errors[NAME]}</Field.Message>}
        </Field>
        {settingsFields.length === 0 && <Subtle>{t('connections.form.noSettings', { connector: connector.display_name })}</Subtle>}
        {section(settingsFields, t('connections.form.settings'))}
        {section(credentialFields, t('connections.form.credentials'), keepSecrets ? t('connections.form.credentialsKeep') : t('connections.form.credentialsNew'))}
      </Fields>
      <Actions>
        <Button type="submit" isPrimary disabled={busy} aria-busy={busy}>
          {busy ? t('connections.form.saving') : installation ? t('connections.form.save') : t('connections.form.create')}
        </Button>
        <Button isBasic onClick={onCancel} disabled={busy}>{t('connections.form.cancel')}</Button>
      </Actions>
    </Form>
  );
}
