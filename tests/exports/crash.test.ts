import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedBench } from '../../bench/seed/generate.ts';
import { createDb, type Database } from '../../db/client.ts';
import { findAccountBySubdomain } from '../../runner/core/accounts.ts';
import { systemClock } from '../../runner/core/clock.ts';
import { findUserByEmail } from '../../runner/core/users.ts';
import { updateExportSettings } from '../../runner/exports/settings.ts';
import { toActor } from '../../runner/http/auth.ts';
import { createPostgresDatabase } from '../helpers/db.ts';

/**
 * SPEC B7, E12: the app process is killed with SIGKILL while it writes an export; started again,
 * it builds the export from the start and marks it done once, with one whole ZIP and no leftover.
 * A real process, a real kill: no hook in the product code.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const TOKEN = 'crash-test-token-0123456789abcdef';
const SUBDOMAIN = 'crashy';
const work = mkdtempSync(path.join(tmpdir(), 'deskbridge-crash-'));
const cleanups: (() => Promise<void> | void)[] = [() => rmSync(work, { recursive: true, force: true })];
afterAll(async () => { for (const c of cleanups.reverse()) await c(); });

const onPostgres = Boolean(process.env.DATABASE_URL);
// Enough tickets that the export takes seconds on either database, so the kill lands mid-file.
const TICKETS = onPostgres ? 40_000 : 12_000;

async function prepare(): Promise<Record<string, string>> {
  let env: Record<string, string>;
  let database: Database;
  if (onPostgres) {
    const fresh = await createPostgresDatabase(process.env.DATABASE_URL!);
    cleanups.push(() => fresh.drop());
    env = { DATABASE_URL: fresh.url };
    database = await createDb({ url: fresh.url, maxConnections: 12 });
  } else {
    const dataDir = path.join(work, 'data');
    env = { DATABASE_URL: '', DATA_DIR: dataDir };
    database = await createDb({ dataDir });
  }
  try {
    await seedBench(database, { tickets: TICKETS, account: SUBDOMAIN, token: TOKEN, now: new Date('2026-11-01T00:00:00Z') });
    const account = (await findAccountBySubdomain(database.db, SUBDOMAIN))!;
    const owner = (await findUserByEmail(database.db, account.id, `admin@${SUBDOMAIN}.test`))!;
    await updateExportSettings(database.db, systemClock, account, toActor(owner), { enabled: true });
  } finally {
    await database.close();
  }
  return env;
}

type App = { child: ChildProcess; port: number; output: () => string };

async function startApp(env: Record<string, string>): Promise<App> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, ['--import', 'tsx', 'runner/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env, ...env, PORT: String(port), DEMO: 'false', LOG_LEVEL: 'warn', EXPORT_DIR: path.join(work, 'exports'),
      JOB_LEASE_SECONDS: '5', SMTP_URL: '', ALLOW_ACCOUNT_HEADER: 'true', NODE_ENV: 'development',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d) => { output += d; });
  child.stderr!.on('data', (d) => { output += d; });
  cleanups.push(() => kill(child, 'SIGTERM'));
  const deadline = Date.now() + 60_000;
  while (!(await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null) throw new Error(`the app exited: ${output}`);
    if (Date.now() > deadline) throw new Error(`the app did not start: ${output}`);
    await sleep(100);
  }
  return { child, port, output: () => output };
}

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    process.kill(-child.pid!, signal); // the whole group: tsx runs node in a child of its own
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const headers = {
  authorization: `Basic ${Buffer.from(`admin@${SUBDOMAIN}.test/token:${TOKEN}`).toString('base64')}`,
  'x-deskbridge-account': SUBDOMAIN,
  'content-type': 'application/json',
};
const api = async (app: App, method: string, p: string, body?: unknown) => {
  const res = await fetch(`http://127.0.0.1:${app.port}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: res.headers.get('content-type')?.includes('json') ? await res.json() : null, res };
};

/** Every file under the export folder, relative to it. */
function files(): string[] {
  const root = path.join(work, 'exports');
  if (!existsSync(root)) return [];
  return (readdirSync(root, { recursive: true }) as string[]).filter((f) => statSync(path.join(root, f)).isFile()).sort();
}

describe('an export whose process is killed', () => {
  it('is built again after a restart: one whole ZIP, done once, one email, nothing half-written left', async () => {
    const env = await prepare();
    const first = await startApp(env);
    const created = await api(first, 'POST', '/api/v2/exports', { export: { type: 'json', data_type: 'tickets' } });
    expect(created.status, JSON.stringify(created.json)).toBe(202);
    const id = created.json.export.id as number;

    // Kill once the ZIP is being written: its temporary file exists and has grown.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const part = files().find((f) => f.endsWith('.zip.part'));
      if (part && statSync(path.join(work, 'exports', part)).size > 64 * 1024) break;
      expect(files().filter((f) => f.endsWith('.zip')), 'the export finished before the kill: raise TICKETS').toEqual([]);
      if (Date.now() > deadline) throw new Error(`the export never started writing:\n${first.output()}`);
      await sleep(20);
    }
    await kill(first.child, 'SIGKILL');
    const afterKill = files();
    expect(afterKill.filter((f) => f.endsWith('.zip'))).toEqual([]);
    expect(afterKill.filter((f) => f.endsWith('.zip.part'))).toHaveLength(1);

    const second = await startApp(env);
    let row: { state: string; progress: number; rows: number } | undefined;
    const until = Date.now() + 120_000;
    while (Date.now() < until) {
      row = (await api(second, 'GET', `/api/v2/exports/${id}`)).json?.export;
      if (row?.state === 'done' || row?.state === 'failed') break;
      await sleep(250);
    }
    expect(row?.state, second.output()).toBe('done');
    expect(row!.rows).toBe(TICKETS);

    // One ZIP, whole, with every ticket once; the temporary file is gone (renamed over or replaced).
    const left = files();
    expect(left.filter((f) => f.endsWith('.part'))).toEqual([]);
    const zips = left.filter((f) => f.endsWith('.zip'));
    expect(zips).toHaveLength(1);
    const zip = path.join(work, 'exports', zips[0]!);
    execFileSync('unzip', ['-tq', zip]);
    const lines = execFileSync('unzip', ['-p', zip], { maxBuffer: 1024 * 2 ** 20 }).toString('utf8').split('\n').filter(Boolean);
    const ids = lines.map((l) => (JSON.parse(l) as { ticket: { id: number } }).ticket.id);
    expect(ids).toHaveLength(TICKETS);
    expect(new Set(ids).size).toBe(TICKETS);

    // The download serves that file; the requester got one "ready" email.
    const download = await api(second, 'GET', `/api/v2/exports/${id}/download`);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.res.arrayBuffer()).equals(readFileSync(zip))).toBe(true);
    const mail = (await api(second, 'GET', '/api/v2/email_outbox')).json;
    const ready = (mail.emails as { subject: string }[]).filter((m) => /ready/i.test(m.subject));
    expect(ready).toHaveLength(1);
  }, 300_000);
});
