import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { integrationLogs, jobs, users, type IntegrationLog, type Job } from '../../db/schema/index.ts';
import { testConfig } from '../../runner/config.ts';
import { createAccount } from '../../runner/core/accounts.ts';
import { systemClock } from '../../runner/core/clock.ts';
import { createApp } from '../../runner/http/app.ts';
import { launchChromium, screenshot as saveScreenshot, serveApp } from '../helpers/browser.ts';
import { createTestDatabase } from '../helpers/db.ts';

// The integration log page as an admin uses it: the built pages, the real server, Chromium.
const LOGS = '/admin/apps-integrations/integrations/logs';

let database: Database;
let closeServer: (() => Promise<void>) | undefined;
let browser: Browser;
let base: string;
let accountId: number;

type NewLog = Partial<typeof integrationLogs.$inferInsert> & { ts: Date };
async function insertLogs(rows: NewLog[]): Promise<IntegrationLog[]> {
  return database.db.insert(integrationLogs).values(rows.map((r) => ({
    accountId, product: 'salesforce', status: 'info' as const, description: 'Synced', ...r,
  }))).returning();
}

async function insertDeadJob(over: Partial<typeof jobs.$inferInsert> = {}): Promise<Job> {
  const [job] = await database.db.insert(jobs).values({
    accountId, kind: 'event', name: 'ticket.updated', connectorId: 'salesforce', state: 'dead', attempts: 8, maxAttempts: 8,
    lastError: { message: 'Salesforce answered 503 Service Unavailable', status: 503 }, ...over,
  }).returning();
  return job!;
}

// A day of activity on 10 February 2026, when New York is on EST (UTC−5) and Paris on CET (UTC+1).
const at = (iso: string) => new Date(iso);
let day: Record<string, IntegrationLog>;
let recentFailure: IntegrationLog;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/ensure-web.mjs'], { stdio: 'inherit' });
  database = await createTestDatabase();
  const { account, owner } = await createAccount(database.db, systemClock, {
    subdomain: 'demo', name: 'Demo', timeZone: 'Europe/Paris', owner: { name: 'Ada Admin', email: 'admin@demo.test', password: 'correct-horse' },
  });
  accountId = account.id;
  // The profile's zone is the page's default; the browser's (Asia/Tokyo, below) is the fallback.
  await database.db.update(users).set({ timeZone: 'America/New_York' }).where(eq(users.id, owner.id));

  const lockJob = await insertDeadJob({ ticketId: 101 });
  const named: Record<string, NewLog> = {
    synced: { ts: at('2026-02-10T14:00:00.000Z'), description: 'Ticket 101 synced to case 5001', details: { case_id: '5001', attempt: 1, duration_ms: 240 }, ticketId: 101 },
    lockError: {
      ts: at('2026-02-10T15:04:05.678Z'), status: 'error', description: 'Case update failed: UNABLE_TO_LOCK_ROW', ticketId: 101, jobId: lockJob.id,
      details: { attempt: 8, duration_ms: 812, error_code: 'UNABLE_TO_LOCK_ROW', request: { method: 'PATCH', path: '/services/data/v60.0/sobjects/Case/5001' }, response: { status: 503 } },
    },
    delayed: { ts: at('2026-02-10T16:30:00.000Z'), product: 'shopify', status: 'warning', description: 'Order 1234 fulfillment delayed; retrying in 8 s', details: { order: 1234 } },
    badEmail: { ts: at('2026-02-10T18:00:00.000Z'), product: 'shopify', status: 'error', description: 'Customer sync failed: invalid email' },
    apiCall: { ts: at('2026-02-10T19:00:00.000Z'), product: 'bot-api', status: 'debug', description: 'Make an API call: GET /orders/1234 answered 200' },
    delivery: { ts: at('2026-02-10T21:00:00.000Z'), product: 'sunshine', status: 'error', description: 'Messaging delivery failed: template rejected' },
    flow: { ts: at('2026-02-10T22:00:00.000Z'), product: 'zis', description: 'Execution Successful' },
    nextDay: { ts: at('2026-02-11T09:00:00.000Z'), product: 'actions', description: 'Auto assist suggestion applied' },
    // Errors of a product outside the 10 February window: not in that window's product list.
    older: { ts: at('2026-02-01T12:00:00.000Z'), product: 'legacy-crm', status: 'error', description: 'Contact sync failed' },
  };
  const rows = await insertLogs(Object.values(named));
  day = Object.fromEntries(Object.keys(named).map((k, i) => [k, rows[i]!]));

  // The last hours (the page's default window, the last 7 days): enough rows for several pages.
  const now = Date.now();
  await insertLogs(Array.from({ length: 120 }, (_, i) => ({
    ts: new Date(now - (i + 2) * 60_000), product: 'salesforce', description: `Ticket ${2000 + i} synced to case ${9000 + i}`, ticketId: 2000 + i,
  })));
  const orderJob = await insertDeadJob({ connectorId: 'shopify', name: 'orders/create' });
  [recentFailure] = await insertLogs([{
    ts: new Date(now - 30_000), product: 'shopify', status: 'error', description: 'Order 5678 could not be attached to a profile', jobId: orderJob.id,
    details: { order: 5678, attempt: 8, error_code: 'PROFILE_LOCKED' },
  }]) as [IntegrationLog];

  const app = createApp({ database, config: testConfig(), clock: systemClock, webRoot: path.resolve('dist/web') });
  ({ base, close: closeServer } = await serveApp(app));
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await closeServer?.(); // ends the live tail's open response too
  await database?.close();
});

const contexts: BrowserContext[] = [];
// A failed test leaves its browser open: close it before the next one starts.
afterEach(async () => { await Promise.all(contexts.splice(0).map((c) => c.close())); });

/** A fresh browser (no cookies, in Tokyo) that signs in on the way to `pathname`. */
async function signedIn(pathname: string): Promise<{ page: Page; errors: Error[]; done: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: 'Asia/Tokyo' });
  contexts.push(context);
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (err) => errors.push(err));
  await page.goto(base + pathname);
  await page.waitForURL((url) => url.pathname === '/login');
  await page.getByLabel('Email').fill('admin@demo.test');
  await page.getByLabel('Password').fill('correct-horse');
  await page.getByLabel('Password').press('Enter');
  await page.waitForURL((url) => url.pathname === LOGS);
  await page.getByRole('heading', { name: 'Integration log', level: 1 }).waitFor();
  return { page, errors, done: () => context.close() };
}

async function screenshot(page: Page, name: string) {
  // Drawers slide in for a quarter of a second: shoot once they are in place.
  await expect.poll(() => page.evaluate(() => document.getAnimations().filter((a) => a.effect?.getTiming().iterations !== Infinity).length), { timeout: 5_000 }).toBe(0);
  await saveScreenshot(page, `logs-${name}`, `logs-${name}.png`);
}

const table = (page: Page) => page.getByRole('table', { name: /Integration log rows/ });
const bodyRows = (page: Page) => table(page).locator('tbody tr[data-log-id]');
const rowIds = async (page: Page) => (await bodyRows(page).evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-log-id')))));
const query = (page: Page) => new URL(page.url()).searchParams;
/** The window of 10 February 2026 in New York, as the address carries it. */
const FEB_10 = `start_time=2026-02-10T05:00:00Z&end_time=2026-02-11T05:00:00Z`;

async function waitForIds(page: Page, expected: number[]) {
  await expect.poll(() => rowIds(page), { timeout: 10_000 }).toEqual(expected);
}

async function pick(page: Page, combobox: string, option: string | RegExp) {
  await page.getByRole('combobox', { name: combobox }).click();
  await page.getByRole('option', { name: option }).click();
}

describe('the integration log page', { timeout: 90_000 }, () => {
  it('signs in to the log, newest first, in the profile’s time zone, and pages on by scrolling', async () => {
    const { page, errors, done } = await signedIn(LOGS);
    await bodyRows(page).first().waitFor();
    const first = bodyRows(page).first();
    expect(await first.textContent()).toContain('Order 5678 could not be attached to a profile');
    await expect.poll(() => first.getByText(/^E[SD]T$/).count()).toBe(1);
    expect(await page.getByRole('combobox', { name: 'Time zone' }).inputValue()).toBe('America/New_York');
    expect(await first.locator('[data-status]').getAttribute('data-status')).toBe('error');
    expect(await page.getByText('Last 7 days').first().isVisible()).toBe(true);
    await screenshot(page, 'page');

    // 121 rows in the default week: the first page holds 50; scrolling down reads the next ones.
    expect(await bodyRows(page).count()).toBe(50);
    await page.getByTestId('log-scroller').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect.poll(() => bodyRows(page).count()).toBeGreaterThan(50);
    await page.getByTestId('log-scroller').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect.poll(() => bodyRows(page).count()).toBe(121);
    await page.getByText('121 rows: that is all for these filters.').waitFor();
    expect(new Set(await rowIds(page)).size).toBe(121);
    expect(errors).toEqual([]);
    await done();
  });

  it('filters by a time window and a status; the address keeps the filters', async () => {
    const { page, errors, done } = await signedIn(LOGS);
    await bodyRows(page).first().waitFor();
    await page.getByRole('button', { name: 'Filter' }).click();
    const drawer = page.getByRole('dialog', { name: 'Filter' });
    await drawer.waitFor();
    expect(await drawer.textContent()).toContain('Dates and times are in America/New_York');
    // 09:00–14:00 in New York on 10 February is 14:00–19:00 UTC.
    await drawer.getByLabel('Start date').fill('2026-02-10');
    await drawer.getByLabel('Start time').fill('09:00');
    await drawer.getByLabel('End date').fill('2026-02-10');
    await drawer.getByLabel('End time').fill('14:00');
    await pick(page, 'Status', 'Error');
    await drawer.getByRole('heading', { name: 'Filter' }).click();
    await screenshot(page, 'filter');
    await drawer.getByRole('button', { name: 'Apply filters' }).click();
    await drawer.waitFor({ state: 'detached' });

    await waitForIds(page, [day.badEmail!.id, day.lockError!.id]);
    const q = query(page);
    expect(q.get('start_time')).toBe('2026-02-10T14:00:00Z');
    expect(q.get('end_time')).toBe('2026-02-10T19:00:00Z');
    expect(q.get('status')).toBe('error');
    await page.getByRole('group', { name: 'Active filters' }).getByText('Status: Error').waitFor();
    await page.getByRole('button', { name: 'Filter (2)' }).waitFor();
    await screenshot(page, 'filtered');

    // The export links carry the same filters and give the same rows.
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const csv = await page.getByRole('menuitem', { name: /CSV/ }).getAttribute('href');
    expect(csv).toContain('status=error');
    expect(csv).toContain('start_time=2026-02-10T14%3A00%3A00Z');
    const exported = await page.request.get(base + csv!);
    expect(exported.status()).toBe(200);
    const lines = (await exported.text()).trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('Customer sync failed');
    expect(lines[2]).toContain('UNABLE_TO_LOCK_ROW');
    const ndjson = await page.getByRole('menuitem', { name: /NDJSON/ }).getAttribute('href');
    expect((await (await page.request.get(base + ndjson!)).text()).trim().split('\n').map((l) => JSON.parse(l).id)).toEqual([day.badEmail!.id, day.lockError!.id]);
    await page.keyboard.press('Escape');

    // The link is shareable: opened afresh it shows the same rows, and the form reads back the same.
    await page.goto(page.url());
    await waitForIds(page, [day.badEmail!.id, day.lockError!.id]);
    await page.getByRole('button', { name: 'Filter (2)' }).click();
    const again = page.getByRole('dialog', { name: 'Filter' });
    expect(await again.getByLabel('Start time').inputValue()).toBe('09:00');
    expect(await again.getByLabel('End date').inputValue()).toBe('2026-02-10');
    expect(errors).toEqual([]);
    await done();
  });

  it('searches the text of the rows; no match shows the empty state; a failed read shows a banner with Try again', async () => {
    const { page, errors, done } = await signedIn(`${LOGS}?${FEB_10}`);
    await bodyRows(page).first().waitFor();
    await page.getByRole('searchbox', { name: 'Search the log' }).fill('order 1234');
    await waitForIds(page, [day.delayed!.id]);
    expect(query(page).get('q')).toBe('order 1234');
    await page.getByRole('searchbox', { name: 'Search the log' }).fill('unable_to_lock');
    await page.getByRole('searchbox', { name: 'Search the log' }).press('Enter');
    await waitForIds(page, [day.lockError!.id]);
    await screenshot(page, 'search');
    await page.getByRole('searchbox', { name: 'Search the log' }).fill('nothing-matches-this');
    await page.getByText('No rows match these filters').waitFor();
    await screenshot(page, 'empty');
    await page.getByRole('button', { name: 'Clear all filters' }).first().click();
    await expect.poll(() => page.url()).toBe(base + LOGS);
    await expect.poll(() => page.getByRole('searchbox', { name: 'Search the log' }).inputValue()).toBe('');

    // The server is down for one read: a banner says so, and Try again reads again.
    let failures = 1;
    await page.route('**/api/v2/integrations/logs?**', (route) => (failures-- > 0
      ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'Unavailable', description: 'The log store is restarting.' }) })
      : route.continue()));
    await page.getByRole('searchbox', { name: 'Search the log' }).fill('order');
    const banner = page.getByRole('alert').filter({ hasText: 'Could not load the integration log' });
    await banner.getByText('The log store is restarting.').waitFor();
    await screenshot(page, 'error');
    await banner.getByRole('button', { name: 'Try again' }).click();
    await bodyRows(page).first().waitFor();
    expect(await banner.count()).toBe(0);
    expect(errors).toEqual([]);
    await done();
  });

  it('lists exactly the products with errors in the window, and says so when there are none', async () => {
    const { page, errors, done } = await signedIn(`${LOGS}?${FEB_10}`);
    await waitForIds(page, [day.flow, day.delivery, day.apiCall, day.badEmail, day.delayed, day.lockError, day.synced].map((r) => r!.id));
    await page.getByRole('button', { name: 'Filter (1)' }).click();
    const drawer = page.getByRole('dialog', { name: 'Filter' });
    await page.getByRole('combobox', { name: 'Product' }).click();
    const options = page.getByRole('listbox').getByRole('option');
    await expect.poll(() => options.allTextContents()).toEqual(['salesforce1 error', 'shopify1 error', 'sunshine1 error']);
    await screenshot(page, 'products');
    await page.getByRole('option', { name: /shopify/ }).click();
    await drawer.getByRole('heading', { name: 'Filter' }).click();
    await drawer.getByRole('button', { name: 'Apply filters' }).click();
    await waitForIds(page, [day.badEmail!.id, day.delayed!.id]);
    expect(query(page).get('product')).toBe('shopify');

    // A day without errors: the list is empty and says why.
    await page.getByRole('button', { name: 'Filter (2)' }).click();
    await drawer.getByLabel('Start date').fill('2026-02-12');
    await drawer.getByLabel('End date').fill('2026-02-12');
    await drawer.getByRole('heading', { name: 'Filter' }).click();
    await page.getByRole('combobox', { name: 'Product' }).click();
    await expect.poll(() => options.allTextContents()).toEqual(['No product had errors in this time window']);
    await screenshot(page, 'products-empty');
    expect(errors).toEqual([]);
    await done();
  });

  it('opens a row’s details pane with the mouse and with the keyboard', async () => {
    const { page, errors, done } = await signedIn(`${LOGS}?${FEB_10}`);
    await bodyRows(page).first().waitFor();
    await page.getByRole('row', { name: /UNABLE_TO_LOCK_ROW/ }).click();
    const pane = page.getByRole('dialog', { name: `Log row ${day.lockError!.id}` });
    await pane.waitFor();
    expect(query(page).get('log')).toBe(String(day.lockError!.id));
    await pane.getByText('"error_code": "UNABLE_TO_LOCK_ROW"').waitFor();
    await pane.getByText(`Job ${day.lockError!.jobId}: failed for good; 8 of 8 attempts used.`).waitFor();
    expect(await pane.getByRole('link', { name: /Ticket #101/ }).getAttribute('href')).toBe('/api/v2/tickets/101.json');
    expect(await pane.getByRole('button', { name: 'Retry job' }).isEnabled()).toBe(true);
    expect(await pane.textContent()).toContain('Feb 10, 2026 10:04:05.678 EST');
    await screenshot(page, 'details');
    await pane.getByRole('button', { name: 'Older row' }).click();
    await page.getByRole('dialog', { name: `Log row ${day.synced!.id}` }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(query(page).get('log')).toBeNull();

    // Keyboard only: Tab enters the table on the row last used; ↑ ↑ and Enter open another;
    // Escape closes the pane and the focus is back on that row.
    await page.getByRole('button', { name: 'Clear all filters' }).focus();
    await page.keyboard.press('Tab');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-log-id'));
    await expect.poll(focused).toBe(String(day.lockError!.id));
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: `Log row ${day.badEmail!.id}` }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await expect.poll(focused).toBe(String(day.badEmail!.id));
    await page.keyboard.press('Home');
    await expect.poll(focused).toBe(String(day.flow!.id));
    expect(errors).toEqual([]);
    await done();
  });

  it('retries a failed row: the job is queued again and the new row appears on top', async () => {
    const { page, errors, done } = await signedIn(LOGS);
    await page.getByRole('row', { name: /Order 5678/ }).click();
    const pane = page.getByRole('dialog', { name: `Log row ${recentFailure.id}` });
    await pane.getByRole('button', { name: 'Retry job' }).click();
    await pane.getByText(`Job ${recentFailure.jobId} is queued to run again`).waitFor();
    await pane.getByText(`Job ${recentFailure.jobId}: queued; 8 of 16 attempts used.`).waitFor();
    expect(await pane.getByRole('button', { name: 'Retry job' }).count()).toBe(0);
    const [job] = await database.db.select().from(jobs).where(eq(jobs.id, recentFailure.jobId!));
    expect(job!.state).toBe('queued');
    await screenshot(page, 'retry');

    await pane.getByRole('button', { name: 'Show the new row' }).click();
    const [newest] = await database.db.select().from(integrationLogs).where(eq(integrationLogs.description, 'Retry requested by Ada Admin'));
    await page.getByRole('dialog', { name: `Log row ${newest!.id}` }).waitFor();
    await page.keyboard.press('Escape');
    const top = bodyRows(page).first();
    await expect.poll(() => top.getAttribute('data-log-id')).toBe(String(newest!.id));
    expect(await top.textContent()).toContain('Retry requested by Ada Admin');
    await screenshot(page, 'retried-row');
    expect(errors).toEqual([]);
    await done();
  });

  it('shows the times in another time zone when the selector changes', async () => {
    const { page, errors, done } = await signedIn(`${LOGS}?${FEB_10}`);
    const row = page.getByRole('row', { name: /UNABLE_TO_LOCK_ROW/ });
    await row.waitFor();
    expect(await row.locator('time').textContent()).toBe('Feb 10, 2026 10:04:05.678');
    expect(await row.textContent()).toContain('EST');
    const zone = page.getByRole('combobox', { name: 'Time zone' });
    await zone.focus();
    await zone.fill('Paris');
    await page.getByRole('option', { name: 'Europe/Paris' }).click();
    await expect.poll(() => row.locator('time').textContent()).toBe('Feb 10, 2026 16:04:05.678');
    expect(await row.textContent()).toContain('GMT+1');
    expect(query(page).get('tz')).toBe('Europe/Paris');
    // The window is the same instants, now read in Paris.
    await page.getByText('From Feb 10, 2026 06:00 GMT+1 to Feb 11, 2026 06:00 GMT+1').waitFor();
    await screenshot(page, 'timezone');

    await zone.focus();
    await zone.fill('Tokyo');
    await page.getByRole('option', { name: 'Asia/Tokyo' }).click();
    await expect.poll(() => row.locator('time').textContent()).toBe('Feb 11, 2026 00:04:05.678');
    expect(errors).toEqual([]);
    await done();
  });

  it('live tail puts new rows on top without moving what the reader is looking at', async () => {
    const { page, errors, done } = await signedIn(LOGS);
    await bodyRows(page).first().waitFor();
    await page.getByText('Live tail').click();
    await page.getByText('New rows appear at the top as they are written.').waitFor();
    const scroller = page.getByTestId('log-scroller');
    await scroller.evaluate((el) => el.scrollTo({ top: 600 }));
    const watchedId = await bodyRows(page).nth(20).getAttribute('data-log-id');
    const watched = page.locator(`tbody tr[data-log-id="${watchedId}"]`);
    const before = await watched.boundingBox();
    const [fresh] = await insertLogs([{ ts: new Date(), product: 'sunshine', status: 'warning', description: 'Messaging webhook delivery slow (live)' }]);
    await expect.poll(() => bodyRows(page).first().getAttribute('data-log-id'), { timeout: 10_000 }).toBe(String(fresh!.id));
    const after = await watched.boundingBox();
    expect(Math.abs(after!.y - before!.y)).toBeLessThan(2);
    await page.getByRole('button', { name: '1 new row above' }).click();
    await expect.poll(() => scroller.evaluate((el) => el.scrollTop)).toBe(0);
    await screenshot(page, 'live-tail');
    expect(errors).toEqual([]);
    await done();
  });
});
