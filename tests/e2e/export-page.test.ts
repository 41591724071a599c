import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { desc, eq } from 'drizzle-orm';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { dataExports, type Account, type User } from '../../db/schema/index.ts';
import { testConfig, type Config } from '../../runner/config.ts';
import { systemClock } from '../../runner/core/clock.ts';
import { createAccount, findAccountBySubdomain } from '../../runner/core/accounts.ts';
import type { Ctx } from '../../runner/core/context.ts';
import { createTicket } from '../../runner/core/tickets.ts';
import { createUser } from '../../runner/core/users.ts';
import type { Engine } from '../../runner/engine/engine.ts';
import { updateExportSettings } from '../../runner/exports/settings.ts';
import { exportTask } from '../../runner/exports/task.ts';
import { createApp } from '../../runner/http/app.ts';
import { toActor } from '../../runner/http/auth.ts';
import { createMailer } from '../../runner/mail.ts';
import { launchChromium, screenshot as saveScreenshot, serveApp } from '../helpers/browser.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { closeTestEngines, createTestEngine } from '../helpers/runner.ts';

// The Data export page as an admin sees it: the built pages, the real server with an engine that
// builds the files, Chromium. PGlite, or a fresh PostgreSQL database when DATABASE_URL is set.
const PAGE = '/admin/account/tools/reports';
const OWNER = { email: 'admin@demo.test', password: 'correct-horse' };
const OUTSIDER = { email: 'olga@elsewhere.test', password: 'outsider-horse' };

let database: Database;
let config: Config;
let engine: Engine;
let closeServer: (() => Promise<void>) | undefined;
let browser: Browser;
let base: string;
let owner: User;
let exportDir: string;
let downloads: string;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/ensure-web.mjs'], { stdio: 'inherit' });
  database = await createTestDatabase();
  exportDir = mkdtempSync(path.join(tmpdir(), 'deskbridge-export-page-'));
  downloads = mkdtempSync(path.join(tmpdir(), 'deskbridge-export-downloads-'));
  // A low JSON hint so the page shows it for this small account; the ticket threshold stays high until a test lowers it.
  config = testConfig({ EXPORT_DIR: exportDir, EXPORT_JSON_HINT_TICKETS: '1' });
  const made = await createAccount(database.db, systemClock, {
    subdomain: 'demo', name: 'Demo', timeZone: 'Europe/Paris', owner: { name: 'Ada Admin', ...OWNER },
  });
  owner = made.owner;
  const ctx: Ctx = { accountId: made.account.id, actor: toActor(owner), clock: systemClock };
  await createUser(database.db, ctx, { name: 'Olga Outsider', email: OUTSIDER.email, role: 'admin', password: OUTSIDER.password });
  const customer = await createUser(database.db, ctx, { name: 'Carla Customer', email: 'carla@customer.test' });
  for (const subject of ['Printer jams', 'Refund for order 1042', 'Cannot sign in']) {
    await createTicket(database.db, ctx, { subject, comment: { body: `${subject}, please help` }, requester_id: customer.id });
  }

  engine = createTestEngine(database, systemClock, {
    connectors: [], pollMs: 200, tasks: { export: exportTask({ config, mailer: createMailer(config, database) }) },
  }).engine;
  engine.start();
  const app = createApp({ database, config, clock: systemClock, engine, webRoot: path.resolve('dist/web') });
  ({ base, close: closeServer } = await serveApp(app));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await closeServer?.();
  await engine?.stop();
  await closeTestEngines();
  await database?.close();
  for (const dir of [exportDir, downloads]) if (dir) rmSync(dir, { recursive: true, force: true });
});

const account = async (): Promise<Account> => (await findAccountBySubdomain(database.db, 'demo'))!;

/** Sets export on or off as the owner would, so each test starts from the state it needs. */
async function setExport(enabled: boolean) {
  await updateExportSettings(database.db, systemClock, await account(), toActor(owner), { enabled });
}

/** Signs in on a fresh browser profile (viewer in Paris) and opens the Data export page. */
async function openExportPage(who: { email: string; password: string }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, timezoneId: 'Europe/Paris', acceptDownloads: true });
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (err) => errors.push(err));
  await page.goto(base + PAGE);
  await page.waitForURL((url) => url.pathname === '/login');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByLabel('Password').press('Enter');
  await page.waitForURL((url) => url.pathname === PAGE);
  const main = page.locator('#main-content');
  await main.getByRole('heading', { name: 'Data export', level: 1 }).waitFor();
  await main.getByRole('heading', { name: 'Settings', level: 2 }).waitFor();
  return { page, main, errors, done: () => context.close() };
}

async function screenshot(page: Page, name: string, copyTo?: string) {
  // Garden fades modals and menus in: shoot once finite animations and transitions are over.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity));
  await saveScreenshot(page, `export-${name}`, copyTo);
}

/** Waits for the file's link; on timeout, fails with what the card shows instead (a failure, the progress). */
async function waitForFile(card: Locator, type: string) {
  const link = card.getByRole('link', { name: new RegExp(`^Download the most recent ${type}`) });
  try {
    await link.waitFor({ timeout: 45_000 });
  } catch (err) {
    throw new Error(`no ${type} file appeared; the card shows: ${await card.innerText()}`, { cause: err });
  }
  return link;
}

/** Names of the entries of a ZIP and the text of one of them. */
function readZip(file: string, pick: (name: string) => boolean) {
  const names = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const entry = names.find(pick);
  return { names, text: entry ? execFileSync('unzip', ['-p', file, entry], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 }) : null };
}

describe('the Data export page', { timeout: 90_000 }, () => {
  it('lets the owner turn export on, request a CSV file and download it when done, then turn export off with a confirmation', async () => {
    await setExport(false);
    const { page, main, errors, done } = await openExportPage(OWNER);
    await main.getByText('Data export is off', { exact: true }).waitFor();
    await main.getByText('The export options appear here once data export is on.').waitFor();
    expect(await main.getByRole('button', { name: 'Request file' }).count()).toBe(0);
    const domain = main.getByLabel('Approved email domain');
    expect(await domain.inputValue()).toBe('demo.test');
    await screenshot(page, 'off', 'export-off.png');
    // The owner's domain field checks the value in place, and saves what the server normalizes.
    await domain.fill('not a domain');
    await domain.blur();
    await main.getByText('Enter an email domain such as example.com', { exact: false }).waitFor();
    await domain.fill('@Demo.TEST');
    await main.getByRole('button', { name: 'Save domain' }).click();
    await main.getByText('Saved: admins at demo.test can export.').waitFor();
    expect(await domain.inputValue()).toBe('demo.test');

    await main.getByRole('button', { name: 'Turn on data export' }).click();
    await main.getByText('Data export is on', { exact: true }).waitFor();
    // Four options, the JSON hint above them (this account passes EXPORT_JSON_HINT_TICKETS), and the outbox, empty so far.
    for (const name of ['Full JSON export', 'CSV export', 'Full XML export', 'User XML export']) {
      await main.getByRole('region', { name, exact: true }).getByRole('button', { name: 'Request file' }).waitFor();
    }
    await main.getByText('JSON is recommended for this account').waitFor();
    await main.getByText('This account has more than 1 tickets.', { exact: false }).waitFor();
    await main.getByText('No emails yet.', { exact: false }).waitFor();

    const csv = main.getByRole('region', { name: 'CSV export', exact: true });
    await csv.getByRole('button', { name: 'Request file' }).click();
    // The engine builds the file; the page polls and shows the most recent file once it is done.
    const link = await waitForFile(csv, 'CSV export');
    expect(await csv.textContent()).toMatch(/The link works until .+ \(in 3 days\)/);
    // No SMTP_URL: the "ready" email waits in the outbox, shown on the page with its link.
    const outbox = main.getByRole('region', { name: 'Emails', exact: true });
    await outbox.getByText('Your deskbridge data export is ready').waitFor();
    await outbox.getByText('No mail server is set up (SMTP_URL)', { exact: false }).waitFor();
    await outbox.getByRole('button', { name: 'Show message' }).click();
    await outbox.getByText(/\/api\/v2\/exports\/\d+\/download/).waitFor();
    await main.getByRole('table', { name: 'Recent export requests, newest first' }).getByText('Ready').waitFor();
    // The whole page in one picture for the docs: Garden's chrome scrolls inside, so grow the window instead.
    await page.setViewportSize({ width: 1280, height: 2600 });
    await page.evaluate(() => document.querySelectorAll('*').forEach((el) => { el.scrollTop = 0; }));
    await screenshot(page, 'csv-done', 'export-page.png');
    await page.setViewportSize({ width: 1280, height: 1000 });

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const zip = path.join(downloads, download.suggestedFilename());
    await download.saveAs(zip);
    expect(download.suggestedFilename()).toMatch(/^export_\d{4}_\d{2}_\d{2}_\d+.*\.zip$/);
    const { names, text } = readZip(zip, (n) => n.endsWith('.csv'));
    expect(names.some((n) => n.endsWith('.csv'))).toBe(true);
    expect(text!.split('\n')[0]!.startsWith('ID,Requester')).toBe(true);
    expect(text).toContain('Refund for order 1042');

    await main.getByRole('button', { name: 'Turn off data export' }).click();
    const dialog = page.getByRole('dialog', { name: 'Turn off data export?' });
    await dialog.waitFor();
    await screenshot(page, 'disable-confirm', 'export-disable.png');
    await dialog.getByRole('button', { name: 'Turn off', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await main.getByText('Data export is off', { exact: true }).waitFor();
    await main.getByText('The export options appear here once data export is on.').waitFor();
    expect(await main.getByRole('button', { name: 'Request file' }).count()).toBe(0);
    expect(await main.getByRole('button', { name: 'Turn on data export' }).isVisible()).toBe(true);
    await screenshot(page, 'off-again');
    // The switch reached the server, not only the page.
    expect((await account()).settings.export?.enabled).toBe(false);
    expect(errors).toEqual([]);
    await done();
  });

  it('tells an admin outside the approved domain why the export options are missing', async () => {
    await setExport(true);
    const { page, main, errors, done } = await openExportPage(OUTSIDER);
    await main.getByText('Data export is on', { exact: true }).waitFor();
    const why = main.getByRole('note').filter({ hasText: 'The export options are not available to you' });
    await why.waitFor();
    expect(await why.textContent()).toContain('limited to admins who sign in with an email address at demo.test; yours is at elsewhere.test');
    expect(await main.getByRole('button', { name: 'Request file' }).count()).toBe(0);
    // The domain is the owner's to change; any admin may still turn export off.
    expect(await main.getByLabel('Approved email domain').count()).toBe(0);
    await main.getByText('Only the account owner can change it.').waitFor();
    expect(await main.getByRole('button', { name: 'Turn off data export' }).isVisible()).toBe(true);
    await screenshot(page, 'domain', 'export-domain.png');
    expect(errors).toEqual([]);
    await done();
  });

  it('explains the JSON-only rule above the ticket threshold, requests a JSON export of a date range in the viewer’s zone, and follows export being turned off elsewhere', async () => {
    await setExport(true);
    const threshold = config.EXPORT_TICKET_THRESHOLD;
    config.EXPORT_TICKET_THRESHOLD = 2; // the account has 3 tickets
    try {
      const { page, main, errors, done } = await openExportPage(OWNER);
      await main.getByText('This account exports tickets as JSON only').waitFor();
      for (const name of ['CSV export', 'Full XML export']) {
        const card = main.getByRole('region', { name, exact: true });
        await card.getByText('Not available for this account', { exact: false }).waitFor();
        expect(await card.getByRole('button', { name: 'Request file' }).count()).toBe(0);
      }
      expect(await main.getByRole('region', { name: 'User XML export', exact: true }).getByRole('button', { name: 'Request file' }).isVisible()).toBe(true);

      const json = main.getByRole('region', { name: 'Full JSON export', exact: true });
      await json.getByText('Ticket exports come in 31-day parts', { exact: false }).waitFor();
      await json.getByLabel('Data type').selectOption('users');
      await json.getByLabel('From', { exact: true }).fill('Jan 1, 2020');
      await json.getByLabel('From', { exact: true }).press('Enter');
      await json.getByLabel('To', { exact: true }).fill('Jan 31, 2020');
      await json.getByLabel('To', { exact: true }).press('Enter');
      expect(await json.getByLabel('From', { exact: true }).inputValue()).toBe('Jan 1, 2020');
      await json.getByRole('button', { name: 'Request file' }).click();
      await waitForFile(json, 'Full JSON export');
      await json.getByText('Users, Jan 1, 2020', { exact: false }).waitFor();
      await screenshot(page, 'json-only', 'export-json-only.png');

      // Whole days in the viewer's zone (Paris, UTC+1 in January), the end exclusive.
      const [row] = await database.db.select().from(dataExports).where(eq(dataExports.type, 'json')).orderBy(desc(dataExports.id)).limit(1);
      expect(row).toMatchObject({ dataType: 'users', state: 'done' });
      expect(row!.startTime!.toISOString()).toBe('2019-12-31T23:00:00.000Z');
      expect(row!.endTime!.toISOString()).toBe('2020-01-31T23:00:00.000Z');

      // Another admin turns export off while the page is open: the next request is refused, and the page says why.
      await setExport(false);
      await main.getByRole('region', { name: 'User XML export', exact: true }).getByRole('button', { name: 'Request file' }).click();
      await main.getByText('Data export is off', { exact: true }).waitFor();
      await main.getByText('The export options appear here once data export is on.').waitFor();
      expect(errors).toEqual([]);
      await done();
    } finally {
      config.EXPORT_TICKET_THRESHOLD = threshold;
    }
  });
});
