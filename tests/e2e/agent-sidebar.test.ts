import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Database } from '../../db/client.ts';
import { connectorInstallations, integrationLogs, users, type Ticket } from '../../db/schema/index.ts';
import { testConfig } from '../../runner/config.ts';
import { createAccount } from '../../runner/core/accounts.ts';
import { manualClock, systemClock } from '../../runner/core/clock.ts';
import { toActor } from '../../runner/http/auth.ts';
import { createTicket, updateTicket } from '../../runner/core/tickets.ts';
import { createUser } from '../../runner/core/users.ts';
import { createDeskbridgeData } from '../../runner/engine/data.ts';
import type { Engine } from '../../runner/engine/engine.ts';
import { createApp } from '../../runner/http/app.ts';
import { defineConnector } from '../../runner/sdk/index.ts';
import { formatMinutes } from '../../apps/sidebar/format.ts';
import { launchChromium, screenshot, serveApp } from '../helpers/browser.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { closeTestEngines, createTestEngine } from '../helpers/runner.ts';

// The sidebar app as an agent meets it in deskbridge's agent view: the built pages and the built
// ZAF bundle (assets/), the real server with a running engine, and Chromium.

// Stands in for the Salesforce connector: every ticket update is synced and logged against the ticket.
const crm = defineConnector({
  id: 'e2e-crm', product: 'salesforce', displayName: 'E2E CRM', settings: z.object({}),
  on: {
    'ticket.updated': async (ctx, event) => {
      ctx.log.info(`Ticket #${event.payload.ticket.id} synced to Salesforce case 5003000000D8cuI`, { case_id: '5003000000D8cuI', ticket_id: event.payload.ticket.id });
    },
  },
});

let database: Database;
let engine: Engine;
let browser: Browser;
let base: string;
let closeServer: () => Promise<void>;
let ticket: Ticket;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/ensure-web.mjs'], { stdio: 'inherit' });
  database = await createTestDatabase();
  const { account, owner } = await createAccount(database.db, systemClock, {
    subdomain: 'demo', name: 'Demo', timeZone: 'Europe/Paris', owner: { name: 'Ada Admin', email: 'admin@demo.test', password: 'correct-horse' },
  });
  await database.db.update(users).set({ timeZone: 'America/New_York' }).where(eq(users.id, owner.id));
  // A ticket from yesterday, answered 85 minutes later.
  const clock = manualClock(new Date(Date.now() - 24 * 3600_000));
  const ctx = { accountId: account.id, actor: toActor(owner), clock };
  const customer = await createUser(database.db, ctx, { name: 'Carla Customer', email: 'carla@customer.test', role: 'end-user' });
    ticket = await database.db.transaction((tx) => createTicket(tx, ctx, { subject: 'Order #1001 never arrived', comment: { body: 'Where is my parcel?' }, requester_id: customer.id, tags: ['shipping'] }));
  clock.advanceMinutes(85);
  await database.db.transaction((tx) => updateTicket(tx, ctx, ticket.id, { status: 'pending', comment: { body: 'It left our warehouse today.', public: true } }));
  const other = await database.db.transaction((tx) => createTicket(tx, ctx, { subject: 'Another question', comment: { body: '?' }, requester_id: customer.id }));

  const now = Date.now();
  await database.db.insert(integrationLogs).values([
    { accountId: account.id, ts: new Date(now - 3600_000), product: 'shopify', status: 'info', description: `Order 1001 linked to ticket #${ticket.id}`, details: { order: 1001 }, ticketId: ticket.id },
    { accountId: account.id, ts: new Date(now - 1800_000), product: 'salesforce', status: 'error', description: 'Case update failed: UNABLE_TO_LOCK_ROW', ticketId: ticket.id },
    { accountId: account.id, ts: new Date(now - 600_000), product: 'salesforce', status: 'info', description: 'Row of another ticket', ticketId: other.id },
  ]);
  await database.db.insert(connectorInstallations).values({ accountId: account.id, connectorId: crm.id, name: 'Sales org', settings: {} });
  // Carla shops on the store: her Shopify profile and an order, as the Shopify connector stores them.
  const data = createDeskbridgeData({ database, clock: systemClock, accountId: account.id, actorName: 'Shopify integration' });
  const profile = await data.profiles.upsert({
    user_id: customer.id, source: 'shopify', type: 'customer', name: 'Carla Customer',
    identifiers: [{ type: 'email', value: 'carla@customer.test' }, { type: 'shopify_customer_id', value: '7000000002' }],
    attributes: { orders_count: 3, total_spent: '171.00', currency: 'USD' },
  });
  await data.events.record({ user_id: customer.id, profile_id: profile.id, source: 'shopify', type: 'order_created', description: 'Order #1001 placed for $59.00', properties: { order_number: 1001 } });

  ({ engine } = createTestEngine(database, systemClock, { connectors: [crm] }));
  // The seeding's own update is synced before the page opens, so the test's update adds exactly one row.
  await engine.drain();
  engine.start();
  const app = createApp({ database, config: testConfig(), clock: systemClock, engine, webRoot: path.resolve('dist/web') });
  ({ base, close: closeServer } = await serveApp(app));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await closeServer?.();
  await engine?.stop(1000);
  await closeTestEngines();
  await database?.close();
});

async function signIn(page: Page) {
  const res = await page.request.post(`${base}/auth/login`, { data: { email: 'admin@demo.test', password: 'correct-horse' } });
  expect(res.status()).toBe(200);
}

const timelineTexts = (frame: FrameLocator) => frame.locator('[data-log-id]').allInnerTexts();

describe('the ticket sidebar in the agent view', () => {
  it('asks for sign-in, then lists tickets and opens one with the sidebar app beside it', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, timezoneId: 'Asia/Tokyo' });
    await page.goto(`${base}/agent`);
    await page.getByLabel('Email').fill('admin@demo.test');
    await page.getByLabel('Password').fill('correct-horse');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Order #1001 never arrived' }).click();
    await page.waitForURL(`${base}/agent/tickets/${ticket.id}`);
    await expect.poll(() => page.getByText('It left our warehouse today.').isVisible()).toBe(true);
    await page.close();
  });

  it("shows the ticket's metrics as the API has them, its own log rows, and a new entry after an update", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, timezoneId: 'Asia/Tokyo' });
    await signIn(page);
    await page.goto(`${base}/agent/tickets/${ticket.id}`);
    const frame = page.frameLocator('[data-testid=sidebar-frame]');
    await frame.locator('[data-metric=reply_time_in_minutes]').waitFor();

    const api = (await (await page.request.get(`${base}/api/v2/tickets/${ticket.id}/metrics`)).json()) as { ticket_metric: Record<string, { calendar: number | null; business: number | null }> };
    const fields = ['reply_time_in_minutes', 'first_resolution_time_in_minutes', 'full_resolution_time_in_minutes', 'agent_wait_time_in_minutes', 'requester_wait_time_in_minutes', 'on_hold_time_in_minutes'];
    for (const field of fields) {
      const cells = frame.locator(`[data-metric=${field}] [data-minutes]`);
      const shown = await cells.evaluateAll((els) => els.map((e) => e.getAttribute('data-minutes')));
      const want = api.ticket_metric[field]!;
      expect(shown, field).toEqual([want.calendar === null ? '' : String(want.calendar), want.business === null ? '' : String(want.business)]);
    }
    const replied = api.ticket_metric.reply_time_in_minutes!;
    expect(await frame.locator('[data-metric=reply_time_in_minutes]').innerText()).toContain(formatMinutes(replied.calendar));

    const before = await timelineTexts(frame);
    expect(before.join('\n')).toContain(`Order 1001 linked to ticket #${ticket.id}`);
    expect(before.join('\n')).toContain('UNABLE_TO_LOCK_ROW');
    expect(before.join('\n')).not.toContain('Row of another ticket');
    // Times in the agent's zone (America/New_York), not the browser's (Asia/Tokyo).
    expect(before.join('\n')).toMatch(/E[SD]T/);
    // The frame grew to its content through invoke('resize').
    const height = await page.locator('[data-testid=sidebar-frame]').evaluate((el) => el.getBoundingClientRect().height);
    expect(height).toBeGreaterThan(300);
    // The requester's Shopify profile and recent orders.
    const shopify = frame.locator('[data-profile-id]');
    expect(await shopify.innerText()).toContain('Carla Customer');
    expect(await frame.getByText('Order #1001 placed for $59.00').count()).toBe(1);
    const logLink = frame.getByRole('link', { name: 'Open in integration log' });
    expect(await logLink.getAttribute('href')).toContain(`/admin/apps-integrations/integrations/logs?ticket_id=${ticket.id}`);

    await page.getByLabel('Status').selectOption('open');
    await page.getByLabel('Reply').fill('A replacement is on its way.');
    await page.getByRole('button', { name: 'Submit as Open' }).click();
    // The engine syncs the update; the app hears ticket.updated and shows the new row on top.
    await expect.poll(async () => (await timelineTexts(frame)).length, { timeout: 20_000 }).toBe(before.length + 1);
    const [newest] = await timelineTexts(frame);
    expect(newest).toContain(`Ticket #${ticket.id} synced to Salesforce case 5003000000D8cuI`);
    expect(await frame.locator('[data-log-id]').first().locator('[data-case-id="5003000000D8cuI"]').count()).toBe(1);
    await screenshot(page, 'agent-sidebar', 'agent-sidebar.png', { fullPage: true });
    await page.close();
  });
});
