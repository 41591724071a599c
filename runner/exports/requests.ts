import { rm } from 'node:fs/promises';
import path from 'node:path';
import { and, desc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { Database, Queryable } from '../../db/client.ts';
import {
  dataExports, EXPORT_TYPES, jobs, users, type Account, type DataExport, type ExportDataType, type ExportType,
} from '../../db/schema/index.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../core/clock.ts';
import type { Actor } from '../core/context.ts';
import { AppError, notFound } from '../core/errors.ts';
import { iso } from '../core/format.ts';
import { enqueue } from '../engine/queue.ts';
import { assertCanExport, countTicketsUpTo } from './settings.ts';

/** Export requests (SPEC E4, E5, E8): the rows of `data_exports` and the jobs that build them. */

export type ExportRequest = { type: ExportType; dataType: ExportDataType | null; startTime: Date | null; endTime: Date | null };
export type Requester = { id: number; name: string; email: string } | null;
export type ExportWithRequester = { row: DataExport; requester: Requester };

export const EXPORT_TASK = 'export';
const ACTIVE = ['queued', 'running'] as const;
const RECENT = 50;

/** Where an export's ZIP lives: one folder per account; the stored name never leaves it. */
export function exportDir(root: string, accountId: number): string {
  return path.join(root, String(accountId));
}
export function exportFilePath(root: string, row: Pick<DataExport, 'accountId' | 'file'>): string | null {
  return row.file ? path.join(exportDir(root, row.accountId), path.basename(row.file.name)) : null;
}

export const downloadPath = (id: number) => `/api/v2/exports/${id}/download`;

export function isDownloadable(row: DataExport, now: Date): boolean {
  return row.state === 'done' && row.expiresAt !== null && row.expiresAt > now;
}

/** The API shape of an export; `base` is the origin the download link is written with. */
export function exportShape({ row, requester }: ExportWithRequester, now: Date, base: string) {
  return {
    id: row.id,
    type: row.type,
    data_type: row.dataType,
    start_time: iso(row.startTime),
    end_time: iso(row.endTime),
    state: row.state,
    progress: row.progress,
    rows: row.rows,
    requested_by: requester,
    snapshot_at: iso(row.snapshotAt),
    created_at: iso(row.createdAt),
    started_at: iso(row.startedAt),
    finished_at: iso(row.finishedAt),
    expires_at: iso(row.expiresAt),
    file_name: row.file?.name ?? null,
    size: row.file?.bytes ?? null,
    download_url: isDownloadable(row, now) ? `${base}${downloadPath(row.id)}` : null,
    error: row.error,
  };
}

export type RequestOutcome = { created: ExportWithRequester } | { running: ExportWithRequester };

/**
 * Records the request and queues its job in one transaction, so there is never a queued export
 * without a job to build it. The caller wakes the engine after the commit.
 * One export per type at a time: a clear check first, and the partial unique index
 * `data_exports_one_running` for two requests racing past that check.
 */
export async function requestExport(
  database: Database, clock: Clock, config: Pick<Config, 'EXPORT_TICKET_THRESHOLD'>, account: Account, actor: Actor, input: ExportRequest,
): Promise<RequestOutcome> {
  assertCanExport(account, actor);
  await refuseOverThreshold(database.db, config.EXPORT_TICKET_THRESHOLD, account.id, input.type);
  return database.db.transaction(async (tx) => {
    const now = clock.now();
    await failOrphans(tx, now, account.id, input.type);
    const running = await findActive(tx, account.id, input.type);
    if (running) return { running };
    const [row] = await tx.insert(dataExports).values({
      accountId: account.id, requesterId: actor.id, type: input.type, dataType: input.dataType,
      startTime: input.startTime, endTime: input.endTime, createdAt: now, updatedAt: now,
    }).onConflictDoNothing().returning();
    if (!row) return { running: (await findActive(tx, account.id, input.type))! };
    const job = await enqueue(tx, {
      accountId: account.id, kind: EXPORT_TASK, name: input.type, payload: { export_id: row.id }, idempotencyKey: `export:${row.id}`,
    }, clock);
    const [queued] = await tx.update(dataExports).set({ jobId: job.id }).where(eq(dataExports.id, row.id)).returning();
    return { created: { row: queued!, requester: { id: actor.id, name: actor.name, email: actor.email } } };
  });
}

/**
 * SPEC E8: big accounts export tickets as JSON only (in 31-day parts). User XML holds no tickets, so
 * it stays available (the builder applies the same rule).
 */
async function refuseOverThreshold(q: Queryable, threshold: number, accountId: number, type: ExportType) {
  if (type !== 'csv' && type !== 'xml') return;
  const count = await countTicketsUpTo(q, accountId, threshold + 1);
  if (count > threshold) {
    throw new AppError(422, 'TooManyTickets', `This account has more than ${threshold.toLocaleString('en-US')} tickets, so it can export JSON only: request a JSON export, which is delivered in 31-day parts. CSV and XML exports are not available at this size.`);
  }
}

/**
 * An export whose job is gone or dead (its worker died on the last attempt, or it was purged)
 * would hold its type's slot for ever: mark it failed so a new request can run.
 */
async function failOrphans(q: Queryable, now: Date, accountId: number, type: ExportType) {
  await q.update(dataExports)
    .set({ state: 'failed', error: 'The export stopped: the job building it gave up. Request it again.', finishedAt: now, updatedAt: now })
    .where(and(
      eq(dataExports.accountId, accountId), eq(dataExports.type, type), inArray(dataExports.state, [...ACTIVE]),
      sql`not exists (select 1 from ${jobs} where ${jobs.id} = ${dataExports.jobId} and ${jobs.state} in ('queued', 'running'))`,
    ));
}

const withRequester = (q: Queryable) => q.select({ row: dataExports, requester: { id: users.id, name: users.name, email: users.email } })
  .from(dataExports)
  .leftJoin(users, and(eq(users.id, dataExports.requesterId), eq(users.accountId, dataExports.accountId)));

const toOutcome = (r: { row: DataExport; requester: { id: number | null; name: string | null; email: string | null } | null }): ExportWithRequester => ({
  row: r.row,
  requester: r.requester?.id ? { id: r.requester.id, name: r.requester.name!, email: r.requester.email! } : null,
});

async function findActive(q: Queryable, accountId: number, type: ExportType): Promise<ExportWithRequester | undefined> {
  const [r] = await withRequester(q).where(and(eq(dataExports.accountId, accountId), eq(dataExports.type, type), inArray(dataExports.state, [...ACTIVE])));
  return r && toOutcome(r);
}

export async function listExports(q: Queryable, accountId: number): Promise<ExportWithRequester[]> {
  const rows = await withRequester(q).where(eq(dataExports.accountId, accountId)).orderBy(desc(dataExports.id)).limit(RECENT);
  return rows.map(toOutcome);
}

export async function findExport(q: Queryable, accountId: number, id: number): Promise<ExportWithRequester> {
  const [r] = await withRequester(q).where(and(eq(dataExports.accountId, accountId), eq(dataExports.id, id)));
  if (!r) throw notFound('Export');
  return toOutcome(r);
}

/** SPEC E5 "most recent": per type, the last export that finished and can still be downloaded. */
export async function latestExports(q: Queryable, accountId: number, now: Date): Promise<ExportWithRequester[]> {
  const rows = await withRequester(q)
    .where(and(eq(dataExports.accountId, accountId), eq(dataExports.state, 'done'), gt(dataExports.expiresAt, now)))
    .orderBy(desc(dataExports.finishedAt), desc(dataExports.id));
  const byType = new Map<ExportType, ExportWithRequester>();
  for (const r of rows) if (!byType.has(r.row.type)) byType.set(r.row.type, toOutcome(r));
  return EXPORT_TYPES.flatMap((t) => byType.get(t) ?? []);
}

/**
 * Marks exports past their link's expiry `expired`, then deletes their files. In that order: a
 * crash in between leaves a stray file, never a `done` export without its file.
 */
export async function purgeExpiredExports(database: Database, clock: Clock, dir: string): Promise<number> {
  const now = clock.now();
  const expired = await database.db.update(dataExports)
    .set({ state: 'expired', updatedAt: now })
    .where(and(eq(dataExports.state, 'done'), lte(dataExports.expiresAt, now)))
    .returning();
  for (const row of expired) {
    const file = exportFilePath(dir, row);
    if (file) await rm(file, { force: true });
  }
  return expired.length;
}
