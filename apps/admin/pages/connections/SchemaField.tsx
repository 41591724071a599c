import { useId, type ReactNode } from 'react';
import styled from 'styled-components';
import { Checkbox, Field, Fieldset, Input, Select, Textarea } from '@zendeskgarden/react-forms';
import { getColor } from '@zendeskgarden/react-theming';
import { t } from '../../../shared/i18n/t.ts';
import type { FormField, FormValue } from './schema-form.ts';

const Optional = styled.span`
  font-weight: ${(p) => p.theme.fontWeights.regular};
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.subtle' })};
`;

const GroupHint = styled.p`
  margin: 0 0 ${(p) => p.theme.space.xs};
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.subtle' })};
`;

const GroupError = styled.p`
  margin: ${(p) => p.theme.space.xs} 0 0;
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.danger' })};
`;

function Label({ field }: { field: FormField }) {
  return (
    <Field.Label>
      {field.label}
      {!field.required && field.kind !== 'boolean' && <Optional> {t('connections.form.optional')}</Optional>}
    </Field.Label>
  );
}

/** Hint text for what the control takes, then the schema's own description. */
function hintOf(field: FormField): string | undefined {
  const extra = field.kind === 'lines' ? t('connections.form.linesHint') : field.kind === 'json' ? t('connections.form.jsonHint') : undefined;
  return [field.hint, extra].filter(Boolean).join(' ') || undefined;
}

type Props = {
  field: FormField;
  value: FormValue | undefined;
  error: string | undefined;
  onChange: (value: FormValue) => void;
  /** The connection has credentials: a blank secret keeps the stored one. */
  keepSecret: boolean;
};

/** One control of a form drawn from a JSON Schema, labelled, with its hint and its problem. */
export function SchemaField({ field, value, error, onChange, keepSecret }: Props) {
  const hint = hintOf(field);
  const validation = error ? 'error' as const : undefined;
  const message: ReactNode = error ? <Field.Message validation="error">{error}</Field.Message> : null;
  const text = typeof value === 'string' ? value : '';
  const hintId = useId();
  const errorId = useId();

  switch (field.kind) {
    case 'boolean':
      return (
        <Field>
          <Checkbox checked={value === true} onChange={(e) => onChange(e.target.checked)} data-field={field.id}>
            <Label field={field} />
          </Checkbox>
          {hint && <Field.Hint>{hint}</Field.Hint>}
          {message}
        </Field>
      );
    case 'multi': {
      const picked = Array.isArray(value) ? value : [];
      return (
        <Fieldset aria-describedby={[hint ? hintId : '', error ? errorId : ''].join(' ').trim() || undefined} aria-invalid={error ? true : undefined}>
          <Fieldset.Legend>
            {field.label}
            {!field.required && <Optional> {t('connections.form.optional')}</Optional>}
          </Fieldset.Legend>
          {hint && <GroupHint id={hintId}>{hint}</GroupHint>}
          {field.choices.map((choice, i) => (
            <Field key={choice.id}>
              <Checkbox
                checked={picked.includes(choice.id)}
                data-field={i === 0 ? field.id : undefined}
                onChange={(e) => onChange(e.target.checked ? [...picked, choice.id] : picked.filter((id) => id !== choice.id))}
              >
                <Field.Label isRegular>{choice.label}</Field.Label>
              </Checkbox>
            </Field>
          ))}
          {error && <GroupError id={errorId}>{error}</GroupError>}
        </Fieldset>
      );
    }
    case 'enum':
      return (
        <Field>
          <Label field={field} />
          {hint && <Field.Hint>{hint}</Field.Hint>}
          <Select value={text} onChange={(e) => onChange(e.target.value)} validation={validation} data-field={field.id}>
            {(!field.required || text === '') && (
              <option value="" disabled={field.required}>{field.required ? t('connections.form.choose') : t('connections.form.noChoice')}</option>
            )}
            {field.choices.map((c) => <option key={c.id} value={c.id}>{c.label}</option>)}
          </Select>
          {message}
        </Field>
      );
    case 'lines':
    case 'json':
      return (
        <Field>
          <Label field={field} />
          {hint && <Field.Hint>{hint}</Field.Hint>}
          <Textarea
            value={text} onChange={(e) => onChange(e.target.value)} minRows={3} maxRows={12} isResizable
            spellCheck={false} validation={validation} data-field={field.id}
            style={field.kind === 'json' ? { fontFamily: 'monospace' } : undefined}
          />
          {message}
        </Field>
      );
    default: {
      const isNumber = field.kind === 'number' || field.kind === 'integer';
      const type = field.kind === 'secret' ? 'password' : field.kind === 'url' ? 'url' : field.kind === 'email' ? 'email' : isNumber ? 'number' : 'text';
      return (
        <Field>
          <Label field={field} />
          {hint && <Field.Hint>{hint}</Field.Hint>}
          <Input
            type={type}
            value={text}
            onChange={(e) => onChange(e.target.value)}
            validation={validation}
            data-field={field.id}
            autoComplete={field.kind === 'secret' ? 'new-password' : 'off'}
            spellCheck={false}
            placeholder={field.kind === 'secret' && keepSecret ? t('connections.form.keepPlaceholder') : undefined}
            {...(isNumber ? { inputMode: field.kind === 'integer' ? 'numeric' as const : 'decimal' as const, step: field.kind === 'integer' ? 1 : 'any', min: field.min, max: field.max } : {})}
            {...(!isNumber && field.max !== undefined ? { maxLength: field.max } : {})}
          />
          {message}
        </Field>
      );
    }
  }
}
