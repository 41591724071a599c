import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from '../../db/client.ts';
import { testConfig } from '../../runner/config.ts';
import { systemClock } from '../../runner/core/clock.ts';
import { createAccount } from '../../runner/core/accounts.ts';
import { createApp } from '../../runner/http/app.ts';
import { launchChromium, screenshot as saveScreenshot, serveApp } from '../helpers/browser.ts';

// Sign-in and the Admin Center as a person sees them: the built pages, the real server, Chromium.

let database: Database;
let closeServer: (() => Promise<void>) | undefined;
let browser: Browser;
let base: string;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/ensure-web.mjs'], { stdio: 'inherit' });
  database = await createDb({});
  await createAccount(database.db, systemClock, {
    subdomain: 'demo', name: 'Demo', owner: { name: 'Ada Admin', email: 'admin@demo.test', password: 'correct-horse' },
  });
  const app = createApp({ database, config: testConfig(), clock: systemClock, webRoot: path.resolve('dist/web') });
  ({ base, close: closeServer } = await serveApp(app));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await closeServer?.();
  await database?.close();
});

/** A fresh browser profile (no cookies) and the page errors it runs into. */
async function visit(pathname: string): Promise<{ page: Page; errors: Error[]; done: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (err) => errors.push(err));
  await page.goto(base + pathname);
  return { page, errors, done: () => context.close() };
}

const onPath = (pathname: string) => (url: URL) => url.pathname === pathname;

async function signIn(page: Page, password: string) {
  await page.getByLabel('Email').fill('admin@demo.test');
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
}

async function screenshot(page: Page, name: string, copyTo?: string) {
  await saveScreenshot(page, `login-${name}`, copyTo);
}

describe('signing in to the Admin Center', { timeout: 60_000 }, () => {
  it('sends an anonymous visitor of /admin to the sign-in form', async () => {
    const { page, errors, done } = await visit('/admin');
    await page.waitForURL(onPath('/login'));
    expect(new URL(page.url()).searchParams.get('return_to')).toBe('/admin');
    await page.getByRole('heading', { name: 'Sign in to Demo' }).waitFor();
    expect(await page.getByLabel('Email').isVisible()).toBe(true);
    expect(await page.getByLabel('Password').isVisible()).toBe(true);
    await screenshot(page, 'form', 'login.png');
    expect(errors).toEqual([]);
    await done();
  });

  it('shows the server’s message for a wrong password and stays on the form', async () => {
    const { page, errors, done } = await visit('/login');
    await signIn(page, 'wrong-horse');
    const alert = page.getByRole('alert').filter({ hasText: 'Invalid email or password' });
    await alert.waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.getByRole('button', { name: 'Sign in' }).isEnabled()).toBe(true);
    await screenshot(page, 'error');
    expect(errors).toEqual([]);
    await done();
  });

  it('opens the Admin Center with the right password, and Sign out ends the session', async () => {
    const { page, errors, done } = await visit('/admin');
    await page.waitForURL(onPath('/login'));
    await signIn(page, 'correct-horse');
    await page.waitForURL(onPath('/admin'));
    const main = page.locator('#main-content');
    await main.getByRole('heading', { name: 'Demo', level: 1 }).waitFor();
    await main.getByText('Ada Admin').waitFor();
    await main.getByText('admin@demo.test').waitFor();
    await main.getByText('Account owner').waitFor();
    await main.getByText('tickets in this account').waitFor();
    expect(await main.getByText('tickets in this account').locator('..').textContent()).toContain('0');
    await screenshot(page, 'admin-home', 'admin-home.png');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(onPath('/login'));
    await page.getByLabel('Email').waitFor();
    await screenshot(page, 'signed-out');
    // The cookie is gone: the Admin Center asks to sign in again.
    await page.goto(`${base}/admin`);
    await page.waitForURL(onPath('/login'));
    expect(errors).toEqual([]);
    await done();
  });

  it('returns to the Admin Center page that was asked for', async () => {
    const { page, errors, done } = await visit('/admin/apps-integrations/connections');
    await page.waitForURL(onPath('/login'));
    await signIn(page, 'correct-horse');
    await page.waitForURL(onPath('/admin/apps-integrations/connections'));
    await page.getByRole('heading', { name: 'Connections', level: 1 }).waitFor();
    await page.getByText(/^(No connectors are installed in this deployment yet|Available connectors)$/).waitFor();
    await screenshot(page, 'return-to');
    expect(errors).toEqual([]);
    await done();
  });
});
