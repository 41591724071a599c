import { useState, type FormEvent } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Hint, Select } from '@zendeskgarden/react-forms';
import { t } from '../../../shared/i18n/t.ts';
import { DateRangeFields, rangeIsOrdered, type DateRange } from './DateRangeFields.tsx';
import { DATA_TYPE_LIST, type DataKind, type ExportRequest } from './exportApi.ts';
import { endOfDay, startOfDay } from './format.ts';
import { DATA_TYPE_LABELS, type ExportOption } from './options.ts';

const Form = styled.form`
  display: flex;
  flex-direction: column;
  align-items: flex-start;
  gap: ${(p) => p.theme.space.md};
  margin-top: ${(p) => p.theme.space.md};
`;

const Narrow = styled.div`
  width: ${(p) => p.theme.space.base * 60}px;
  max-width: 100%;
`;

/**
 * "Request file" for one export option: JSON picks a data type and a date range, CSV a date range
 * (whole days in the viewer's zone), XML nothing. `blockedBy` names why a request cannot be sent now.
 */
export function RequestForm({ option, jsonOnly, busy, blockedBy, onRequest }: {
  option: ExportOption;
  jsonOnly: boolean;
  busy: boolean;
  /** Shown under the button, which is disabled, e.g. "one CSV export runs at a time". */
  blockedBy: string | null;
  onRequest: (request: ExportRequest) => void;
}) {
  const { kind } = option;
  const [dataType, setDataType] = useState<DataKind>('tickets');
  const [range, setRange] = useState<DateRange>({});

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy || blockedBy || !rangeIsOrdered(range)) return;
    const request: ExportRequest = { type: kind };
    if (option.pickDataType) request.data_type = dataType;
    if (option.ranged && range.from) request.start_time = startOfDay(range.from);
    if (option.ranged && range.to) request.end_time = endOfDay(range.to);
    onRequest(request);
  };

  return (
    <Form onSubmit={submit} noValidate>
      {option.pickDataType && (
        <Narrow>
          <Field>
            <Field.Label>{t('export.dataType')}</Field.Label>
            {jsonOnly && dataType === 'tickets' && <Field.Hint>{t('export.jsonOnly.parts')}</Field.Hint>}
            <Select name={`${kind}-data-type`} value={dataType} onChange={(e) => setDataType(DATA_TYPE_LIST.find((d) => d === e.target.value) ?? 'tickets')}>
              {DATA_TYPE_LIST.map((d) => <option key={d} value={d}>{t(DATA_TYPE_LABELS[d])}</option>)}
            </Select>
          </Field>
        </Narrow>
      )}
      {option.ranged && <DateRangeFields idPrefix={kind} value={range} onChange={setRange} />}
      <div>
        <Button type="submit" isPrimary disabled={busy || Boolean(blockedBy)} aria-busy={busy}>
          {busy ? t('export.requesting') : t('export.request')}
        </Button>
        {blockedBy && <Hint>{blockedBy}</Hint>}
      </div>
    </Form>
  );
}
