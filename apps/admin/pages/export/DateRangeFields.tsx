import type { ChangeEvent, KeyboardEvent } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { DatePicker } from '@zendeskgarden/react-datepickers';
import { Field, Fieldset, Hint, Input, Message } from '@zendeskgarden/react-forms';
import { t } from '../../../shared/i18n/t.ts';
import { formatDate, viewerTimeZone } from './format.ts';
import { Row } from './parts.tsx';

export type DateRange = { from?: Date | undefined; to?: Date | undefined };

export const rangeIsOrdered = ({ from, to }: DateRange): boolean => !from || !to || from.getTime() <= to.getTime();

const DateField = styled.div`
  width: ${(p) => p.theme.space.base * 50}px;
`;

const Below = styled.div`
  margin-top: ${(p) => p.theme.space.xs};
`;

/**
 * Garden's DatePicker keeps the last good date when its text is erased; an empty field here means
 * "no bound", so erasing the text clears the date.
 */
const clearWhenEmpty = (onClear: () => void) => (e: ChangeEvent<HTMLInputElement>) => {
  if (e.target.value.trim() === '') onClear();
};

/**
 * Enter in a date field picks the typed date and closes the calendar (Garden's handler, which runs
 * first); it must not also submit the export form, as Enter in a text field otherwise would.
 */
const keepEnterForDate = (e: KeyboardEvent<HTMLDivElement>) => {
  if (e.key === 'Enter' && e.target instanceof HTMLInputElement) e.preventDefault();
};

/** From/To days for JSON and CSV exports: optional, whole days in the viewer's zone. */
export function DateRangeFields({ idPrefix, value, onChange }: {
  idPrefix: string;
  value: DateRange;
  onChange: (range: DateRange) => void;
}) {
  const ordered = rangeIsOrdered(value);
  return (
    <Fieldset>
      <Fieldset.Legend>{t('export.range.legend')}</Fieldset.Legend>
      <Row>
        <DateField onKeyDown={keepEnterForDate}>
          <Field>
            <Field.Label>{t('export.range.from')}</Field.Label>
            <DatePicker value={value.from} maxValue={value.to} formatDate={formatDate} onChange={(from) => onChange({ ...value, from })}>
              <Input
                name={`${idPrefix}-from`}
                placeholder={t('export.range.placeholder')}
                validation={ordered ? undefined : 'error'}
                onChange={clearWhenEmpty(() => onChange({ ...value, from: undefined }))}
              />
            </DatePicker>
          </Field>
        </DateField>
        <DateField onKeyDown={keepEnterForDate}>
          <Field>
            <Field.Label>{t('export.range.to')}</Field.Label>
            <DatePicker value={value.to} minValue={value.from} formatDate={formatDate} onChange={(to) => onChange({ ...value, to })}>
              <Input
                name={`${idPrefix}-to`}
                placeholder={t('export.range.placeholder')}
                validation={ordered ? undefined : 'error'}
                onChange={clearWhenEmpty(() => onChange({ ...value, to: undefined }))}
              />
            </DatePicker>
          </Field>
        </DateField>
        {(value.from || value.to) && (
          <Button isBasic onClick={() => onChange({})}>{t('export.range.clear')}</Button>
        )}
      </Row>
      <Below>
        <Hint>{t('export.range.hint', { zone: viewerTimeZone() })}</Hint>
        {!ordered && <Message validation="error" role="alert">{t('export.range.order')}</Message>}
      </Below>
    </Fieldset>
  );
}
