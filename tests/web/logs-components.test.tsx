// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FilterDrawer } from '../../apps/admin/pages/logs/FilterDrawer.tsx';
import { parseLogQuery, type LogFilters } from '../../apps/admin/pages/logs/filters.ts';
import { LogTable } from '../../apps/admin/pages/logs/LogTable.tsx';
import type { LogRow } from '../../apps/admin/pages/logs/api.ts';
import type { LogRows } from '../../apps/admin/pages/logs/useLogRows.ts';
import { GardenProvider } from '../../apps/shared/theme.tsx';

// Garden asks for the color scheme when its modules load; jsdom has no matchMedia.
vi.hoisted(() => {
  window.matchMedia ??= (query: string) => ({
    matches: false, media: query, onchange: null, addListener: () => {}, removeListener: () => {},
    addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false,
  });
});

// The Logs page's parts in a DOM, with the API answered by a stub.
let products: { name: string; error_count: number; error_count_capped: boolean }[] = [];
const requests: string[] = [];

beforeEach(() => {
  products = [];
  requests.length = 0;
  vi.stubGlobal('fetch', vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    requests.push(url);
    if (url.startsWith('/api/v2/integrations/logs/products')) return new Response(JSON.stringify({ products }), { status: 200 });
    return new Response(JSON.stringify({ error: 'InvalidEndpoint', description: 'Not found' }), { status: 404 });
  }));
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const filters = (qs: string): LogFilters => parseLogQuery(new URLSearchParams(qs));

function renderFilter(f: LogFilters, zone = 'America/New_York') {
  const onApply = vi.fn();
  const onClose = vi.fn();
  render(<GardenProvider><FilterDrawer isOpen filters={f} zone={zone} onApply={onApply} onClose={onClose} /></GardenProvider>);
  return { onApply, onClose, dialog: screen.getByRole('dialog', { name: 'Filter' }) };
}

describe('FilterDrawer', () => {
  it('shows the address’s window as wall times in the zone, and applies it back unchanged', async () => {
    const f = filters('start_time=2026-02-10T14:00:00Z&end_time=2026-02-10T19:00:00Z&status=error');
    const { onApply, dialog } = renderFilter(f);
    expect(within(dialog).getByLabelText('Start date')).toHaveProperty('value', '2026-02-10');
    expect(within(dialog).getByLabelText('Start time')).toHaveProperty('value', '09:00');
    expect(within(dialog).getByLabelText('End time')).toHaveProperty('value', '14:00');
    expect(dialog.textContent).toContain('Dates and times are in America/New_York');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Apply filters' }));
    expect(onApply).toHaveBeenCalledWith(f);
  });

  it('the same instants read in Paris', () => {
    const { dialog } = renderFilter(filters('start_time=2026-02-10T14:00:00Z&end_time=2026-02-10T19:00:00Z'), 'Europe/Paris');
    expect(within(dialog).getByLabelText('Start time')).toHaveProperty('value', '15:00');
    expect(within(dialog).getByLabelText('End time')).toHaveProperty('value', '20:00');
  });

  it('says when a typed time is skipped by the clocks, and uses the time after the gap', () => {
    const { onApply, dialog } = renderFilter(filters(''));
    fireEvent.change(within(dialog).getByLabelText('Start date'), { target: { value: '2026-03-08' } });
    fireEvent.change(within(dialog).getByLabelText('Start time'), { target: { value: '02:30' } });
    expect(dialog.textContent).toContain('This time does not exist in America/New_York (the clocks go forward); the log uses 03:30.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Apply filters' }));
    expect(onApply).toHaveBeenCalledWith(expect.objectContaining({ start: '2026-03-08T07:30:00Z', end: undefined }));
  });

  it('refuses an end before the start, on the end field', () => {
    const { onApply, dialog } = renderFilter(filters(''));
    fireEvent.change(within(dialog).getByLabelText('Start date'), { target: { value: '2026-02-10' } });
    fireEvent.change(within(dialog).getByLabelText('Start time'), { target: { value: '14:00' } });
    fireEvent.change(within(dialog).getByLabelText('End date'), { target: { value: '2026-02-10' } });
    fireEvent.change(within(dialog).getByLabelText('End time'), { target: { value: '09:00' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Apply filters' }));
    expect(onApply).not.toHaveBeenCalled();
    expect(dialog.textContent).toContain('The end must be after the start.');
  });

  it('Escape in a drop-down closes its list, not the drawer; elsewhere it closes the drawer', async () => {
    const { onClose, dialog } = renderFilter(filters(''));
    const status = within(dialog).getByRole('combobox', { name: 'Status' });
    fireEvent.click(status);
    await waitFor(() => expect(status.getAttribute('aria-expanded')).toBe('true'));
    fireEvent.keyDown(status, { key: 'Escape' });
    await waitFor(() => expect(status.getAttribute('aria-expanded')).toBe('false'));
    expect(onClose).not.toHaveBeenCalled();
    fireEvent.keyDown(within(dialog).getByRole('button', { name: 'Apply filters' }), { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('asks for the products with errors in the typed window, and says so when there are none', async () => {
    const { dialog } = renderFilter(filters('start_time=2026-02-10T05:00:00Z&end_time=2026-02-11T05:00:00Z'));
    await waitFor(() => expect(requests).toContain('/api/v2/integrations/logs/products?start_time=2026-02-10T05%3A00%3A00Z&end_time=2026-02-11T05%3A00%3A00Z'));
    fireEvent.click(within(dialog).getByRole('combobox', { name: 'Product' }));
    await waitFor(() => expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['No product had errors in this time window']));
    expect(screen.getByRole('option').getAttribute('aria-disabled')).toBe('true');
  });

  it('lists the products with errors, with their counts', async () => {
    products = [{ name: 'salesforce', error_count: 3, error_count_capped: false }, { name: 'shopify', error_count: 1000, error_count_capped: true }];
    const { dialog } = renderFilter(filters(''));
    await waitFor(() => expect(requests.some((r) => r.startsWith('/api/v2/integrations/logs/products'))).toBe(true));
    fireEvent.click(within(dialog).getByRole('combobox', { name: 'Product' }));
    await waitFor(() => expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['salesforce3 errors', 'shopify1,000+ errors']));
  });
});

const row = (id: number, over: Partial<LogRow> = {}): LogRow => ({
  id, timestamp: '2026-02-10T15:04:05.678Z', product: 'salesforce', status: 'info', description: `Row ${id}`, details: {}, ticket_id: null, job_id: null, ...over,
});

const list = (rows: LogRow[]): LogRows => ({
  rows, status: 'ready', error: null, hasMore: false, loadingMore: false, moreError: null, generation: 1, arrived: 0, tail: 'off',
  loadMore: () => {}, reload: () => {}, refreshHead: async () => {},
});

describe('LogTable', () => {
  const rows = [row(3, { status: 'error', description: 'Case update failed' }), row(2, { status: 'warning' }), row(1, { timestamp: '2026-11-01T06:30:00.000Z' })];

  it('shows each row’s time in the zone, its product, status tag and description', () => {
    render(<GardenProvider><LogTable list={list(rows)} zone="America/New_York" openId={undefined} onOpen={() => {}} empty={null} /></GardenProvider>);
    const table = screen.getByRole('table', { name: /Integration log rows/ });
    const [header, first, , last] = within(table).getAllByRole('row');
    expect(within(header!).getAllByRole('columnheader').map((c) => c.textContent)).toEqual(['Date and time', 'Product', 'Status', 'Description']);
    expect(first!.textContent).toBe('Feb 10, 2026 10:04:05.678ESTsalesforceErrorCase update failed');
    expect(last!.textContent).toContain('Nov 1, 2026 01:30:00.000EST');
    expect(within(first!).getByText('Error').closest('[data-status]')?.getAttribute('data-status')).toBe('error');
  });

  it('the same rows in Paris and in UTC', () => {
    const { rerender } = render(<GardenProvider><LogTable list={list(rows)} zone="Europe/Paris" openId={undefined} onOpen={() => {}} empty={null} /></GardenProvider>);
    expect(screen.getAllByRole('row')[1]!.textContent).toContain('Feb 10, 2026 16:04:05.678GMT+1');
    rerender(<GardenProvider><LogTable list={list(rows)} zone="UTC" openId={undefined} onOpen={() => {}} empty={null} /></GardenProvider>);
    expect(screen.getAllByRole('row')[1]!.textContent).toContain('Feb 10, 2026 15:04:05.678UTC');
  });

  it('one row is in the tab order; arrows move between rows and Enter opens one', () => {
    const onOpen = vi.fn();
    render(<GardenProvider><LogTable list={list(rows)} zone="UTC" openId={undefined} onOpen={onOpen} empty={null} /></GardenProvider>);
    const bodyRows = screen.getAllByRole('row').slice(1);
    expect(bodyRows.map((r) => r.tabIndex)).toEqual([0, -1, -1]);
    act(() => bodyRows[0]!.focus());
    fireEvent.keyDown(bodyRows[0]!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(bodyRows[1]);
    fireEvent.keyDown(bodyRows[1]!, { key: 'End' });
    expect(document.activeElement).toBe(bodyRows[2]);
    fireEvent.keyDown(bodyRows[2]!, { key: 'Home' });
    expect(document.activeElement).toBe(bodyRows[0]);
    fireEvent.keyDown(bodyRows[0]!, { key: 'Enter' });
    expect(onOpen).toHaveBeenCalledWith(rows[0]);
    fireEvent.keyDown(bodyRows[0]!, { key: 'ArrowDown' });
    // The tab stop follows the focus, so Tab away and back returns to the same row.
    expect(bodyRows.map((r) => r.tabIndex)).toEqual([-1, 0, -1]);
  });

  it('shows skeletons while loading and the empty state when there are no rows', () => {
    const { rerender } = render(<GardenProvider><LogTable list={{ ...list([]), status: 'loading' }} zone="UTC" openId={undefined} onOpen={() => {}} empty={<p>Nothing here</p>} /></GardenProvider>);
    expect(screen.getByRole('table', { name: /Integration log rows/ }).getAttribute('aria-busy')).toBe('true');
    expect(screen.queryByText('Nothing here')).toBeNull();
    rerender(<GardenProvider><LogTable list={list([])} zone="UTC" openId={undefined} onOpen={() => {}} empty={<p>Nothing here</p>} /></GardenProvider>);
    expect(screen.getByText('Nothing here')).toBeTruthy();
  });
});
