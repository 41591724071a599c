import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '../helpers/db.ts';

const TOKEN = 'start-test-token-0123456789';
const dataDir = mkdtempSync(path.join(tmpdir(), 'deskbridge-start-'));
const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dataDir, { recursive: true, force: true })];
afterAll(async () => { for (const c of cleanups.reverse()) await c(); });

/** Runs `npm start` as a newcomer would, on a free port; resolves once /healthz answers 200. */
async function start(env: Record<string, string>, port: number) {
  const child = spawn('npm', ['start'], {
    env: {
      ...process.env, DATABASE_URL: '', PORT: String(port), DEMO_TICKETS: '25', DEMO_API_TOKEN: TOKEN, DEMO_PASSWORD: 'start-password',
      DEMO_TRAFFIC_SECONDS: '0', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d) => { output += d; });
  child.stderr!.on('data', (d) => { output += d; });
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    process.kill(-child.pid!, 'SIGTERM');
  });
  cleanups.push(stop);
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`npm start did not get ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, stop, output: () => output };
}

async function waitForDemo(port: number) {
  for (let i = 0; i < 240; i++) {
    const h = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
    if (h.demo_tickets && h.demo_tickets.done === h.demo_tickets.total) return h;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('demo tickets never finished');
}

const auth = { authorization: `Basic ${Buffer.from(`admin@demo.test/token:${TOKEN}`).toString('base64')}` };
const port = () => 20000 + Math.floor(Math.random() * 20000);

async function newcomerJourney(env: Record<string, string>) {
  const p1 = port();
  const first = await start(env, p1);
  expect(first.output()).toMatch(/admin@demo\.test/);
  await waitForDemo(p1);
  const list = await fetch(`http://127.0.0.1:${p1}/api/v2/tickets.json`, { headers: auth });
  expect(list.status).toBe(200);
  const body = await list.json();
  expect(body.count).toBe(25);
  expect(body.tickets[0]).toHaveProperty('requester_id');
  const login = await fetch(`http://127.0.0.1:${p1}/login`);
  expect(login.status).toBe(200);
  expect(await login.text()).toMatch(/<div id="root"/);
  await first.stop();

  // A restart keeps the data and does not seed again.
  const p2 = port();
  const second = await start(env, p2);
  expect(second.output()).not.toMatch(/demo account created/);
  const again = await (await fetch(`http://127.0.0.1:${p2}/api/v2/tickets.json`, { headers: auth })).json();
  expect(again.count).toBe(25);
  await second.stop();
}

describe('npm start (the newcomer path)', () => {
  it('serves the API with demo data on the embedded database, and keeps it across restarts', async () => {
    await newcomerJourney({ DATA_DIR: dataDir });
    const creds = JSON.parse(readFileSync(path.join(dataDir, 'demo-credentials.json'), 'utf8'));
    expect(creds.apiToken).toBe(TOKEN);
  });

  it('connects the demo to local sandboxes, whose traffic leaves rows of every product in the integration log', async () => {
    const p = port();
    await start({ DATA_DIR: 'memory://', DEMO_TRAFFIC_SECONDS: '0.5' }, p);
    const products = ['Salesforce', 'Shopify', 'Messaging', 'Bot builder', 'Actions', 'webhook_relay'];
    const seen = new Map<string, Set<string>>();
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && !products.every((name) => seen.has(name))) {
      await new Promise((r) => setTimeout(r, 1000));
      const res = await fetch(`http://127.0.0.1:${p}/api/v2/integrations/logs?page[size]=100`, { headers: auth });
      expect(res.status).toBe(200);
      for (const row of (await res.json()).logs as { product: string; status: string }[]) {
        if (!seen.has(row.product)) seen.set(row.product, new Set());
        seen.get(row.product)!.add(row.status);
      }
    }
    expect([...seen.keys()]).toEqual(expect.arrayContaining(products));
    // Genuine runs, failures included: the sandboxes refuse some calls on purpose.
    expect([...seen.values()].some((statuses) => statuses.has('error') || statuses.has('warning'))).toBe(true);
  });

  it.runIf(Boolean(process.env.DATABASE_URL))('does the same on PostgreSQL with DATABASE_URL', async () => {
    const db = await createPostgresDatabase(process.env.DATABASE_URL!);
    cleanups.push(() => db.drop());
    await newcomerJourney({ DATABASE_URL: db.url, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'deskbridge-pg-')) });
  });
});
