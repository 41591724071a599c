import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Database } from '../../db/client.ts';
import { connectorInstallations, type ConnectorInstallation } from '../../db/schema/index.ts';
import { testConfig } from '../../runner/config.ts';
import { createAccount } from '../../runner/core/accounts.ts';
import { systemClock } from '../../runner/core/clock.ts';
import { createSecretBox } from '../../runner/core/crypto.ts';
import { openCredentials } from '../../runner/engine/installations.ts';
import { createApp } from '../../runner/http/app.ts';
import { defineConnector } from '../../runner/sdk/index.ts';
import { launchChromium, screenshot as saveScreenshot, serveApp } from '../helpers/browser.ts';
import { createTestDatabase } from '../helpers/db.ts';

// The Connections page as an admin uses it: the built pages, the real server with a test connector
// injected, Chromium. PGlite, or a fresh PostgreSQL database when DATABASE_URL is set.
const PAGE = '/admin/apps-integrations/connections';
const OWNER = { email: 'admin@demo.test', password: 'correct-horse' };
const API_KEY = 'ak_live_7Hq2Lm9Xc4Vb';
const API_SECRET = 'as_live_Rt5Yw8Np3Jd6';
const NEW_SECRET = 'as_live_Gk1Zs7Qe2Fm0';

const crm = defineConnector({
  id: 'acme-crm',
  product: 'Acme CRM',
  displayName: 'Acme CRM',
  description: 'Sends new and changed tickets to Acme CRM as cases, with their requester and organization.',
  settings: z.object({
    baseUrl: z.url().describe('The address of your Acme CRM, e.g. https://yourcompany.acme-crm.test'),
    region: z.enum(['eu', 'us', 'apac']).default('eu'),
    syncClosed: z.boolean().default(false).describe('Also send tickets that are closed.'),
    batchSize: z.number().int().min(1).max(100).optional(),
    tags: z.array(z.string()).default([]).meta({ title: 'Tags to add to cases' }),
    events: z.array(z.enum(['created', 'updated', 'solved'])).default(['created']).meta({ title: 'Ticket events to send' }),
  }),
  credentials: z.object({ apiKey: z.string().min(8), apiSecret: z.string().min(8) }),
  on: { 'ticket.created': async () => {} },
  webhooks: { cases: { handle: async () => {} } },
});

let database: Database;
let browser: Browser;
let base: string;
let emptyBase: string;
let accountId: number;
const closers: (() => Promise<void>)[] = [];
const box = createSecretBox(randomBytes(32));

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/ensure-web.mjs'], { stdio: 'inherit' });
  database = await createTestDatabase();
  const made = await createAccount(database.db, systemClock, {
    subdomain: 'demo', name: 'Demo', timeZone: 'Europe/Paris', owner: { name: 'Ada Admin', ...OWNER },
  });
  accountId = made.account.id;
  const webRoot = path.resolve('dist/web');
  const served = await serveApp(createApp({ database, config: testConfig(), clock: systemClock, webRoot, connectors: [crm], secrets: box }));
  // The same database behind a deployment that has no connector at all.
  const bare = await serveApp(createApp({ database, config: testConfig(), clock: systemClock, webRoot, connectors: [], secrets: box }));
  base = served.base;
  emptyBase = bare.base;
  closers.push(served.close, bare.close);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  for (const close of closers) await close();
  await database?.close();
});

const contexts: BrowserContext[] = [];
afterEach(async () => { await Promise.all(contexts.splice(0).map((c) => c.close())); });

/** A fresh browser that signs in on the way to the Connections page of `origin`. */
async function openPage(origin = base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, timezoneId: 'Europe/Paris' });
  contexts.push(context);
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (err) => errors.push(err));
  await page.goto(origin + PAGE);
  await page.waitForURL((url) => url.pathname === '/login');
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password').fill(OWNER.password);
  await page.getByLabel('Password').press('Enter');
  await page.waitForURL((url) => url.pathname === PAGE);
  const main = page.locator('#main-content');
  await main.getByRole('heading', { name: 'Connections', level: 1 }).waitFor();
  return { page, main, errors };
}

async function screenshot(page: Page, name: string) {
  // Garden fades modals in: shoot once finite animations and transitions are over.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity));
  await saveScreenshot(page, `connections-${name}`, `connections-${name}.png`);
}

const rows = () => database.db.select().from(connectorInstallations).where(eq(connectorInstallations.accountId, accountId));
async function onlyRow(): Promise<ConnectorInstallation> {
  const all = await rows();
  expect(all).toHaveLength(1);
  return all[0]!;
}

describe('the Connections page', { timeout: 90_000 }, () => {
  it('adds a connection through the form generated from the connector’s settings, with API errors shown at the field', async () => {
    const { page, main, errors } = await openPage();
    const card = main.getByRole('region', { name: 'Acme CRM', exact: true });
    await card.getByText('Sends new and changed tickets to Acme CRM as cases').waitFor();
    await card.getByText('No connections to Acme CRM yet.').waitFor();
    await screenshot(page, 'list');

    await card.getByRole('button', { name: 'Add connection to Acme CRM' }).click();
    const form = card.getByRole('form', { name: 'New Acme CRM connection' });
    // The form opens with the focus on its first field, every control labelled.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-field'))).toBe('name');
    await form.getByLabel('Name', { exact: true }).fill('Acme EU');
    await form.getByLabel('Base URL').fill('acme.example');
    expect(await form.getByLabel('Region').inputValue()).not.toBe('');
    await form.getByLabel('Region').selectOption('us');
    // Garden draws checkboxes over their input: tick them from the keyboard, as a keyboard user would.
    await form.getByLabel('Sync closed').press('Space');
    expect(await form.getByLabel('Sync closed').isChecked()).toBe(true);
    await form.getByLabel('Batch size').fill('25');
    await form.getByLabel('Tags to add to cases').fill('vip\nenterprise\n');
    await form.getByRole('group', { name: /Ticket events to send/ }).getByLabel('solved').press('Space');
    expect(await form.getByLabel('API key').getAttribute('type')).toBe('password');
    await form.getByLabel('API key').fill(API_KEY);
    await form.getByLabel('API secret').fill(API_SECRET);
    await form.getByRole('button', { name: 'Add connection' }).click();

    // The API refuses the address: its reason at the field, which gets the focus, and a summary above the form.
    await form.getByRole('alert').getByText('Check the fields marked below.').waitFor();
    const baseUrl = form.getByLabel('Base URL');
    expect(await baseUrl.getAttribute('aria-invalid')).toBe('true');
    expect(await baseUrl.getAttribute('aria-describedby')).toBeTruthy();
    await form.getByText('Invalid URL', { exact: true }).waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-field'))).toBe('settings.baseUrl');
    await screenshot(page, 'form-error');
    expect(await rows()).toHaveLength(0);

    await baseUrl.fill('https://eu.acme-crm.test');
    await baseUrl.press('Enter');
    const list = card.getByRole('list', { name: 'Connections to Acme CRM' });
    const item = list.getByRole('listitem').filter({ hasText: 'Acme EU' });
    await item.getByText('Credentials saved').waitFor();
    await item.getByText(/\/api\/v2\/integrations\/webhooks\/\d+\/cases$/).waitFor();
    await main.getByRole('status', { name: 'Connection changes' }).getByText('Acme EU was saved.').waitFor();
    // Back from the form, the focus is on the new connection's Edit button.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Edit Acme EU');

    const row = await onlyRow();
    expect(row).toMatchObject({ connectorId: 'acme-crm', name: 'Acme EU', enabled: true });
    expect(row.settings).toEqual({ baseUrl: 'https://eu.acme-crm.test', region: 'us', syncClosed: true, batchSize: 25, tags: ['vip', 'enterprise'], events: ['created', 'solved'] });
    expect(row.credentials).toMatch(/^v1:/);
    expect(row.credentials).not.toContain(API_KEY);
    expect(openCredentials(box, row)).toEqual({ apiKey: API_KEY, apiSecret: API_SECRET });
    await screenshot(page, 'installed');
    expect(await page.content()).not.toContain(API_SECRET);
    expect(errors).toEqual([]);
  });

  it('edits a connection: settings shown as stored, secrets blank, and a blank secret keeps the stored one', async () => {
    const { page, main, errors } = await openPage();
    const card = main.getByRole('region', { name: 'Acme CRM', exact: true });
    await card.getByRole('button', { name: 'Edit Acme EU' }).click();
    const form = card.getByRole('form', { name: 'Edit Acme EU' });
    expect(await form.getByLabel('Base URL').inputValue()).toBe('https://eu.acme-crm.test');
    expect(await form.getByLabel('Region').inputValue()).not.toBe('');
    expect(await form.getByLabel('Sync closed').isChecked()).toBe(true);
    expect(await form.getByLabel('Tags to add to cases').inputValue()).toBe('vip\nenterprise');
    for (const label of ['API key', 'API secret']) {
      expect(await form.getByLabel(label).inputValue()).toBe('');
      expect(await form.getByLabel(label).getAttribute('placeholder')).toBe('Leave blank to keep');
    }
    await form.getByText('Leave a field blank to keep its current value.').waitFor();
    await form.getByLabel('Name', { exact: true }).fill('Acme Europe');
    await form.getByLabel('Batch size').fill('');
    await form.getByLabel('API secret').fill(NEW_SECRET);
    await screenshot(page, 'edit');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await card.getByRole('listitem').filter({ hasText: 'Acme Europe' }).waitFor();
    const row = await onlyRow();
    expect(row.name).toBe('Acme Europe');
    expect(row.settings).not.toHaveProperty('batchSize');
    expect(openCredentials(box, row)).toEqual({ apiKey: API_KEY, apiSecret: NEW_SECRET });

    // Escape closes a form without saving, and the focus goes back to the button that opened it.
    await card.getByRole('button', { name: 'Edit Acme Europe' }).click();
    await card.getByRole('form', { name: 'Edit Acme Europe' }).getByLabel('Name', { exact: true }).fill('Unsaved');
    await page.keyboard.press('Escape');
    await card.getByRole('form').waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Edit Acme Europe');
    expect((await onlyRow()).name).toBe('Acme Europe');
    expect(errors).toEqual([]);
  });

  it('turns a connection off and on from the keyboard', async () => {
    const { page, main, errors } = await openPage();
    const toggle = main.getByRole('switch', { name: 'Enabled: Acme Europe' });
    expect(await toggle.isChecked()).toBe(true);
    await toggle.focus();
    await page.keyboard.press('Space');
    await main.getByRole('status', { name: 'Connection changes' }).getByText('Acme Europe is off.').waitFor();
    expect(await toggle.isChecked()).toBe(false);
    expect((await onlyRow()).enabled).toBe(false);
    await screenshot(page, 'off');
    await page.keyboard.press('Space');
    await main.getByRole('status', { name: 'Connection changes' }).getByText('Acme Europe is on.').waitFor();
    expect((await onlyRow()).enabled).toBe(true);
    expect(errors).toEqual([]);
  });

  it('deletes a connection only after a confirmation', async () => {
    const { page, main, errors } = await openPage();
    const card = main.getByRole('region', { name: 'Acme CRM', exact: true });
    await card.getByRole('button', { name: 'Delete Acme Europe' }).click();
    let dialog = page.getByRole('dialog', { name: 'Delete Acme Europe?' });
    await dialog.getByText('Its settings and stored credentials are deleted for good.').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await rows()).toHaveLength(1);

    await card.getByRole('button', { name: 'Delete Acme Europe' }).click();
    dialog = page.getByRole('dialog', { name: 'Delete Acme Europe?' });
    await screenshot(page, 'delete');
    await dialog.getByRole('button', { name: 'Delete connection' }).click();
    await dialog.waitFor({ state: 'detached' });
    await card.getByText('No connections to Acme CRM yet.').waitFor();
    await main.getByRole('status', { name: 'Connection changes' }).getByText('Acme Europe was deleted.').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Add connection to Acme CRM');
    expect(await rows()).toHaveLength(0);
    expect(errors).toEqual([]);
  });

  it('says so when the deployment has no connectors, and still lists connections left by removed ones', async () => {
    await database.db.insert(connectorInstallations).values({ accountId, connectorId: 'acme-crm', name: 'Old Acme', settings: { baseUrl: 'https://old.acme-crm.test' } });
    const { page, main, errors } = await openPage(emptyBase);
    await main.getByText('No connectors are installed in this deployment yet').waitFor();
    const retired = main.getByRole('region', { name: 'Connectors no longer in this deployment' });
    await retired.getByText('Connector “acme-crm”').waitFor();
    expect(await retired.getByRole('button', { name: 'Edit Old Acme' }).count()).toBe(0);
    await screenshot(page, 'empty');
    await retired.getByRole('button', { name: 'Delete Old Acme' }).click();
    await page.getByRole('dialog', { name: 'Delete Old Acme?' }).getByRole('button', { name: 'Delete connection' }).click();
    await retired.waitFor({ state: 'detached' });
    expect(await rows()).toHaveLength(0);
    expect(errors).toEqual([]);
  });
});
