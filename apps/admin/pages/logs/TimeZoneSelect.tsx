import { useMemo, useState } from 'react';
import { Combobox, Field, OptGroup, Option, type IComboboxProps } from '@zendeskgarden/react-dropdowns';
import { t } from '../../../shared/i18n/t.ts';
import { timeZones } from '../../../shared/time.ts';

type Props = {
  value: string;
  /** Zones worth offering first, with what each is (`Your profile`, `This browser` …). */
  suggested: { zone: string; label: string }[];
  onChange: (zone: string) => void;
};

const matches = (zone: string, text: string) => zone.toLowerCase().replace(/_/g, ' ').includes(text.toLowerCase().replace(/_/g, ' ').trim());

/** The zone the page shows times in: type to narrow the ~400 IANA zones. */
export function TimeZoneSelect({ value, suggested, onChange }: Props) {
  const all = useMemo(() => timeZones(), []);
  const [text, setText] = useState<string | null>(null);

  const handle: IComboboxProps['onChange'] = ({ selectionValue, inputValue, isExpanded }) => {
    if (typeof selectionValue === 'string' && selectionValue) {
      onChange(selectionValue);
      setText(null);
    } else if (inputValue !== undefined) setText(inputValue);
    if (isExpanded === false) setText(null);
  };

  const filtering = text !== null && text !== value;
  const shown = filtering ? all.filter((z) => matches(z, text)) : all;
  const firsts = filtering ? [] : suggested.filter((s, i) => suggested.findIndex((x) => x.zone === s.zone) === i);

  return (
    <Field>
      <Field.Label>{t('logs.zone.label')}</Field.Label>
      <Combobox
        isAutocomplete
        isCompact
        selectionValue={value}
        inputValue={text ?? value}
        onChange={handle}
        listboxMaxHeight="320px"
        listboxZIndex={300}
      >
        {firsts.length > 0 && (
          <OptGroup legend={t('logs.zone.suggested')}>
            {firsts.map((s) => (
              <Option key={`s-${s.zone}`} value={s.zone} label={s.zone}>
                {s.zone}
                <Option.Meta>{s.label}</Option.Meta>
              </Option>
            ))}
          </OptGroup>
        )}
        {shown.length === 0 ? (
          <Option isDisabled value="" label={t('logs.zone.none')} />
        ) : (
          <OptGroup legend={t('logs.zone.all')}>
            {shown.filter((z) => !firsts.some((s) => s.zone === z)).map((z) => <Option key={z} value={z} />)}
          </OptGroup>
        )}
      </Combobox>
    </Field>
  );
}
