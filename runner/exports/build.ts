import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import type { ExportDataType, ExportFile, ExportType } from '../../db/schema/index.ts';
import { csvFields, csvLines } from './csv.ts';
import { activeFieldIds, errorLines, inRange, organizationLines, TICKET_JSON_LIMIT, userLines, type Counter, type Scope } from './ndjson.ts';
import { ticketJsonLines } from './ticket-json.ts';
import { ExportRefusal } from './refusal.ts';
import { withSnapshot, type Batches, type Snapshot } from './snapshot.ts';
import { xmlChunks } from './xml.ts';
import { writeZip, type ZipWriter } from './zip.ts';

export { ExportRefusal };
export type { Batches };

export type BuildInput = {
  database: Database;
  accountId: number;
  exportId: number;
  type: ExportType;
  /** JSON exports: which records; null means tickets. */
  dataType: ExportDataType | null;
  /** Range on generated_timestamp: [startTime, endTime), null = open; always bounded by the snapshot. */
  startTime: Date | null;
  endTime: Date | null;
  /** Folder where the ZIP goes (created when missing). */
  dir: string;
  /** For the file names export_YYYY_MM_DD_<id>_<n> (UTC date). */
  requestedAt: Date;
  /** Accounts with more tickets: JSON only, in 31-day part files (SPEC E8). */
  ticketThreshold: number;
  signal: AbortSignal;
  /** Called about once a second at most; progress 0–100. */
  onProgress(p: { progress: number; rows: number }): void | Promise<void>;
  /**
   * Origin the API answers on (`https://acme.example.com`), for the `url` of the JSON records, which
   * must equal what the API returns. Default: none (`/api/v2/tickets/1.json`).
   */
  base?: string;
};

export type BuildResult = { file: ExportFile; rows: number; snapshotAt: Date; oversized: number };

const DAY_MS = 86_400_000;
/** Large accounts export tickets in windows of this length of generated_timestamp (SPEC E8). */
const PART_MS = 31 * DAY_MS;

/** `export_2026_03_02_17`: the ZIP and its entries are named after the request's day and id (SPEC E6). */
export function exportBaseName(requestedAt: Date, exportId: number): string {
  const day = requestedAt.toISOString().slice(0, 10).replaceAll('-', '_');
  return `export_${day}_${exportId}`;
}

/**
 * Builds one export's ZIP from a snapshot of the account's data (SPEC E4–E12, B6). Memory stays
 * bounded: rows are read in batches of 1,000 and every batch is written before the next is read.
 * @example const { file } = await buildExport({ database, accountId, exportId, type: 'csv', … });
 */
export async function buildExport(input: BuildInput): Promise<BuildResult> {
  return withSnapshot(input.database, input.accountId, async (snap) => {
    const tickets = await count(snap, 'tickets', input.accountId);
    const large = tickets > input.ticketThreshold;
    if (large && (input.type === 'csv' || input.type === 'xml')) {
      throw new ExportRefusal(`This account has more than ${input.ticketThreshold.toLocaleString('en-US')} tickets: only JSON exports are available, in 31-day parts`);
    }
    const scope: Scope = { accountId: input.accountId, base: input.base ?? '', from: input.startTime, to: input.endTime, fence: snap.fence };
    const progress = progressReporter(input.onProgress, input.signal);
    const name = exportBaseName(input.requestedAt, input.exportId);
    const zip = (fill: (z: ZipWriter) => Promise<void>) =>
      writeZip({ dir: input.dir, name: `${name}.zip`, zip64: input.type === 'json' || input.type === 'csv', date: snap.at, signal: input.signal }, fill);
    let oversized: number[] = [];
    let written: { bytes: number; entries: string[] };
    switch (input.type) {
      case 'json': {
        const dataType = input.dataType ?? 'tickets';
        progress.total = await count(snap, dataType, input.accountId, scope);
        written = await zip(async (z) => { oversized = await writeJson(z, snap, scope, name, dataType, large, progress.counted); });
        break;
      }
      case 'csv': {
        progress.total = await count(snap, 'tickets', input.accountId, scope);
        const [fields, tz] = await Promise.all([csvFields(snap, input.accountId), accountZone(snap, input.accountId)]);
        written = await zip((z) => z.entry(`${name}_1.csv`, csvLines(snap, scope, tz, fields, progress.counted)));
        break;
      }
      case 'xml':
      case 'user_xml': {
        progress.total = await xmlRowEstimate(snap, input.accountId, input.type);
        const timeZone = await accountZone(snap, input.accountId);
        const batches = countingBatches(snap.batches, progress.counted);
        written = await zip((z) => z.entry(`${name}_1.xml`, xmlChunks(batches, { accountId: input.accountId, kind: input.type as 'xml' | 'user_xml', timeZone })));
        break;
      }
    }
    return { file: { name: `${name}.zip`, ...written }, rows: progress.rows, snapshotAt: snap.at, oversized: oversized.length };
  });
}

/**
 * The JSON entries: one file, or for large accounts' tickets one per 31-day window; then the list
 * of tickets exported without their comments, when there are any (SPEC E9). Returns their ids.
 */
async function writeJson(z: ZipWriter, snap: Snapshot, scope: Scope, name: string, dataType: ExportDataType, large: boolean, counted: Counter): Promise<number[]> {
  const oversized: number[] = [];
  if (dataType === 'users') await z.entry(`${name}_1.json`, userLines(snap, scope, counted));
  else if (dataType === 'organizations') await z.entry(`${name}_1.json`, organizationLines(snap, scope, counted));
  else {
    const fieldIds = await activeFieldIds(snap, scope.accountId);
    const windows = large ? await partWindows(snap, scope) : [scope];
    for (const [i, w] of windows.entries()) {
      await z.entry(`${name}_${i + 1}.json`, ticketJsonLines(snap, w, fieldIds, TICKET_JSON_LIMIT, (id) => oversized.push(id), counted));
    }
  }
  if (oversized.length) await z.entry(`${name}_errors.json`, (async function* () { yield errorLines(oversized); })());
  return oversized;
}

/**
 * 31-day windows of generated_at covering the scope: from its start (or the oldest ticket in it)
 * to its newest ticket, so every ticket falls in exactly one part. Windows without tickets still
 * get their (empty) file, so part n always covers the same days.
 */
async function partWindows(snap: Snapshot, scope: Scope): Promise<Scope[]> {
  const [row] = await snap.rows<{ first: number | null; last: number | null }>(sql`select
    (extract(epoch from min(generated_at)) * 1000)::float8 as first, (extract(epoch from max(generated_at)) * 1000)::float8 as last
    from tickets where ${inRange(scope)}`);
  if (row?.first == null || row.last == null) return [scope];
  const start = scope.from?.getTime() ?? row.first;
  const windows: Scope[] = [];
  for (let from = start; from <= row.last; from += PART_MS) {
    const to = Math.min(from + PART_MS, scope.to?.getTime() ?? Infinity);
    windows.push({ ...scope, from: new Date(from), to: Number.isFinite(to) ? new Date(to) : null });
  }
  return windows;
}

async function count(snap: Snapshot, table: 'tickets' | ExportDataType, accountId: number, scope?: Scope): Promise<number> {
  const where = scope ? inRange(scope) : sql`account_id = ${accountId}`;
  const [row] = await snap.rows<{ n: number }>(sql`select count(*)::float8 as n from ${sql.identifier(table)} where ${where}`);
  return row!.n;
}

async function accountZone(snap: Snapshot, accountId: number): Promise<string> {
  const [row] = await snap.rows<{ tz: string }>(sql`select time_zone as tz from accounts where id = ${accountId}`);
  return row?.tz ?? 'UTC';
}

/** Rows the XML writer will read, for its progress: the records, and the tickets' comments. */
async function xmlRowEstimate(snap: Snapshot, accountId: number, kind: 'xml' | 'user_xml'): Promise<number> {
  const tables = kind === 'xml' ? ['users', 'organizations', 'groups', 'tickets', 'comments'] : ['users', 'organizations', 'groups'];
  const counts = await Promise.all(tables.map((t) => snap.rows<{ n: number }>(sql`select count(*)::float8 as n from ${sql.identifier(t)} where account_id = ${accountId}`)));
  return counts.reduce((sum, [row]) => sum + row!.n, 0);
}

/** The XML writer's reads, counted for the progress reports. */
function countingBatches(batches: Batches, counted: Counter): Batches {
  return async function* counting<T extends Record<string, unknown>>(query: Parameters<Batches>[0], size?: number) {
    for await (const rows of batches<T>(query, size)) {
      yield rows;
      await counted(rows.length);
    }
  };
}

/** Counts rows and reports progress at most once a second; the first batch is always reported. */
function progressReporter(onProgress: BuildInput['onProgress'], signal: AbortSignal) {
  let last = -Infinity;
  const state = {
    total: 0,
    rows: 0,
    counted: async (n: number) => {
      state.rows += n;
      if (Date.now() - last < 1000) return;
      last = Date.now();
      // 99 at most: the ZIP is not complete until it is finalized and renamed.
      await onProgress({ progress: Math.min(99, Math.floor((state.rows / Math.max(1, state.total)) * 100)), rows: state.rows });
      signal.throwIfAborted();
    },
  };
  return state;
}
