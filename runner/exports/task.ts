import { mkdir, stat } from 'node:fs/promises';
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { accounts, dataExports, users, type Account, type DataExport } from '../../db/schema/index.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../core/clock.ts';
import type { Task, TaskContext } from '../engine/engine.ts';
import type { Mailer } from '../mail.ts';
import { PermanentError, type Logger } from '../sdk/index.ts';
import { buildExport, ExportRefusal, type BuildResult } from './build.ts';
import { downloadPath, exportDir, exportFilePath } from './requests.ts';

export type ExportTaskDeps = {
  config: Pick<Config, 'EXPORT_DIR' | 'EXPORT_LINK_TTL_HOURS' | 'EXPORT_TICKET_THRESHOLD' | 'PUBLIC_URL' | 'BASE_DOMAIN'>;
  build?: typeof buildExport;
  mailer: Pick<Mailer, 'send'>;
};

const PROGRESS_EVERY_MS = 1000;
const ACTIVE = ['queued', 'running'] as const;

const TYPE_LABELS: Record<DataExport['type'], string> = { json: 'Full JSON', csv: 'CSV', xml: 'Full XML', user_xml: 'User XML' };
const label = (row: Pick<DataExport, 'type' | 'dataType'>) => `${TYPE_LABELS[row.type]}${row.dataType ? ` (${row.dataType})` : ''}`;

/**
 * The `export` engine task (SPEC E5, E12, B7): builds the ZIP of one `data_exports` row, marks it
 * done and emails the requester. The engine retries a failed attempt; every attempt rebuilds from
 * scratch, and the builder writes under a temporary name renamed when complete, so a crash never
 * leaves a half file, and a row is marked done only once its file is on disk.
 */
export function exportTask({ config, build = buildExport, mailer }: ExportTaskDeps): Task {
  async function run({ job, database, clock, log, signal }: TaskContext) {
    const row = await loadActive(database, job.accountId, exportIdOf(job.payload));
    // Already settled: a job delivered twice (at-least-once) has nothing left to do.
    if (!row) return;
    const started = await markRunning(database, clock, row, job.id);
    let done: DataExport | undefined;
    try {
      done = await markDone(database, clock, started, await buildFile(database, await loadAccount(database, row.accountId), started, signal));
    } catch (err) {
      await settleFailure(database, clock, log, started, err, job.attempts >= job.maxAttempts);
      if (err instanceof ExportRefusal) throw new PermanentError(err.message, 'ExportRefused');
      throw err;
    }
    if (!done) {
      log.info(`Data export #${row.id} was settled by another worker while this one built it`, { export_id: row.id });
      return;
    }
    log.info(`Data export #${done.id} (${label(done)}) done: ${done.rows} row(s), ${done.file!.bytes} bytes`, { export_id: done.id });
    await notify(database, log, done);
  }

  async function buildFile(database: Database, account: Account, row: DataExport, signal: AbortSignal): Promise<BuildResult> {
    const dir = exportDir(config.EXPORT_DIR, row.accountId);
    await mkdir(dir, { recursive: true });
    let last = 0;
    return build({
      database, accountId: row.accountId, exportId: row.id, type: row.type, dataType: row.dataType,
      startTime: row.startTime, endTime: row.endTime, dir, requestedAt: row.createdAt, base: accountOrigin(config, account),
      ticketThreshold: config.EXPORT_TICKET_THRESHOLD, signal,
      // At most one write a second: progress is for the admin page, not worth a write per batch.
      onProgress: async (p) => {
        if (performance.now() - last < PROGRESS_EVERY_MS) return;
        last = performance.now();
        await database.db.update(dataExports)
          .set({ progress: Math.max(0, Math.min(99, Math.floor(p.progress))), rows: p.rows })
          .where(and(eq(dataExports.id, row.id), inArray(dataExports.state, [...ACTIVE])));
      },
    });
  }

  /** Done needs the file: the row, the file and the expiry are written together once the file is checked on disk. */
  async function markDone(database: Database, clock: Clock, row: DataExport, result: BuildResult): Promise<DataExport | undefined> {
    const file = exportFilePath(config.EXPORT_DIR, { accountId: row.accountId, file: result.file });
    const size = (await stat(file!)).size;
    const now = clock.now();
    const [done] = await database.db.update(dataExports).set({
      state: 'done', progress: 100, rows: result.rows, file: { ...result.file, bytes: size }, snapshotAt: result.snapshotAt,
      error: null, finishedAt: now, expiresAt: new Date(now.getTime() + config.EXPORT_LINK_TTL_HOURS * 3600_000), updatedAt: now,
    }).where(and(eq(dataExports.id, row.id), inArray(dataExports.state, [...ACTIVE]))).returning();
    return done;
  }

  /** Refused or out of attempts: failed for good, and the requester is told. Otherwise queued again, the error shown meanwhile. */
  async function settleFailure(database: Database, clock: Clock, log: Logger, row: DataExport, err: unknown, lastAttempt: boolean) {
    const message = err instanceof Error ? err.message : String(err);
    const final = err instanceof ExportRefusal || lastAttempt;
    const now = clock.now();
    const [settled] = await database.db.update(dataExports)
      .set(final ? { state: 'failed', error: message, finishedAt: now, updatedAt: now } : { state: 'queued', error: message, updatedAt: now })
      .where(and(eq(dataExports.id, row.id), inArray(dataExports.state, [...ACTIVE])))
      .returning();
    if (final && settled) await notify(database, log, settled);
  }

  async function notify(database: Database, log: Logger, row: DataExport) {
    const account = await loadAccount(database, row.accountId);
    const [requester] = await database.db.select().from(users).where(and(eq(users.id, row.requesterId), eq(users.accountId, row.accountId)));
    if (!requester?.active) return;
    const mail = row.state === 'done' ? readyMail(account, requester.name, row) : failedMail(requester.name, row);
    const sent = await mailer.send(row.accountId, { to: requester.email, ...mail });
    if (sent.error) log.warn(`The email about data export #${row.id} to ${requester.email} could not be sent: ${sent.error}`, { export_id: row.id, email_id: sent.id });
  }

  function readyMail(account: Account, name: string, row: DataExport) {
    const link = `${accountOrigin(config, account)}${downloadPath(row.id)}`;
    const text = [
      `Hello ${name},`, '',
      `The ${label(row)} data export you requested on ${utc(row.createdAt)} is ready. Download it here:`, '', link, '',
      `The link works until ${utc(row.expiresAt!)}; sign in as an admin of ${account.name} to use it.`,
      `The file holds the data as of ${utc(row.snapshotAt ?? row.createdAt)}.`,
    ].join('\n');
    const html = `<p>Hello ${escapeHtml(name)},</p><p>The ${escapeHtml(label(row))} data export you requested on ${utc(row.createdAt)} is ready: `
      + `<a href="${escapeHtml(link)}">download it</a>.</p><p>The link works until ${utc(row.expiresAt!)}; sign in as an admin of ${escapeHtml(account.name)} to use it.</p>`;
    return { subject: 'Your deskbridge data export is ready', text, html };
  }

  function failedMail(name: string, row: DataExport) {
    const text = [
      `Hello ${name},`, '',
      `The ${label(row)} data export you requested on ${utc(row.createdAt)} failed:`, '', row.error ?? 'unknown error', '',
      'You can request it again from the Data export page.',
    ].join('\n');
    return { subject: 'Your deskbridge data export failed', text };
  }

  // The label must not throw: the engine asks for it before the attempt can fail cleanly.
  return { product: 'Data export', label: (job) => `Data export #${(job.payload as { export_id?: unknown } | null)?.export_id ?? '?'} (${job.name})`, run };
}

/**
 * The origin of emailed links and of the records' `url`s: PUBLIC_URL, or — when accounts are told apart by host (BASE_DOMAIN) — the
 * account's own host, so the link opens in the right account.
 */
export function accountOrigin(config: Pick<Config, 'PUBLIC_URL' | 'BASE_DOMAIN'>, account: Pick<Account, 'subdomain'>): string {
  const url = new URL(config.PUBLIC_URL);
  if (config.BASE_DOMAIN) url.hostname = `${account.subdomain}.${config.BASE_DOMAIN}`;
  return url.origin;
}

function exportIdOf(payload: unknown): number {
  const id = (payload as { export_id?: unknown } | null)?.export_id;
  if (typeof id !== 'number') throw new PermanentError('The export job names no export_id', 'BadPayload');
  return id;
}

async function loadActive(database: Database, accountId: number, id: number): Promise<DataExport | undefined> {
  const [row] = await database.db.select().from(dataExports)
    .where(and(eq(dataExports.id, id), eq(dataExports.accountId, accountId), inArray(dataExports.state, [...ACTIVE])));
  return row;
}

async function loadAccount(database: Database, id: number): Promise<Account> {
  const [account] = await database.db.select().from(accounts).where(eq(accounts.id, id));
  return account!;
}

/** A restarted job (B7) finds its row `running` from the crashed attempt and starts again from 0. */
async function markRunning(database: Database, clock: Clock, row: DataExport, jobId: number): Promise<DataExport> {
  const now = clock.now();
  const [running] = await database.db.update(dataExports)
    .set({ state: 'running', progress: 0, rows: 0, startedAt: now, jobId, updatedAt: now })
    .where(eq(dataExports.id, row.id)).returning();
  return running!;
}

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
