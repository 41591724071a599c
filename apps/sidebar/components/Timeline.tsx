import styled from 'styled-components';
import { Anchor } from '@zendeskgarden/react-buttons';
import { Tag } from '@zendeskgarden/react-tags';
import { getColor } from '@zendeskgarden/react-theming';
import { SM, Span } from '@zendeskgarden/react-typography';
import type { LogRow } from '../api.ts';
import { formatWhen } from '../format.ts';
import { t, type SidebarKey } from '../i18n.ts';
import { Section } from './Section.tsx';

const HUE: Record<LogRow['status'], string> = { info: 'primaryHue', warning: 'warningHue', error: 'dangerHue', debug: 'neutralHue' };
const STATUS: Record<LogRow['status'], SidebarKey> = {
  info: 'timeline.statusInfo', warning: 'timeline.statusWarning', error: 'timeline.statusError', debug: 'timeline.statusDebug',
};

const List = styled.ol`
  margin: 0;
  padding: 0;
  list-style: none;
`;
const Entry = styled.li`
  display: flex;
  flex-direction: column;
  gap: 2px;
  padding: ${(p) => p.theme.space.xs} 0;
  border-bottom: ${(p) => p.theme.borders.sm} ${(p) => getColor({ theme: p.theme, variable: 'border.subtle' })};
`;
const Line = styled.div`
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: ${(p) => p.theme.space.xxs};
`;

/** A Salesforce case a row names (`details.case_id`), linked to the org when the row knows its instance. */
function CaseLink({ details }: { details: Record<string, unknown> }) {
  const id = details.case_id;
  if (typeof id !== 'string' && typeof id !== 'number') return null;
  const instance = typeof details.instance_url === 'string' && /^https:\/\//.test(details.instance_url) ? details.instance_url : null;
  const label = t('timeline.salesforceCase', { id: String(id) });
  return instance
    ? <Anchor href={`${instance.replace(/\/+$/, '')}/lightning/r/Case/${id}/view`} target="_blank" isExternal data-case-id={id}>{label}</Anchor>
    : <Span data-case-id={id}>{label}</Span>;
}

/** The ticket's integration log rows, newest first, each linking to its details in the Admin Center's log. */
export function Timeline({ logs, hasMore, logUrl, timeZone }: { logs: LogRow[]; hasMore: boolean; logUrl: string; timeZone: string }) {
  return (
    <Section title={t('timeline.title')} action={<Anchor href={logUrl} target="_blank" isExternal>{t('timeline.openLog')}</Anchor>}>
      {logs.length === 0 ? <SM>{t('timeline.empty')}</SM> : (
        <List aria-label={t('timeline.title')}>
          {logs.map((row) => (
            <Entry key={row.id} data-log-id={row.id}>
              <Line>
                <Tag hue={HUE[row.status]} isPill size="small" data-status={row.status}>{t(STATUS[row.status])}</Tag>
                <Tag size="small">{row.product}</Tag>
                <SM>{formatWhen(row.timestamp, timeZone)}</SM>
              </Line>
              <SM>{row.description}</SM>
              <SM tag="div">
                <Line>
                  <CaseLink details={row.details} />
                  <Anchor href={row.log_url} target="_blank" isExternal>{t('timeline.openRow')}</Anchor>
                </Line>
              </SM>
            </Entry>
          ))}
        </List>
      )}
      {hasMore && <SM>{t('timeline.more')}</SM>}
    </Section>
  );
}
