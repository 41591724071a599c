import styled from 'styled-components';
import { Anchor } from '@zendeskgarden/react-buttons';
import { Table } from '@zendeskgarden/react-tables';
import { Tag } from '@zendeskgarden/react-tags';
import { t } from '../../../shared/i18n/t.ts';
import { requesterName, rowsText, scopeOf, stateLabel, STATE_HUES, typeName } from './describe.ts';
import { downloadHref, type DataExport } from './exportApi.ts';
import { formatBytes, formatDateTime } from './format.ts';
import { GroupHeading, Subtle } from './parts.tsx';

const Scroll = styled.div`
  overflow-x: auto;
`;

const Small = styled(Subtle)`
  font-size: ${(p) => p.theme.fontSizes.sm};
`;

/**
 * Every request of the last 50, newest first: beyond Zendesk's single "most recent" link, an admin
 * sees who asked for what, what failed and why, and each file still downloadable.
 */
export function RecentExports({ exports }: { exports: DataExport[] }) {
  return (
    <section aria-labelledby="export-recent-heading">
      <GroupHeading id="export-recent-heading">{t('export.recent.heading')}</GroupHeading>
      {exports.length === 0 ? (
        <Subtle>{t('export.recent.empty')}</Subtle>
      ) : (
        <Scroll>
          <Table size="small" isReadOnly aria-label={t('export.recent.label')}>
            <Table.Head>
              <Table.HeaderRow>
                <Table.HeaderCell>{t('export.recent.export')}</Table.HeaderCell>
                <Table.HeaderCell>{t('export.recent.requested')}</Table.HeaderCell>
                <Table.HeaderCell>{t('export.recent.status')}</Table.HeaderCell>
                <Table.HeaderCell>{t('export.recent.rows')}</Table.HeaderCell>
                <Table.HeaderCell>{t('export.recent.file')}</Table.HeaderCell>
              </Table.HeaderRow>
            </Table.Head>
            <Table.Body>
              {exports.map((e) => <ExportRow key={e.id} e={e} />)}
            </Table.Body>
          </Table>
        </Scroll>
      )}
    </section>
  );
}

function ExportRow({ e }: { e: DataExport }) {
  const scope = scopeOf(e);
  return (
    <Table.Row>
      <Table.Cell>
        <div>{typeName(e)} #{e.id}</div>
        {scope && <Small>{scope}</Small>}
      </Table.Cell>
      <Table.Cell>
        <div>{formatDateTime(e.created_at)}</div>
        <Small>{requesterName(e)}</Small>
      </Table.Cell>
      <Table.Cell>
        <Tag hue={STATE_HUES[e.state]}>{stateLabel(e)}</Tag>
        {e.state === 'failed' && e.error && <Small>{e.error}</Small>}
      </Table.Cell>
      <Table.Cell>{e.state === 'done' || e.state === 'expired' ? rowsText(e.rows) : '—'}</Table.Cell>
      <Table.Cell>
        {e.download_url ? (
          <>
            <Anchor href={downloadHref(e.id)} download={e.file_name ?? true}>
              {t('export.recent.download', { id: e.id })}
            </Anchor>
            <Small>
              {e.size === null ? '' : `${formatBytes(e.size)}, `}
              {t('export.recent.until', { time: formatDateTime(e.expires_at) })}
            </Small>
          </>
        ) : '—'}
      </Table.Cell>
    </Table.Row>
  );
}
