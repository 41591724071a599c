import { and, asc, count, desc, eq, getTableColumns, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { unionAll } from 'drizzle-orm/pg-core';
import type { Queryable } from '../../db/client.ts';
import { integrationLogs as t, type IntegrationLog, type LogStatus } from '../../db/schema/index.ts';
import { notFound } from '../core/errors.ts';

/**
 * Reading the integration log (SPEC L3–L5, B1–B3): filters → SQL, keyset pages in (ts desc, id desc)
 * order, the API row shape and the CSV / NDJSON lines of an export.
 */

export type LogFilter = {
  accountId: number;
  /** The window is [start, end): start inclusive, end exclusive, so consecutive windows never share a row. */
  start?: Date | undefined;
  end?: Date | undefined;
  /** Exact product names; any of them. */
  products?: string[] | undefined;
  statuses?: LogStatus[] | undefined;
  /** Free text as typed: every word must match, the last one as a prefix. */
  text?: string | undefined;
  ticketId?: number | undefined;
};

/** A place in the (ts desc, id desc) order: the last row a page returned. */
export type Position = { ts: Date; id: number };

export const encodeCursor = (p: Position) => Buffer.from(`${p.ts.getTime()}.${p.id}`).toString('base64url');

export function decodeCursor(raw: string): Position | undefined {
  const m = /^(\d{1,15})\.(\d{1,15})$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  return m ? { ts: new Date(Number(m[1])), id: Number(m[2]) } : undefined;
}

export const positionOf = (row: Pick<IntegrationLog, 'ts' | 'id'>): Position => ({ ts: row.ts, id: row.id });

/**
 * The user's words as a `to_tsquery('simple', …)` text: each word becomes a quoted tsquery literal
 * (so `&`, `|`, `!`, `:` typed by a user are just characters), all ANDed, the last one prefix-matched.
 * Quoting hands each word to the same parser as the indexed document, so `sf-case-12` matches the
 * parts the document was split into. Words without a letter or digit carry no lexeme and are dropped.
 * The result travels as a bind parameter, never as SQL text.
 */
function toTsQuery(text: string): string | undefined {
  const words = text.trim().split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (words.length === 0) return undefined;
  const quoted = words.map((w) => `'${w.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`);
  quoted[quoted.length - 1] += ':*';
  return quoted.join(' & ');
}

/** Every column but the search vector, which only the filter reads. */
const { search: _search, ...rowColumns } = getTableColumns(t);

/** The stored column under integration_logs_search_idx: description words and details values. */
const searchDocument = t.search;

function whereOf(f: LogFilter): SQL | undefined {
  const tsQuery = f.text === undefined ? undefined : toTsQuery(f.text);
  return and(
    eq(t.accountId, f.accountId),
    f.start ? gte(t.ts, f.start) : undefined,
    f.end ? lt(t.ts, f.end) : undefined,
    f.products?.length ? inArray(t.product, f.products) : undefined,
    f.statuses?.length ? inArray(t.status, f.statuses) : undefined,
    f.ticketId !== undefined ? eq(t.ticketId, f.ticketId) : undefined,
    tsQuery ? sql`${searchDocument} @@ to_tsquery('simple', ${tsQuery})` : undefined,
  );
}

/** Rows strictly after `p` in (ts desc, id desc) order. The plain `ts <=` lets the planner prune partitions. */
const afterPosition = (p: Position) => {
  const at = p.ts.toISOString();
  return sql`${t.ts} <= ${at}::timestamptz and (${t.ts}, ${t.id}) < (${at}::timestamptz, ${p.id}::bigint)`;
};

/**
 * An `IN` list cannot be read in (ts, id) order from one index, so the planner would sort every
 * matching row of the window. Several products (or, without products, several statuses) are
 * read as one index-ordered branch each and merged: each branch stops after one page.
 */
function branches(f: LogFilter): { shared: LogFilter; each: SQL[] } {
  if (f.products && f.products.length > 1) return { shared: { ...f, products: undefined }, each: f.products.map((p) => eq(t.product, p)) };
  if (!f.products?.length && f.statuses && f.statuses.length > 1) {
    return { shared: { ...f, statuses: undefined }, each: f.statuses.map((s) => eq(t.status, s)) };
  }
  return { shared: f, each: [] };
}

/** One page, newest first, keyset-paginated on (ts, id): the cost of page 200 is the cost of page 1. */
export async function listPage(q: Queryable, f: LogFilter, size: number, after?: Position): Promise<{ rows: IntegrationLog[]; hasMore: boolean }> {
  const { shared, each } = branches(f);
  const keyset = after ? afterPosition(after) : undefined;
  const select = (extra: SQL | undefined) => q.select(rowColumns).from(t).where(and(whereOf(shared), extra, keyset))
    .orderBy(desc(t.ts), desc(t.id)).limit(size + 1);
  const [first, second, ...rest] = each.map(select);
  const rows = first && second
    ? await unionAll(first, second, ...rest).orderBy(desc(t.ts), desc(t.id)).limit(size + 1)
    : await select(undefined);
  return { rows: rows.slice(0, size), hasMore: rows.length > size };
}

/** Every matching row, newest first, in keyset pages (an export never holds more than one page). */
async function* allPages(q: Queryable, f: LogFilter, size = 1000): AsyncGenerator<IntegrationLog[]> {
  let after: Position | undefined;
  for (;;) {
    const { rows, hasMore } = await listPage(q, f, size, after);
    if (rows.length > 0) yield rows;
    const last = rows[rows.length - 1];
    if (!hasMore || !last) return;
    after = positionOf(last);
  }
}

/**
 * For the live tail: matching rows with ts ≥ floor that are not in `exclude`, oldest first.
 * The ids travel as one array parameter, however many there are.
 */
export async function rowsSince(q: Queryable, f: LogFilter, floor: Date | undefined, exclude: number[], limit: number): Promise<IntegrationLog[]> {
  return q.select(rowColumns).from(t).where(and(
    whereOf(f),
    floor ? gte(t.ts, floor) : undefined,
    exclude.length > 0 ? sql`${t.id} <> all(${`{${exclude.join(',')}}`}::bigint[])` : undefined,
  )).orderBy(asc(t.ts), asc(t.id)).limit(limit);
}

export async function findLog(q: Queryable, accountId: number, id: number): Promise<IntegrationLog> {
  const [row] = await q.select(rowColumns).from(t).where(and(eq(t.accountId, accountId), eq(t.id, id)));
  if (!row) throw notFound('Log row');
  return row;
}

/** SPEC L5: the product drop-down lists only the products with errors in the window. */
/**
 * Products with at least one error in the window (SPEC L5), with their error counts. The account's
 * distinct products come from a skip scan of the (account, product, status, ts) index (a recursive
 * walk, one index probe per product), then each product's errors are counted on that same index, up
 * to ERROR_COUNT_CAP: counting every error of a busy week (hundreds of thousands of rows) took
 * seconds at 10M rows, and the drop-down only needs to know that there are errors and roughly how many.
 */
export const ERROR_COUNT_CAP = 1000;

export async function productsWithErrors(q: Queryable, f: Pick<LogFilter, 'accountId' | 'start' | 'end'>) {
  const window = and(
    f.start ? sql`ts >= ${f.start.toISOString()}::timestamptz` : undefined,
    f.end ? sql`ts < ${f.end.toISOString()}::timestamptz` : undefined,
  ) ?? sql`true`;
  const result = await q.execute(sql`
    with recursive products as (
      (select product from integration_logs where account_id = ${f.accountId} order by product limit 1)
      union all
      select (select l.product from integration_logs l where l.account_id = ${f.accountId} and l.product > p.product order by l.product limit 1)
      from products p where p.product is not null
    )
    select p.product as name, c.n as error_count
    from products p
    cross join lateral (
      select count(*)::int as n from (
        select 1 from integration_logs
        where account_id = ${f.accountId} and product = p.product and status = 'error' and ${window}
        limit ${ERROR_COUNT_CAP}
      ) errors
    ) c
    where p.product is not null and c.n > 0
    order by p.product`);
  const rows = (Array.isArray(result) ? result : (result as unknown as { rows: unknown[] }).rows) as { name: string; error_count: number | string }[];
  return rows.map((r) => ({ name: r.name, error_count: Number(r.error_count), error_count_capped: Number(r.error_count) >= ERROR_COUNT_CAP }));
}

/** The API row. Unlike the rest of the API, the timestamp keeps its milliseconds: log rows come in bursts. */
export function logShape(row: IntegrationLog, base: string) {
  return {
    id: row.id,
    url: `${base}/api/v2/integrations/logs/${row.id}.json`,
    timestamp: row.ts.toISOString(),
    product: row.product,
    status: row.status,
    description: row.description,
    details: row.details,
    ticket_id: row.ticketId,
    job_id: row.jobId,
  };
}

const CSV_HEADER = 'timestamp,product,status,description,ticket_id,job_id,details\r\n';

/**
 * RFC 4180 cell. A spreadsheet runs a cell starting with = + - @ (or a tab / CR before them) as a
 * formula, so such text is prefixed with ' (OWASP "CSV injection").
 */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvLine(row: IntegrationLog): string {
  const cells = [
    row.ts.toISOString(), row.product, row.status, row.description,
    row.ticketId?.toString() ?? '', row.jobId?.toString() ?? '', JSON.stringify(row.details),
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export type ExportFormat = 'csv' | 'ndjson';

/** The export as text chunks, one per keyset page, so memory stays flat whatever the row count. */
export async function* exportChunks(q: Queryable, f: LogFilter, format: ExportFormat, base: string): AsyncGenerator<string> {
  if (format === 'csv') yield CSV_HEADER;
  for await (const rows of allPages(q, f)) {
    yield rows.map((r) => (format === 'csv' ? csvLine(r) : `${JSON.stringify(logShape(r, base))}\n`)).join('');
  }
}
