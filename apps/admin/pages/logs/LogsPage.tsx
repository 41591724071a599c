import { useCallback, useMemo, useRef, useState } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Alert, Well } from '@zendeskgarden/react-notifications';
import { t } from '../../../shared/i18n/t.ts';
import { navigate, useLocation } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { PageHeading } from '../PageHeading.tsx';
import type { LogRow } from './api.ts';
import { DetailsDrawer } from './DetailsDrawer.tsx';
import { FilterDrawer } from './FilterDrawer.tsx';
import { canTail, emptyFilters, hasFilters, parseLogQuery, searchOf, toLogQuery, type LogFilters, type LogView } from './filters.ts';
import { LogTable } from './LogTable.tsx';
import { TimeZoneSelect } from './TimeZoneSelect.tsx';
import { FilterSummary, Toolbar } from './Toolbar.tsx';
import { useLogRows } from './useLogRows.ts';
import { useViewerZone } from './useViewerZone.ts';

export const LOGS_PATH = '/admin/apps-integrations/integrations/logs';

const Banner = styled(Alert)`
  margin-bottom: ${(p) => p.theme.space.md};
`;

const Empty = styled(Well)`
  margin: ${(p) => p.theme.space.lg};
`;

const Actions = styled.div`
  margin-top: ${(p) => p.theme.space.md};
`;

const filtersOf = (v: LogView): LogFilters => ({ start: v.start, end: v.end, statuses: v.statuses, products: v.products, q: v.q, ticketId: v.ticketId });

/**
 * Admin Center › Apps and integrations › Integrations › Logs (SPEC L3–L7, B1–B4): the integration
 * log as a table in the viewer's time zone, filtered from a drawer and a search box, with a
 * details pane, live tail, export and retry. Everything the reader chose is in the address.
 */
export function LogsPage() {
  const { query } = useLocation();
  const view = useMemo(() => parseLogQuery(query), [query]);
  const filters = useMemo(() => filtersOf(view), [view]);
  const { account } = useSession();
  const viewer = useViewerZone(view.tz);
  const [live, setLive] = useState(false);
  const [filterOpen, setFilterOpen] = useState(false);
  const list = useLogRows(filters, live && canTail(filters));

  const viewRef = useRef(view);
  viewRef.current = view;
  const go = useCallback((next: LogView, replace = false) => navigate(LOGS_PATH + searchOf(toLogQuery(next)), { replace }), []);

  const setFilters = useCallback((f: LogFilters) => go({ ...f, tz: viewRef.current.tz }), [go]);
  const onSearch = useCallback((q: string) => go({ ...viewRef.current, q, log: undefined }, true), [go]);
  const onZone = useCallback((zone: string) => go({ ...viewRef.current, tz: zone === viewer.fallback ? undefined : zone }, true), [go, viewer.fallback]);
  const openRow = useCallback((row: LogRow) => go({ ...viewRef.current, log: row.id }), [go]);
  const openId = useCallback((id: number) => go({ ...viewRef.current, log: id }, true), [go]);
  const closeRow = useCallback(() => go({ ...viewRef.current, log: undefined }), [go]);

  const zone = viewer.zone;
  const at = view.log === undefined ? -1 : list.rows.findIndex((r) => r.id === view.log);
  const suggested = [
    ...(viewer.profile ? [{ zone: viewer.profile, label: t('logs.zone.profile') }] : []),
    { zone: viewer.browser, label: t('logs.zone.browser') },
    { zone: account.time_zone, label: t('logs.zone.account') },
    { zone: 'UTC', label: t('logs.zone.utc') },
  ];

  const filtered = hasFilters(filters);
  const empty = (
    <Empty isRecessed>
      <Well.Title>{filtered ? t('logs.empty.filteredTitle') : t('logs.empty.title')}</Well.Title>
      <Well.Paragraph>{filtered ? t('logs.empty.filteredBody') : t('logs.empty.body')}</Well.Paragraph>
      {filtered && (
        <Actions><Button size="small" onClick={() => setFilters(emptyFilters())}>{t('logs.chip.clearAll')}</Button></Actions>
      )}
    </Empty>
  );

  return (
    <>
      <PageHeading above={[t('nav.appsIntegrations'), t('nav.integrations')].join(t('nav.separator'))} below={t('logs.intro')}>
        {t('logs.title')}
      </PageHeading>
      <Toolbar
        filters={filters}
        zoneSelect={zone ? <TimeZoneSelect value={zone} suggested={suggested} onChange={onZone} /> : null}
        live={live}
        tail={list.tail}
        onLive={setLive}
        onSearch={onSearch}
        onOpenFilter={() => setFilterOpen(true)}
      />
      {zone && <FilterSummary filters={filters} zone={zone} onChange={setFilters} />}
      {list.status === 'failed' && (
        <Banner type="error" role="alert">
          <Alert.Title>{t('logs.failed')}</Alert.Title>
          {list.error}
          <Actions><Button size="small" onClick={list.reload}>{t('errors.retry')}</Button></Actions>
        </Banner>
      )}
      {list.status !== 'failed' && <LogTable list={list} zone={zone} openId={view.log} onOpen={openRow} empty={empty} />}
      {zone && (
        <FilterDrawer
          isOpen={filterOpen}
          filters={filters}
          zone={zone}
          onClose={() => setFilterOpen(false)}
          onApply={(f) => { setFilterOpen(false); setFilters(f); }}
        />
      )}
      {zone && (
        <DetailsDrawer
          logId={view.log}
          zone={zone}
          newer={at > 0 ? list.rows[at - 1]?.id : undefined}
          older={at >= 0 ? list.rows[at + 1]?.id : undefined}
          onNavigate={openId}
          onClose={closeRow}
          onRetried={list.refreshHead}
        />
      )}
    </>
  );
}
