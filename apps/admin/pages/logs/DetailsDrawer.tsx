import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import styled from 'styled-components';
import { Anchor, Button } from '@zendeskgarden/react-buttons';
import { Skeleton } from '@zendeskgarden/react-loaders';
import { Drawer } from '@zendeskgarden/react-modals';
import { Alert } from '@zendeskgarden/react-notifications';
import { getColor } from '@zendeskgarden/react-theming';
import { LG, Paragraph } from '@zendeskgarden/react-typography';
import { describeError } from '../../../shared/api.ts';
import { t } from '../../../shared/i18n/t.ts';
import { formatInstant } from '../../../shared/time.ts';
import { Link } from '../../router.tsx';
import { fetchLog, retryLog, type JobInfo, type LogDetail, type LogRow } from './api.ts';
import { StatusTag } from './StatusTag.tsx';

// Wide enough for formatted JSON; Garden's drawer is 380px.
const Pane = styled(Drawer)`
  width: min(${(p) => p.theme.space.base * 140}px, 100vw);
`;

const Facts = styled.dl`
  display: grid;
  grid-template-columns: max-content 1fr;
  gap: ${(p) => p.theme.space.xs} ${(p) => p.theme.space.md};
  margin: 0 0 ${(p) => p.theme.space.lg};
  dt { color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.subtle' })}; }
  dd { margin: 0; overflow-wrap: anywhere; }
`;

const Section = styled.section`
  margin-bottom: ${(p) => p.theme.space.lg};
`;

const SectionTitle = styled(LG)`
  margin-bottom: ${(p) => p.theme.space.sm};
`;

const Json = styled.pre`
  box-sizing: border-box;
  max-height: ${(p) => p.theme.space.base * 120}px;
  margin: 0;
  padding: ${(p) => p.theme.space.sm};
  overflow: auto;
  border-radius: ${(p) => p.theme.borderRadii.md};
  background-color: ${(p) => getColor({ theme: p.theme, variable: 'background.subtle' })};
  font-family: ${(p) => p.theme.fonts.mono};
  font-size: ${(p) => p.theme.fontSizes.sm};
  line-height: ${(p) => p.theme.lineHeights.sm};
  white-space: pre-wrap;
  overflow-wrap: anywhere;
`;

const Row = styled.div`
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: ${(p) => p.theme.space.sm};
  margin-bottom: ${(p) => p.theme.space.sm};
`;

const Gap = styled.div`
  margin-bottom: ${(p) => p.theme.space.md};
`;

/** Where a ticket's own page is; deskbridge's agent view will take over this link when it ships. */
export const ticketHref = (id: number) => `/api/v2/tickets/${id}.json`;
export const ticketLogHref = (id: number) => `/admin/apps-integrations/integrations/logs?ticket_id=${id}`;

const json = (value: unknown) => JSON.stringify(value, null, 2) ?? 'null';
const isScalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** The top-level fields of the details that read as one line each (attempt, duration, error code …). */
function scalarFields(details: unknown): [string, string][] {
  if (!details || typeof details !== 'object' || Array.isArray(details)) return [];
  return Object.entries(details).filter(([, v]) => isScalar(v)).map(([k, v]) => [k, String(v)]);
}

function jobSummary(job: JobInfo): string {
  return t('logs.details.jobSummary', { id: job.id, state: t(`logs.job.${job.state}`), attempts: job.attempts, max: job.max_attempts });
}

type Load = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'ready'; detail: LogDetail };
type RetryState = { status: 'idle' } | { status: 'pending' } | { status: 'failed'; message: string } | { status: 'done'; log: LogRow; job: JobInfo };

type Props = {
  logId: number | undefined;
  zone: string;
  newer?: number | undefined;
  older?: number | undefined;
  onNavigate: (id: number) => void;
  onClose: () => void;
  /** After a retry: the list reads its newest rows again. */
  onRetried: () => void;
};

function useLogDetail(id: number | undefined) {
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (id === undefined) return undefined;
    const abort = new AbortController();
    setLoad({ status: 'loading' });
    fetchLog(id, abort.signal).then(
      (detail) => setLoad({ status: 'ready', detail }),
      (err: unknown) => { if (!abort.signal.aborted) setLoad({ status: 'failed', message: describeError(err) }); },
    );
    return () => abort.abort();
  }, [id, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { load, reload };
}

/** Zendesk's details pane, and more: every structured detail, the job behind the row, Retry. */
export function DetailsDrawer({ logId, zone, newer, older, onNavigate, onClose, onRetried }: Props) {
  const { load, reload } = useLogDetail(logId);
  const [retry, setRetry] = useState<RetryState>({ status: 'idle' });
  const [copied, setCopied] = useState(false);
  useEffect(() => { setRetry({ status: 'idle' }); setCopied(false); }, [logId]);
  const pane = useRef<HTMLDivElement>(null);
  // Stepping to the first or last row disables the button just used: keep the focus in the pane.
  useEffect(() => {
    const active = document.activeElement;
    if (!pane.current || (active && active !== document.body && !(active instanceof HTMLButtonElement && active.disabled))) return;
    pane.current.focus();
  }, [logId, newer, older]);

  const runRetry = async (id: number) => {
    setRetry({ status: 'pending' });
    try {
      const result = await retryLog(id);
      setRetry({ status: 'done', log: result.log, job: result.job });
      reload();
      onRetried();
    } catch (err) {
      setRetry({ status: 'failed', message: describeError(err) });
    }
  };

  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  let content: ReactNode;
  if (load.status === 'loading') {
    content = (
      <div role="status" aria-label={t('logs.details.loading')}>
        <Skeleton width="60%" /><Skeleton /><Skeleton width="80%" /><Skeleton width="40%" />
      </div>
    );
  } else if (load.status === 'failed') {
    content = (
      <Alert type="error" role="alert">
        <Alert.Title>{t('logs.details.failed')}</Alert.Title>
        <Gap>{load.message}</Gap>
        <Button size="small" onClick={reload}>{t('errors.retry')}</Button>
      </Alert>
    );
  } else {
    const { log, job } = load.detail;
    const when = formatInstant(log.timestamp, zone);
    content = (
      <>
        <Row><StatusTag status={log.status} /><span>{log.product}</span></Row>
        <Gap><Paragraph>{log.description}</Paragraph></Gap>
        <Facts aria-label={t('logs.details.summary')}>
          <dt>{t('logs.details.time')}</dt>
          <dd><time dateTime={when.iso}>{when.date} {when.time} {when.zone}</time> ({zone})</dd>
          <dt>{t('logs.details.utc')}</dt>
          <dd>{when.iso}</dd>
          <dt>{t('logs.column.product')}</dt>
          <dd>{log.product}</dd>
          <dt>{t('logs.details.rowId')}</dt>
          <dd>{log.id}</dd>
          {log.ticket_id !== null && (
            <>
              <dt>{t('logs.details.ticket')}</dt>
              <dd>
                <Anchor href={ticketHref(log.ticket_id)} isExternal externalIconLabel={t('logs.details.newTab')}>{t('logs.details.ticketLink', { id: log.ticket_id })}</Anchor>
                {' · '}
                <Link to={ticketLogHref(log.ticket_id)}>{t('logs.details.ticketActivity')}</Link>
              </dd>
            </>
          )}
          {scalarFields(log.details).map(([k, v]) => (
            <FactRow key={`d-${k}`} name={k} value={v} />
          ))}
        </Facts>

        <Section aria-labelledby="log-job-title">
          <SectionTitle tag="h3" id="log-job-title" isBold>{t('logs.details.job')}</SectionTitle>
          {log.job_id === null && <Paragraph>{t('logs.details.noJob')}</Paragraph>}
          {log.job_id !== null && !job && <Paragraph>{t('logs.details.jobGone', { id: log.job_id })}</Paragraph>}
          {job && (
            <>
              <Paragraph>{jobSummary(job)}</Paragraph>
              {job.last_error !== null && job.last_error !== undefined && (
                <Gap><Json aria-label={t('logs.details.lastError')}>{json(job.last_error)}</Json></Gap>
              )}
              {retry.status === 'done' && (
                <Gap>
                  <Alert type="success" role="status">
                    <Alert.Title>{t('logs.details.retried', { id: retry.job.id })}</Alert.Title>
                    <Gap>{t('logs.details.retriedRow', { description: retry.log.description })}</Gap>
                    <Button size="small" onClick={() => onNavigate(retry.log.id)}>{t('logs.details.showNewRow')}</Button>
                  </Alert>
                </Gap>
              )}
              {retry.status === 'failed' && (
                <Gap>
                  <Alert type="error" role="alert">
                    <Alert.Title>{t('logs.details.retryFailed')}</Alert.Title>
                    {retry.message}
                  </Alert>
                </Gap>
              )}
              {job.retryable ? (
                <Button isPrimary onClick={() => runRetry(log.id)} disabled={retry.status === 'pending'} aria-busy={retry.status === 'pending'}>
                  {retry.status === 'pending' ? t('logs.details.retrying') : t('logs.details.retry')}
                </Button>
              ) : (
                retry.status !== 'done' && <Paragraph>{t(`logs.details.notRetryable.${job.state}`)}</Paragraph>
              )}
            </>
          )}
        </Section>

        <Section aria-labelledby="log-json-title">
          <Row>
            <SectionTitle tag="h3" id="log-json-title" isBold>{t('logs.details.details')}</SectionTitle>
            <Button size="small" isBasic onClick={() => copy(json(log.details))}>{copied ? t('logs.details.copied') : t('logs.details.copy')}</Button>
          </Row>
          <Json tabIndex={0} aria-labelledby="log-json-title">{json(log.details)}</Json>
        </Section>
      </>
    );
  }

  return (
    <Pane ref={pane} isOpen={logId !== undefined} onClose={onClose}>
      <Drawer.Header tag="h2">{logId === undefined ? t('logs.details.title') : t('logs.details.titleWithId', { id: logId })}</Drawer.Header>
      <Drawer.Body>{content}</Drawer.Body>
      <Drawer.Footer>
        <Drawer.FooterItem>
          <Button isBasic disabled={newer === undefined} onClick={() => newer !== undefined && onNavigate(newer)}>{t('logs.details.newer')}</Button>
        </Drawer.FooterItem>
        <Drawer.FooterItem>
          <Button isBasic disabled={older === undefined} onClick={() => older !== undefined && onNavigate(older)}>{t('logs.details.older')}</Button>
        </Drawer.FooterItem>
        <Drawer.FooterItem>
          <Button onClick={onClose}>{t('logs.details.close')}</Button>
        </Drawer.FooterItem>
      </Drawer.Footer>
      <Drawer.Close aria-label={t('logs.details.close')} />
    </Pane>
  );
}

function FactRow({ name, value }: { name: string; value: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{value}</dd>
    </>
  );
}
