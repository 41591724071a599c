import { Table } from '@zendeskgarden/react-tables';
import { SM } from '@zendeskgarden/react-typography';
import type { Metrics as MetricValues } from '../api.ts';
import { formatMinutes } from '../format.ts';
import { t, type SidebarKey } from '../i18n.ts';
import { Section } from './Section.tsx';

/** The six durations of Zendesk's ticket_metric, in the order an agent reads them. */
const ROWS: [keyof MetricValues, SidebarKey][] = [
  ['reply_time_in_minutes', 'metrics.reply'],
  ['first_resolution_time_in_minutes', 'metrics.firstResolution'],
  ['full_resolution_time_in_minutes', 'metrics.fullResolution'],
  ['agent_wait_time_in_minutes', 'metrics.agentWait'],
  ['requester_wait_time_in_minutes', 'metrics.requesterWait'],
  ['on_hold_time_in_minutes', 'metrics.onHold'],
];

/** Calendar and business-hours minutes side by side; raw minutes stay on the cells for tests and copy. */
export function Metrics({ metrics }: { metrics: MetricValues | null }) {
  return (
    <Section title={t('metrics.title')}>
      {!metrics ? <SM>{t('metrics.none')}</SM> : (
        <>
          <Table size="small" aria-label={t('metrics.title')}>
            <Table.Head>
              <Table.HeaderRow>
                <Table.HeaderCell width="40%" />
                <Table.HeaderCell>{t('metrics.calendar')}</Table.HeaderCell>
                <Table.HeaderCell>{t('metrics.business')}</Table.HeaderCell>
              </Table.HeaderRow>
            </Table.Head>
            <Table.Body>
              {ROWS.map(([field, label]) => {
                const value = metrics[field] as { calendar: number | null; business: number | null };
                return (
                  <Table.Row key={field} data-metric={field}>
                    <Table.Cell>{t(label)}</Table.Cell>
                    <Table.Cell data-minutes={value.calendar ?? ''}>{formatMinutes(value.calendar)}</Table.Cell>
                    <Table.Cell data-minutes={value.business ?? ''}>{formatMinutes(value.business)}</Table.Cell>
                  </Table.Row>
                );
              })}
            </Table.Body>
          </Table>
          <SM>{t('metrics.replies', { count: metrics.replies, reopens: metrics.reopens })}</SM>
        </>
      )}
    </Section>
  );
}
