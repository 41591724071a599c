import { useEffect, useState, type FormEvent } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input } from '@zendeskgarden/react-forms';
import { MD } from '@zendeskgarden/react-typography';
import { ApiError, describeError } from '../../../shared/api.ts';
import { t } from '../../../shared/i18n/t.ts';
import { saveSettings, type ExportSettings } from './exportApi.ts';
import { Subtle } from './parts.tsx';

// The server's rule (runner/exports/settings.ts normalizeDomain), checked here first to answer at once.
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const normalize = (raw: string) => raw.trim().toLowerCase().replace(/^@/, '');
const isValidDomain = (domain: string) => domain === '' || HOSTNAME.test(domain);

const Form = styled.form`
  display: flex;
  flex-direction: column;
  align-items: flex-start;
  gap: ${(p) => p.theme.space.md};
`;

const Width = styled.div`
  width: 100%;
  max-width: ${(p) => p.theme.space.base * 120}px;
`;

type Outcome = { kind: 'saved'; domain: string } | { kind: 'error'; message: string } | null;

/** SPEC E3: the approved email domain. The owner edits it; other admins read it. */
export function DomainForm({ settings, isOwner, onSaved }: {
  settings: ExportSettings;
  isOwner: boolean;
  onSaved: (settings: ExportSettings) => void;
}) {
  const [value, setValue] = useState(settings.approved_domain);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  /** The owner changed the field since it was loaded or saved. */
  const [touched, setTouched] = useState(false);
  /** Judge the value only once the owner leaves the field or submits, not at every keystroke. */
  const [checked, setChecked] = useState(false);

  // Saved elsewhere (another tab, the enable button): show the stored value unless the owner is typing.
  useEffect(() => {
    if (!touched) setValue(settings.approved_domain);
  }, [settings.approved_domain, touched]);

  if (!isOwner) {
    return (
      <div>
        <MD isBold tag="h3">{t('export.domain.label')}</MD>
        <MD>{settings.approved_domain || t('export.domain.any')}</MD>
        <Subtle>{t('export.domain.ownerOnly')}</Subtle>
      </div>
    );
  }

  const domain = normalize(value);
  const invalid = checked && !isValidDomain(domain);

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setChecked(true);
    if (busy || !isValidDomain(domain)) return;
    setBusy(true);
    setOutcome(null);
    try {
      const saved = await saveSettings({ approved_domain: domain });
      setValue(saved.approved_domain);
      setTouched(false);
      setChecked(false);
      setOutcome({ kind: 'saved', domain: saved.approved_domain });
      onSaved(saved);
    } catch (err) {
      const field = err instanceof ApiError ? err.fieldMessages().approved_domain?.[0] : undefined;
      setOutcome({ kind: 'error', message: field ? `${t('export.domain.label')} ${field}` : describeError(err) });
    } finally {
      setBusy(false);
    }
  };

  const message = invalid
    ? <Field.Message validation="error">{t('export.domain.invalid')}</Field.Message>
    : outcome?.kind === 'error'
      ? <Field.Message validation="error">{`${t('export.domain.failed')}: ${outcome.message}`}</Field.Message>
      : outcome?.kind === 'saved'
        ? <Field.Message validation="success">{outcome.domain ? t('export.domain.saved', { domain: outcome.domain }) : t('export.domain.savedAny')}</Field.Message>
        : null;

  return (
    <Form onSubmit={onSubmit} noValidate>
      <Width>
        <Field>
          <Field.Label>{t('export.domain.label')}</Field.Label>
          <Field.Hint>
            {t('export.domain.hint')}
            {settings.owner_domain ? ` ${t('export.domain.ownerDomain', { domain: settings.owner_domain })}` : ''}
          </Field.Hint>
          <Input
            name="approved_domain"
            placeholder="example.com"
            autoComplete="off"
            spellCheck={false}
            value={value}
            onChange={(e) => {
              setValue(e.target.value);
              setTouched(true);
              setChecked(false);
              setOutcome(null);
            }}
            onBlur={() => setChecked(true)}
            validation={invalid || outcome?.kind === 'error' ? 'error' : undefined}
          />
          <div aria-live="polite">{message}</div>
        </Field>
      </Width>
      <Button type="submit" disabled={busy} aria-busy={busy}>{busy ? t('export.domain.saving') : t('export.domain.save')}</Button>
    </Form>
  );
}
