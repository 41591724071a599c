import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { DatePicker } from '@zendeskgarden/react-datepickers';
import { Combobox, Field as DropdownField, Option, type IComboboxProps } from '@zendeskgarden/react-dropdowns';
import { Field, Input } from '@zendeskgarden/react-forms';
import { Drawer } from '@zendeskgarden/react-modals';
import { Paragraph } from '@zendeskgarden/react-typography';
import { describeError } from '../../../shared/api.ts';
import { formatNumber, t, tn } from '../../../shared/i18n/t.ts';
import { fetchProducts, type ProductWithErrors } from './api.ts';
import { applyForm, formFromFilters, windowFromForm, type FilterForm, type FormField } from './filter-form.ts';
import { LOG_STATUSES, type LogFilters, type LogStatus } from './filters.ts';
import { statusLabel } from './StatusTag.tsx';

const Form = styled.form`
  display: flex;
  flex-direction: column;
  gap: ${(p) => p.theme.space.md};
`;

const Pair = styled.div`
  display: grid;
  grid-template-columns: 3fr 2fr;
  gap: ${(p) => p.theme.space.sm};
  align-items: start;
`;

const pad = (n: number) => String(n).padStart(2, '0');
/** The date picker speaks in local-midnight Dates; the form in `YYYY-MM-DD` days. */
const dayOf = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
function dateOf(day: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : undefined;
}
/** What a person types: `2026-03-08` (or with slashes); anything else is not a date. */
function parseDay(text: string): Date {
  const m = /^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})\s*$/.exec(text);
  if (!m) return new Date(NaN);
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getMonth() === Number(m[2]) - 1 ? d : new Date(NaN);
}

type ProductsState = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'ready'; products: ProductWithErrors[] };

/** Products with errors in the window the form describes, read again (a moment after typing stops) when it changes. */
function useProducts(form: FilterForm, zone: string, isOpen: boolean): ProductsState {
  const [state, setState] = useState<ProductsState>({ status: 'loading' });
  const result = windowFromForm(form, zone);
  const window = result.ok ? result.window : undefined;
  const key = window ? `${window.start ?? ''}|${window.end ?? ''}` : undefined;
  useEffect(() => {
    if (!isOpen || key === undefined) return undefined;
    const [start, end] = key.split('|');
    const abort = new AbortController();
    const timer = setTimeout(() => {
      setState({ status: 'loading' });
      fetchProducts({ start: start || undefined, end: end || undefined }, abort.signal).then(
        (products) => setState({ status: 'ready', products }),
        (err: unknown) => { if (!abort.signal.aborted) setState({ status: 'failed', message: describeError(err) }); },
      );
    }, 250);
    return () => { clearTimeout(timer); abort.abort(); };
  }, [key, isOpen]);
  return state;
}

const errorCount = (p: ProductWithErrors) =>
  p.error_count_capped ? t('logs.filter.errorCountCapped', { count: formatNumber(p.error_count) }) : tn('logs.filter.errorCount', p.error_count);

type Props = {
  isOpen: boolean;
  filters: LogFilters;
  zone: string;
  onApply: (filters: LogFilters) => void;
  onClose: () => void;
};

/** Zendesk's "Filter" panel: start and end date and time, status, product; "Apply filters". */
export function FilterDrawer({ isOpen, filters, zone, onApply, onClose }: Props) {
  const [form, setForm] = useState<FilterForm>(() => formFromFilters(filters, zone));
  const [errors, setErrors] = useState<Partial<Record<FormField, string>>>({});
  useEffect(() => {
    if (!isOpen) return;
    setForm(formFromFilters(filters, zone));
    setErrors({});
    // Only on opening: the form is a draft of the filters until it is applied.
  }, [isOpen]);
  const products = useProducts(form, zone, isOpen);
  const check = windowFromForm(form, zone);
  const notes = check.ok ? check.notes : {};

  const set = (patch: Partial<FilterForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setErrors({});
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const result = applyForm(filters, form, zone);
    if ('errors' in result) setErrors(result.errors);
    else onApply(result.filters);
  };

  const dateField = (field: 'startDate' | 'endDate', label: string, hint: string) => (
    <Field>
      <Field.Label>{label}</Field.Label>
      <DatePicker value={dateOf(form[field])} onChange={(d) => set({ [field]: dayOf(d) })} formatDate={dayOf} customParseDate={parseDay} zIndex={1500}>
        <Input
          name={field}
          placeholder={t('logs.filter.datePlaceholder')}
          validation={errors[field] ? 'error' : undefined}
          onChange={(e) => { if (e.target.value.trim() === '') set({ [field]: '' }); }}
        />
      </DatePicker>
      {errors[field] ? <Field.Message validation="error">{errors[field]}</Field.Message> : <Field.Hint>{hint}</Field.Hint>}
    </Field>
  );

  const timeField = (field: 'startTime' | 'endTime', label: string) => (
    <Field>
      <Field.Label>{label}</Field.Label>
      <Input type="time" name={field} value={form[field]} onChange={(e) => set({ [field]: e.target.value })} validation={errors[field] ? 'error' : notes[field] ? 'warning' : undefined} />
      {errors[field] && <Field.Message validation="error">{errors[field]}</Field.Message>}
      {!errors[field] && notes[field] && <Field.Message validation="warning">{notes[field]}</Field.Message>}
    </Field>
  );

  const onStatuses: IComboboxProps['onChange'] = ({ selectionValue }) => {
    if (Array.isArray(selectionValue)) set({ statuses: LOG_STATUSES.filter((s) => selectionValue.includes(s)) });
  };
  const onProducts: IComboboxProps['onChange'] = ({ selectionValue }) => {
    if (Array.isArray(selectionValue)) set({ products: selectionValue.filter((v): v is string => typeof v === 'string' && v !== '') });
  };

  let productOptions: ReactNode;
  const listed = products.status === 'ready' ? products.products : [];
  if (products.status === 'loading') productOptions = <Option isDisabled value="" label={t('logs.filter.productsLoading')} />;
  else if (products.status === 'failed') productOptions = <Option isDisabled value="" label={t('logs.filter.productsFailed', { message: products.message })} />;
  else if (listed.length === 0) productOptions = <Option isDisabled value="" label={t('logs.filter.noProducts')} />;
  else {
    productOptions = listed.map((p) => (
      <Option key={p.name} value={p.name} label={p.name}>
        {p.name}
        <Option.Meta>{errorCount(p)}</Option.Meta>
      </Option>
    ));
  }
  // A product chosen earlier but without errors in this window stays selected (hidden), so its tag shows.
  const kept = form.products.filter((name) => !listed.some((p) => p.name === name));

  return (
    <Drawer isOpen={isOpen} onClose={onClose}>
      <Drawer.Header tag="h2">{t('logs.filter.title')}</Drawer.Header>
      <Drawer.Body>
        <Form id="log-filter-form" onSubmit={submit} noValidate aria-label={t('logs.filter.title')}>
          <Paragraph>{t('logs.filter.zoneNote', { zone })}</Paragraph>
          <Pair>
            {dateField('startDate', t('logs.filter.startDate'), t('logs.filter.startDateHint'))}
            {timeField('startTime', t('logs.filter.startTime'))}
          </Pair>
          <Pair>
            {dateField('endDate', t('logs.filter.endDate'), t('logs.filter.endDateHint'))}
            {timeField('endTime', t('logs.filter.endTime'))}
          </Pair>
          <DropdownField>
            <DropdownField.Label>{t('logs.filter.status')}</DropdownField.Label>
            <DropdownField.Hint>{t('logs.filter.statusHint')}</DropdownField.Hint>
            <Combobox isEditable={false} isMultiselectable selectionValue={form.statuses} onChange={onStatuses} placeholder={t('logs.filter.anyStatus')} listboxZIndex={1500}>
              {LOG_STATUSES.map((s: LogStatus) => <Option key={s} value={s} label={statusLabel(s)} />)}
            </Combobox>
          </DropdownField>
          <DropdownField>
            <DropdownField.Label>{t('logs.filter.product')}</DropdownField.Label>
            <DropdownField.Hint>{t('logs.filter.productHint')}</DropdownField.Hint>
            <Combobox isEditable={false} isMultiselectable selectionValue={form.products} onChange={onProducts} placeholder={t('logs.filter.anyProduct')} listboxZIndex={1500}>
              {productOptions}
              {kept.map((name) => <Option key={name} value={name} label={name} isHidden />)}
            </Combobox>
          </DropdownField>
        </Form>
      </Drawer.Body>
      <Drawer.Footer>
        <Drawer.FooterItem>
          <Button isBasic onClick={() => set({ startDate: '', startTime: '', endDate: '', endTime: '', statuses: [], products: [] })}>
            {t('logs.filter.clear')}
          </Button>
        </Drawer.FooterItem>
        <Drawer.FooterItem>
          <Button isPrimary type="submit" form="log-filter-form">{t('logs.filter.apply')}</Button>
        </Drawer.FooterItem>
      </Drawer.Footer>
      <Drawer.Close aria-label={t('logs.filter.close')} />
    </Drawer>
  );
}
