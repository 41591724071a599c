import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testConfig, type Config } from '../../runner/config.ts';
import { createTicket } from '../../runner/core/tickets.ts';
import { exportTask } from '../../runner/exports/task.ts';
import { createMailer } from '../../runner/mail.ts';
import { closeTestEngines, createTestEngine } from '../helpers/runner.ts';
import { createWorld, type World } from '../helpers/world.ts';

type Received = { from: string; to: string[]; raw: string };
const inbox: Received[] = [];
let smtp: SMTPServer;
let port: number;
const PASSWORD = 's3cret-relay-pass';

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true, allowInsecureAuth: true, disabledCommands: ['STARTTLS'], logger: false,
    // Only the test's "wrong" credentials try to sign in: refuse them.
    onAuth: (_auth, _session, cb) => cb(new Error('Invalid username or password')),
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        inbox.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  port = (smtp.server.address() as AddressInfo).port;
});
afterAll(async () => { await new Promise<void>((resolve) => smtp.close(() => resolve())); });

let world: World;
let dir: string;

/** A world whose export task mails with `overrides` (SMTP_URL or not). */
async function setUp(overrides: Partial<Record<keyof Config, string>>) {
  inbox.length = 0;
  dir = await mkdtemp(path.join(tmpdir(), 'deskbridge-mail-'));
  const config = testConfig({ EXPORT_DIR: dir, PUBLIC_URL: 'https://help.example.test/', ...overrides });
  world = await createWorld({
    engine: (database, clock) => createTestEngine(database, clock, { connectors: [], tasks: { export: exportTask({ config, mailer: createMailer(config, database) }) } }).engine,
  });
  Object.assign(world.config, config);
  await world.call('PUT', '/api/v2/account/export_settings', { body: { export_settings: { enabled: true } } });
  await createTicket(world.db, world.acme.ctx(world.acme.agent), { subject: 'Printer', comment: { body: 'It jams' }, requester_id: world.acme.endUser.user.id });
}

async function exportCsv(): Promise<number> {
  const res = await world.call('POST', '/api/v2/exports', { as: world.acme.admin, body: { export: { type: 'csv' } } });
  expect(res.status).toBe(202);
  await world.engine!.drain();
  return res.json.export.id;
}

/** The message parts are quoted-printable: soft line breaks and =XX escapes. */
const decodeQuotedPrintable = (raw: string) =>
  raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

afterEach(async () => {
  await closeTestEngines();
  await world.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the export email (SPEC E5)', () => {
  it('is delivered through SMTP to the requester, with a link that downloads the ZIP', async () => {
    await setUp({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Help Desk <exports@acme.test>' });
    const id = await exportCsv();
    expect(inbox).toHaveLength(1);
    const mail = inbox[0]!;
    expect(mail.to).toEqual(['admin@acme.test']);
    expect(mail.from).toBe('exports@acme.test');
    expect(mail.raw).toMatch(/^Subject: Your deskbridge data export is ready\r?$/m);
    const body = decodeQuotedPrintable(mail.raw);
    const link = new RegExp(`https://help\\.example\\.test(/api/v2/exports/${id}/download)`).exec(body);
    expect(link).not.toBeNull();
    expect(body).toMatch(/The link works until 2026-03-05 09:00 UTC/);

    const download = await world.call('GET', link![1]!, { as: world.acme.admin });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/zip');

    const outbox = (await world.call('GET', '/api/v2/email_outbox')).json.emails;
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ to: 'admin@acme.test', status: 'sent', error: null });
    expect(outbox[0].sent_at).not.toBeNull();
  });

  it('stays in the outbox without SMTP_URL, where admins see it', async () => {
    await setUp({});
    const id = await exportCsv();
    expect(inbox).toHaveLength(0);
    const res = await world.call('GET', '/api/v2/email_outbox');
    expect(res.status).toBe(200);
    expect(res.json.emails).toHaveLength(1);
    expect(res.json.emails[0]).toMatchObject({ to: 'admin@acme.test', subject: 'Your deskbridge data export is ready', status: 'unsent', sent_at: null });
    expect(res.json.emails[0].text).toContain(`https://help.example.test/api/v2/exports/${id}/download`);
    expect((await world.call('GET', '/api/v2/email_outbox', { as: world.acme.agent })).status).toBe(403);
    expect((await world.call('GET', '/api/v2/email_outbox', { account: world.globex })).json.emails).toEqual([]);
  });

  it('keeps a refused delivery in the outbox with its error, never the relay\'s credentials', async () => {
    await setUp({ SMTP_URL: `smtp://relay-user:${PASSWORD}@127.0.0.1:${port}` });
    await exportCsv();
    const [email] = (await world.call('GET', '/api/v2/email_outbox')).json.emails;
    expect(email).toMatchObject({ status: 'failed', sent_at: null });
    expect(email.error).toMatch(/Invalid username or password/);
    expect(email.error).not.toContain(PASSWORD);
    expect(email.error).not.toContain('relay-user');
    // The export itself is done: a mail relay problem does not fail it.
    expect((await world.call('GET', '/api/v2/exports/latest')).json.exports).toHaveLength(1);
  });
});
