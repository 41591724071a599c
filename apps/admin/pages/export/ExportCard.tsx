import { useState } from 'react';
import styled from 'styled-components';
import { Anchor } from '@zendeskgarden/react-buttons';
import { Progress } from '@zendeskgarden/react-loaders';
import { Alert } from '@zendeskgarden/react-notifications';
import { Tag } from '@zendeskgarden/react-tags';
import { getColor } from '@zendeskgarden/react-theming';
import { LG, MD, Paragraph } from '@zendeskgarden/react-typography';
import { ApiError, describeError } from '../../../shared/api.ts';
import { t } from '../../../shared/i18n/t.ts';
import { requesterName, rowsText, scopeOf } from './describe.ts';
import { downloadHref, isActive, requestExport, type DataExport, type ExportRequest } from './exportApi.ts';
import { formatBytes, formatDateTime, formatRelative } from './format.ts';
import type { ExportOption } from './options.ts';
import { Panel, Stack, Subtle, TitleLine } from './parts.tsx';
import { RequestForm } from './RequestForm.tsx';

const Heading = styled(LG).attrs({ tag: 'h3', isBold: true })`
  margin: 0;
`;

/** The request on the left, the most recent file beside it (below it in a narrow window). */
const Columns = styled.div`
  display: grid;
  grid-template-columns: minmax(0, 1fr);
  gap: ${(p) => p.theme.space.lg};

  @media (min-width: ${(p) => p.theme.breakpoints.lg}) {
    grid-template-columns: minmax(0, 1fr) ${(p) => p.theme.space.base * 70}px;
  }
`;

const Latest = styled.div`
  padding-top: ${(p) => p.theme.space.md};
  border-top: ${(p) => p.theme.borders.sm} ${(p) => getColor({ theme: p.theme, variable: 'border.subtle' })};

  @media (min-width: ${(p) => p.theme.breakpoints.lg}) {
    padding-top: 0;
    padding-left: ${(p) => p.theme.space.lg};
    border-top: 0;
    border-left: ${(p) => p.theme.borders.sm} ${(p) => getColor({ theme: p.theme, variable: 'border.subtle' })};
  }
`;

/**
 * One export option (SPEC E4, E5, E8): what it holds, the request form, the running export's
 * progress or the last failure, and beside it the most recent file with its date and expiry.
 * Above the ticket threshold CSV and Full XML say why they are not offered instead of failing on request.
 */
export function ExportCard({ option, jsonOnly, newest, latest, onRequested, onConflict, onRefused }: {
  option: ExportOption;
  jsonOnly: boolean;
  /** The newest request of this type, whatever its state. */
  newest: DataExport | undefined;
  /** The most recent downloadable file of this type. */
  latest: DataExport | undefined;
  onRequested: (created: DataExport) => void;
  /** The server named an export of this type that this page has not shown yet (409). */
  onConflict: () => void;
  /** The server refused the viewer (403): the settings changed since the page loaded them. */
  onRefused: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const type = t(option.title);
  const headingId = `export-${option.kind}-heading`;
  const active = newest && isActive(newest) ? newest : undefined;
  const failed = newest?.state === 'failed' ? newest : undefined;

  const request = async (body: ExportRequest) => {
    setBusy(true);
    setProblem(null);
    try {
      onRequested(await requestExport(body));
    } catch (err) {
      setProblem(describeError(err));
      if (err instanceof ApiError && err.status === 409) onConflict();
      if (err instanceof ApiError && err.status === 403) onRefused();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Panel aria-labelledby={headingId}>
      <TitleLine>
        <Heading id={headingId}>{type}</Heading>
        <Tag hue="grey" title={t(option.zip64 ? 'export.zip64.title' : 'export.zip32.title')}>
          {t(option.zip64 ? 'export.zip64' : 'export.zip32')}
        </Tag>
      </TitleLine>
      <Columns>
        <div>
          <Paragraph>{t(option.about)}</Paragraph>
          {jsonOnly && option.ticketBound ? (
            <Stack><Alert type="info" role="note">{t('export.jsonOnly.unavailable')}</Alert></Stack>
          ) : (
            <RequestForm
              option={option}
              jsonOnly={jsonOnly}
              busy={busy}
              blockedBy={active ? t('export.job.oneAtATime', { type }) : null}
              onRequest={request}
            />
          )}
          <div aria-live="polite">
            {problem && (
              <Stack>
                <Alert type="error">
                  <Alert.Title>{t('export.requestFailed', { type })}</Alert.Title>
                  {problem}
                </Alert>
              </Stack>
            )}
            {active && <JobProgress job={active} type={type} />}
            {failed && !problem && (
              <Stack>
                <Alert type="error">
                  <Alert.Title>{t('export.job.failed', { type })}</Alert.Title>
                  {failed.error}
                </Alert>
              </Stack>
            )}
          </div>
        </div>
        <Latest aria-live="polite">
          <MD isBold tag="h4">{t('export.latest.heading')}</MD>
          {latest ? <LatestFile file={latest} type={type} /> : <Stack><Subtle>{t('export.latest.none')}</Subtle></Stack>}
        </Latest>
      </Columns>
    </Panel>
  );
}

function JobProgress({ job, type }: { job: DataExport; type: string }) {
  const queued = job.state === 'queued';
  return (
    <Stack>
      <Progress value={queued ? 0 : job.progress} aria-label={t('export.job.progress', { type })} />
      <Subtle>
        {queued
          ? t('export.job.queued', { time: formatDateTime(job.created_at), name: requesterName(job) })
          : t('export.job.running', { progress: job.progress, rows: rowsText(job.rows) })}
      </Subtle>
      {job.error && <Subtle>{job.error}</Subtle>}
    </Stack>
  );
}

function LatestFile({ file, type }: { file: DataExport; type: string }) {
  const scope = scopeOf(file);
  const size = file.size === null ? '' : formatBytes(file.size);
  return (
    <Stack>
      <div>
        <Anchor href={downloadHref(file.id)} download={file.file_name ?? true}>
          {t('export.latest.download', { type, size })}
        </Anchor>
      </div>
      {scope && <Subtle>{scope}</Subtle>}
      <Subtle>
        {t('export.latest.generated', { time: formatDateTime(file.snapshot_at ?? file.created_at), name: requesterName(file), rows: rowsText(file.rows) })}
      </Subtle>
      <Subtle>{t('export.latest.expires', { time: formatDateTime(file.expires_at), relative: formatRelative(file.expires_at) })}</Subtle>
    </Stack>
  );
}
