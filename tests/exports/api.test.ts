import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataExports, jobs } from '../../db/schema/index.ts';
import { testConfig, type Config } from '../../runner/config.ts';
import { createTicket } from '../../runner/core/tickets.ts';
import { buildExport, ExportRefusal } from '../../runner/exports/build.ts';
import { purgeExpiredExports } from '../../runner/exports/requests.ts';
import { exportTask } from '../../runner/exports/task.ts';
import { createMailer } from '../../runner/mail.ts';
import { closeTestEngines, createTestEngine, jobRow } from '../helpers/runner.ts';
import { createWorld, type Persona, type TestAccount, type World } from '../helpers/world.ts';

let world: World;
let dir: string;
let config: Config;
/** The builder the task calls; a test swaps it to simulate a crash or a refusal. */
let build: typeof buildExport;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'deskbridge-exports-'));
  config = testConfig({ EXPORT_DIR: dir, PUBLIC_URL: 'https://help.example.test' });
  build = buildExport;
  world = await createWorld({
    engine: (database, clock) => createTestEngine(database, clock, {
      connectors: [], tasks: { export: exportTask({ config, mailer: createMailer(config, database), build: (input) => build(input) }) },
    }).engine,
  });
  // createWorld builds the app over its own testConfig(); the app keeps that object, so the task's settings reach the routes too.
  Object.assign(world.config, config);
});
afterEach(async () => {
  await closeTestEngines();
  await world.close();
  await rm(dir, { recursive: true, force: true });
});

const settings = (as: Persona, body?: unknown, account = world.acme) =>
  world.call(body === undefined ? 'GET' : 'PUT', '/api/v2/account/export_settings', { as, account, ...(body === undefined ? {} : { body: { export_settings: body } }) });
const enable = async (account: TestAccount = world.acme) => expect((await settings(account.owner, { enabled: true }, account)).status).toBe(200);
const request = (body: unknown, as?: Persona, account?: TestAccount) =>
  world.call('POST', '/api/v2/exports', { body: { export: body }, ...(as ? { as } : {}), ...(account ? { account } : {}) });
const exportRow = async (id: number) => (await world.call('GET', `/api/v2/exports/${id}`)).json.export;

async function addTickets(n: number) {
  for (let i = 1; i <= n; i++) {
    await createTicket(world.db, world.acme.ctx(world.acme.agent), { subject: `Printer ${i}`, comment: { body: `It jams (${i})` }, requester_id: world.acme.endUser.user.id });
  }
}

describe('export settings (SPEC E1–E3)', () => {
  it('starts off, with the owner\'s domain approved, and tells the admin page why exporting is not possible', async () => {
    const res = await settings(world.acme.owner);
    expect(res.status).toBe(200);
    expect(res.json.export_settings).toMatchObject({
      enabled: false, approved_domain: 'acme.test', owner_domain: 'acme.test', can_export: false, can_edit: true,
    });
    expect(res.json.export_settings.reason_if_not).toMatch(/turned off/);
    expect((await settings(world.acme.admin)).json.export_settings).toMatchObject({ can_edit: false });
  });

  it('lets only the owner turn export on; any admin may turn it off', async () => {
    const denied = await settings(world.acme.admin, { enabled: true });
    expect(denied.status).toBe(403);
    expect(denied.json).toMatchObject({ error: 'OwnerOnly', description: 'Only the account owner can turn data export on' });
    await enable();
    expect((await settings(world.acme.admin)).json.export_settings).toMatchObject({ enabled: true, can_export: true, reason_if_not: null });
    // A form re-sending the unchanged domain along with the switch is not a domain change.
    const off = await settings(world.acme.admin, { enabled: false, approved_domain: 'acme.test' });
    expect(off.status).toBe(200);
    expect(off.json.export_settings.enabled).toBe(false);
    const domain = await settings(world.acme.admin, { approved_domain: 'other.test' });
    expect(domain.status).toBe(403);
    expect(domain.json.description).toMatch(/Only the account owner can change the approved email domain/);
  });

  it('answers agents and end-users 403 with a clear message', async () => {
    for (const as of [world.acme.agent, world.acme.endUser]) {
      const res = await settings(as);
      expect(res.status).toBe(403);
      expect(res.json.description).toBe('Only admins can export data; ask an admin of this account');
      expect((await settings(as, { enabled: false })).status).toBe(403);
      expect((await request({ type: 'csv' }, as)).status).toBe(403);
    }
  });

  it('validates and lower-cases the domain; blank means any admin\'s domain', async () => {
    const bad = await settings(world.acme.owner, { approved_domain: 'not a domain' });
    expect(bad.status).toBe(422);
    expect(bad.json.details.approved_domain[0].description).toMatch(/email domain such as example.com/);
    expect((await settings(world.acme.owner, { approved_domain: 'http://x.com/' })).status).toBe(422);
    expect((await settings(world.acme.owner, { approved_domain: 'Example.COM' })).json.export_settings.approved_domain).toBe('example.com');
    expect((await settings(world.acme.owner, { approved_domain: '' })).json.export_settings.approved_domain).toBe('');
  });

  it('refuses an admin outside the approved domain with the reason, and lets them in once the domain is blank', async () => {
    await enable();
    await settings(world.acme.owner, { approved_domain: 'example.com' });
    const view = (await settings(world.acme.admin)).json.export_settings;
    expect(view).toMatchObject({ can_export: false });
    expect(view.reason_if_not).toMatch(/example\.com; yours is at acme\.test/);
    const refused = await request({ type: 'csv' }, world.acme.admin);
    expect(refused.status).toBe(403);
    expect(refused.json.error).toBe('DomainNotApproved');
    expect((await world.call('GET', '/api/v2/exports', { as: world.acme.admin })).status).toBe(403);
    await settings(world.acme.owner, { approved_domain: '' });
    expect((await request({ type: 'csv' }, world.acme.admin)).status).toBe(202);
  });
});

describe('export requests (SPEC E4, E5, E8)', () => {
  it('refuses every request while export is off', async () => {
    const res = await request({ type: 'json', data_type: 'tickets' });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({
      error: 'ExportDisabled', description: 'Data export is turned off for this account; the account owner can turn it on in Admin Center',
    });
  });

  it('validates the request: 400 for a malformed body, 422 naming the field', async () => {
    await enable();
    expect((await world.call('POST', '/api/v2/exports', { raw: '{nope' })).status).toBe(400);
    expect((await world.call('POST', '/api/v2/exports', { body: { type: 'csv' } })).status).toBe(400);
    const cases: [unknown, string, RegExp][] = [
      [{ type: 'pdf' }, 'type', /must be one of json, csv, xml, user_xml/],
      [{ type: 'json' }, 'data_type', /required for JSON exports/],
      [{ type: 'csv', data_type: 'users' }, 'data_type', /JSON exports only/],
      [{ type: 'xml', start_time: '2026-01-01T00:00:00Z' }, 'start_time', /JSON and CSV exports only/],
      [{ type: 'csv', start_time: 'yesterday' }, 'start_time', /ISO-8601/],
      [{ type: 'json', data_type: 'users', start_time: 1767225600, end_time: '2026-01-01T00:00:00Z' }, 'start_time', /before end_time/],
    ];
    for (const [body, field, message] of cases) {
      const res = await request(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.json.details[field][0].description).toMatch(message);
    }
    const ok = await request({ type: 'json', data_type: 'users', start_time: '1767225600', end_time: '2026-02-01T00:00:00Z' });
    expect(ok.status).toBe(202);
    expect(ok.json.export).toMatchObject({ type: 'json', data_type: 'users', state: 'queued', start_time: '2026-01-01T00:00:00Z', end_time: '2026-02-01T00:00:00Z' });
  });

  it('refuses CSV and XML above the ticket threshold, explaining JSON in 31-day parts', async () => {
    world.config.EXPORT_TICKET_THRESHOLD = 2;
    await enable();
    await addTickets(3);
    for (const type of ['csv', 'xml']) {
      const res = await request({ type });
      expect(res.status).toBe(422);
      expect(res.json.error).toBe('TooManyTickets');
      expect(res.json.description).toMatch(/more than 2 tickets.*JSON.*31-day parts/);
    }
    expect((await settings(world.acme.owner)).json.export_settings).toMatchObject({ json_only: true, json_recommended: true, ticket_threshold: 2, json_hint_tickets: world.config.EXPORT_JSON_HINT_TICKETS });
    expect((await request({ type: 'json', data_type: 'tickets' })).status).toBe(202);
    expect((await request({ type: 'user_xml' })).status).toBe(202);
  });

  it('runs one export per type: a second request answers 409 with the running one', async () => {
    await enable();
    const first = await request({ type: 'csv' });
    expect(first.status).toBe(202);
    expect(first.headers.get('location')).toBe(`http://localhost/api/v2/exports/${first.json.export.id}`);
    const second = await request({ type: 'csv' }, world.acme.admin);
    expect(second.status).toBe(409);
    expect(second.json.error).toBe('ExportRunning');
    expect(second.json.description).toMatch(/CSV export .* requested by Olivia Owner .* already queued/);
    expect(second.json.export).toMatchObject({ id: first.json.export.id, state: 'queued', requested_by: { id: world.acme.owner.user.id } });
    expect((await request({ type: 'xml' })).status).toBe(202);
    const list = await world.call('GET', '/api/v2/exports');
    expect(list.json.exports.map((e: { type: string }) => e.type)).toEqual(['xml', 'csv']);
  });

  it('answers 503 in a process without the runner', async () => {
    const bare = await createWorld();
    try {
      await bare.call('PUT', '/api/v2/account/export_settings', { body: { export_settings: { enabled: true } } });
      expect((await bare.call('POST', '/api/v2/exports', { body: { export: { type: 'csv' } } })).status).toBe(503);
    } finally {
      await bare.close();
    }
  });
});

describe('building and downloading (SPEC E5, E6, E12, B7)', () => {
  it('builds a JSON export in the background; the ZIP downloads until its link expires, then the purge removes it', async () => {
    await enable();
    await addTickets(3);
    const created = await request({ type: 'json', data_type: 'tickets' });
    expect(created.status).toBe(202);
    const id = created.json.export.id;
    await world.engine!.drain();

    const done = await exportRow(id);
    expect(done).toMatchObject({ state: 'done', progress: 100, rows: 3, error: null, download_url: `http://localhost/api/v2/exports/${id}/download` });
    expect(done.file_name).toMatch(new RegExp(`^export_2026_03_02_${id}.*\\.zip$`));
    expect(Date.parse(done.expires_at) - Date.parse(done.finished_at)).toBe(72 * 3600_000);
    const latest = await world.call('GET', '/api/v2/exports/latest');
    expect(latest.json.exports.map((e: { id: number }) => e.id)).toEqual([id]);

    const res = await world.app.request(`http://localhost/api/v2/exports/${id}/download`, { headers: auth(world.acme.admin) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${done.file_name}"`);
    const zip = Buffer.from(await res.arrayBuffer());
    expect(zip.subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'));
    expect(Number(res.headers.get('content-length'))).toBe(zip.length);
    expect(done.size).toBe(zip.length);

    // Another account does not see it, even with export on there.
    await enable(world.globex);
    expect((await world.call('GET', `/api/v2/exports/${id}/download`, { account: world.globex })).status).toBe(404);
    expect((await world.call('GET', `/api/v2/exports/${id}`, { account: world.globex })).status).toBe(404);

    world.clock.advance(72 * 3600_000 + 1000);
    const gone = await world.call('GET', `/api/v2/exports/${id}/download`);
    expect(gone.status).toBe(410);
    expect(gone.json.description).toMatch(/expired on .*request a new export/);
    expect((await world.call('GET', '/api/v2/exports/latest')).json.exports).toEqual([]);
    expect((await exportRow(id)).download_url).toBeNull();

    const file = path.join(dir, String(world.acme.id), done.file_name);
    expect(existsSync(file)).toBe(true);
    expect(await purgeExpiredExports(world.database, world.clock, dir)).toBe(1);
    expect(existsSync(file)).toBe(false);
    expect((await exportRow(id)).state).toBe('expired');
    expect((await world.call('GET', `/api/v2/exports/${id}/download`)).status).toBe(410);
  });

  it('answers 409 for an export that has no file yet', async () => {
    await enable();
    const { json } = await request({ type: 'user_xml' });
    const res = await world.call('GET', `/api/v2/exports/${json.export.id}/download`);
    expect(res.status).toBe(409);
    expect(res.json.description).toMatch(/it is queued/);
  });

  it('leaves no done row after a crash mid-build, and the retry builds the file from scratch', async () => {
    await enable();
    await addTickets(2);
    let calls = 0;
    build = async (input) => {
      if (++calls === 1) {
        // The builder's temporary file is all a crash can leave; the ZIP's real name never appears.
        await input.onProgress({ progress: 40, rows: 1 });
        throw new Error('ENOSPC: no space left on device');
      }
      return buildExport(input);
    };
    const { json } = await request({ type: 'csv' });
    await world.engine!.drain();
    const failed = await exportRow(json.export.id);
    expect(failed).toMatchObject({ state: 'queued', error: 'ENOSPC: no space left on device', download_url: null, file_name: null });
    expect((await readdir(path.join(dir, String(world.acme.id)))).filter((f) => f.endsWith('.zip'))).toEqual([]);
    expect((await world.call('GET', '/api/v2/exports/latest')).json.exports).toEqual([]);

    world.clock.advance(60_000); // past the retry's backoff
    await world.engine!.drain();
    expect(calls).toBe(2);
    const done = await exportRow(json.export.id);
    expect(done).toMatchObject({ state: 'done', progress: 100, rows: 2, error: null });
    expect(existsSync(path.join(dir, String(world.acme.id), done.file_name))).toBe(true);
  });

  it('rebuilds an export left running by a worker that died (B7)', async () => {
    await enable();
    await addTickets(1);
    const { json } = await request({ type: 'json', data_type: 'tickets' });
    // What a killed worker leaves: the row running at 60 %, the job still owned with an expired lease.
    await world.db.update(dataExports).set({ state: 'running', progress: 60 }).where(eq(dataExports.id, json.export.id));
    await world.db.update(jobs).set({ state: 'running', attempts: 1, lockedBy: 'dead-worker', lockedUntil: new Date(world.clock.now().getTime() - 1000) });
    await world.engine!.drain(); // reaps the lease: the job is queued again after the attempt's backoff
    world.clock.advance(60_000);
    await world.engine!.drain();
    expect(await exportRow(json.export.id)).toMatchObject({ state: 'done', progress: 100, rows: 1 });
  });

  it('frees the type of an export whose job gave up without settling it', async () => {
    await enable();
    const { json } = await request({ type: 'csv' });
    // A worker killed on the last attempt: the reaper marks the job dead, nothing marks the export.
    await world.db.update(dataExports).set({ state: 'running' }).where(eq(dataExports.id, json.export.id));
    await world.db.update(jobs).set({ state: 'dead' }).where(eq(jobs.id, await jobOf(json.export.id)));
    expect((await request({ type: 'csv' })).status).toBe(202);
    expect(await exportRow(json.export.id)).toMatchObject({ state: 'failed', error: 'The export stopped: the job building it gave up. Request it again.' });
  });

  it('fails an export the builder refuses, without retrying, and emails the requester', async () => {
    await enable();
    build = async () => { throw new ExportRefusal('Only JSON exports are available for this account'); };
    const { json } = await request({ type: 'xml' }, world.acme.admin);
    await world.engine!.drain();
    const row = await exportRow(json.export.id);
    expect(row).toMatchObject({ state: 'failed', error: 'Only JSON exports are available for this account' });
    expect((await jobRow(world.database, await jobOf(json.export.id))).state).toBe('dead');
    const mail = (await world.call('GET', '/api/v2/email_outbox')).json.emails;
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ to: 'admin@acme.test', subject: 'Your deskbridge data export failed', status: 'unsent' });
    expect(mail[0].text).toContain('Only JSON exports are available for this account');
    // The type is free again.
    expect((await request({ type: 'xml' })).status).toBe(202);
  });
});

const auth = (as: Persona) => ({
  'x-deskbridge-account': 'acme', authorization: `Basic ${Buffer.from(`${as.user.email}/token:${as.token}`).toString('base64')}`,
});

async function jobOf(exportId: number): Promise<number> {
  const [row] = await world.db.select({ jobId: dataExports.jobId }).from(dataExports).where(eq(dataExports.id, exportId));
  return row!.jobId!;
}
