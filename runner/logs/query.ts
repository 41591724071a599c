import { and, asc, desc, eq, getTableColumns, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
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

/** The words of free text as typed; words without a letter or digit carry no lexeme and are dropped. */
const textWords = (text: string) => text.trim().split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));

/**
 * The user's words as a `to_tsquery('simple', …)` text: each word becomes a quoted tsquery literal
 * (so `&`, `|`, `!`, `:` typed by a user are just characters), all ANDed, the last one prefix-matched.
 * Quoting hands each word to the same parser as the indexed document, so `sf-case-12` matches the
 * parts the document was split into. The result travels as a bind parameter, never as SQL text.
 */
export function toTsQuery(text: string): string | undefined {
  const words = textWords(text);
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
function branches(f: LogFilter): { shared: LogFilter; each: (SQL | undefined)[] } {
  if (f.products && f.products.length > 1) return { shared: { ...f, products: undefined }, each: f.products.map((p) => eq(t.product, p)) };
  if (!f.products?.length && f.statuses && f.statuses.length > 1) {
    return { shared: { ...f, statuses: undefined }, each: f.statuses.map((s) => eq(t.status, s)) };
  }
  return { shared: f, each: [undefined] };
}

/**
 * The first `limit` matching rows after `after` in (ts desc, id desc) order. Text without a ticket
 * is matched through the GIN index alone: with the window, in a subquery the other conditions cannot
 * reach (OFFSET 0). Left to itself the planner takes a rare term for hundreds of rows a partition
 * (the statistics know only the common lexemes) and ANDs the GIN bitmap with an index range of the
 * window: hundreds of index pages read, from disk when the day is cold, for a handful of rows.
 */
async function plainRows(q: Queryable, f: LogFilter, limit: number, after?: Position): Promise<IntegrationLog[]> {
  const keyset = after ? afterPosition(after) : undefined;
  const tsQuery = f.text === undefined ? undefined : toTsQuery(f.text);
  if (tsQuery && f.ticketId === undefined) {
    const matched = q.select(rowColumns).from(t).where(and(
      sql`${searchDocument} @@ to_tsquery('simple', ${tsQuery})`,
      f.start ? gte(t.ts, f.start) : undefined,
      f.end ? lt(t.ts, f.end) : undefined,
      keyset,
    )).offset(sql.placeholder('fence')).as('matched'); // drizzle leaves out a literal OFFSET 0
    const { id, ts, accountId, product, status, description, details, ticketId, jobId } = matched;
    return q.select({ id, ts, accountId, product, status, description, details, ticketId, jobId }).from(matched).where(and(
      eq(accountId, f.accountId),
      f.products?.length ? inArray(product, f.products) : undefined,
      f.statuses?.length ? inArray(status, f.statuses) : undefined,
    )).orderBy(desc(ts), desc(id)).limit(limit).execute({ fence: 0 });
  }
  const { shared, each } = branches(f);
  const select = (extra: SQL | undefined) => q.select(rowColumns).from(t).where(and(whereOf(shared), extra, keyset))
    .orderBy(desc(t.ts), desc(t.id)).limit(limit);
  const [first, second, ...rest] = each.map(select);
  return second ? unionAll(first!, second, ...rest).orderBy(desc(t.ts), desc(t.id)).limit(limit) : first!;
}

/*
 * Free text at 10M rows (#4). The GIN index finds every match in the window; each is then read from
 * the heap and the newest are sorted out: cheap for a rare term (an order or request number), but a
 * phrase found in 1% of rows reads ~14,000 scattered rows per day of window (0.4–1.3 s). Walking the
 * (ts, id) index of the other filters newest first and testing the stored `search` vector per row
 * costs under a microsecond a row from cache: ~5,000 rows for a page of that phrase, but the whole
 * window for a rare term. The planner cannot tell the two apart: it multiplies the frequencies of
 * the words, so "gateway timeout" (two 1% words that always come together) looks like 0.01%.
 *
 * So a page walks when every word of the text is common in the planner's statistics (the most common
 * lexemes ANALYZE keeps per partition), reading at most a budget of rows per branch; when the budget
 * runs out before the page is full, the rows older than where the walk stopped come from the plain
 * query. Either way the page holds exactly the rows, in the order, of the plain query.
 */

/**
 * A walk reads at most WALK_SLACK times the rows its estimate needs for the page, per branch. Below
 * WALK_MIN_FREQUENCY a term is left to the GIN index, which also bounds a walk: 2,000 rows per row of
 * the page (~100,000 for a page of 50), the most a wrong estimate wastes before the GIN plan takes over.
 */
const WALK_SLACK = 4;
const WALK_MIN_FREQUENCY = 0.002;
/** How long the lexeme statistics are reused per database handle; they change only when ANALYZE runs. */
const STATS_TTL_MS = 5 * 60_000;

const lexemeStats = new WeakMap<object, { readAt: number; frequency: Map<string, number> }>();

/** The rows of a raw statement, whatever the driver's result shape. */
const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows);

/**
 * The common lexemes of the search column and the share of rows holding each (the highest among the
 * log's partitions), from pg_stats; empty before the first ANALYZE. Read again after STATS_TTL_MS.
 */
async function commonLexemes(q: Queryable): Promise<Map<string, number>> {
  const cached = lexemeStats.get(q);
  if (cached && Date.now() - cached.readAt < STATS_TTL_MS) return cached.frequency;
  const rows = rowsOf<{ lexeme: string; frequency: number | string }>(await q.execute(sql`
    with tables as (
      select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.oid = 'integration_logs'::regclass or c.oid in (select inhrelid from pg_inherits where inhparent = 'integration_logs'::regclass)
    )
    select u.lexeme, max(u.frequency) as frequency
    from pg_stats s
    join tables on tables.nspname = s.schemaname and tables.relname = s.tablename
    cross join lateral unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) as u(lexeme, frequency)
    where s.attname = 'search' and u.lexeme is not null
    group by u.lexeme`));
  const frequency = new Map(rows.map((r) => [r.lexeme, Number(r.frequency)]));
  lexemeStats.set(q, { readAt: Date.now(), frequency });
  return frequency;
}

/**
 * The share of rows the text matches as far as the statistics tell: the lowest frequency among its
 * words (words of a phrase come together, so not their product), the last word counting every common
 * lexeme it is a prefix of; 0 when a word is not a common lexeme. Words are split roughly as the
 * parser splits them: the estimate only chooses the plan, the query still runs to_tsquery.
 */
export function textFrequency(text: string, common: Map<string, number>): number {
  const words = textWords(text);
  let frequency = words.length > 0 ? 1 : 0;
  words.forEach((word, i) => {
    for (const part of word.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean)) {
      let f = common.get(part) ?? 0;
      if (i === words.length - 1) {
        f = 0;
        for (const [lexeme, share] of common) if (lexeme.startsWith(part)) f += share;
      }
      frequency = Math.min(frequency, f, 1);
    }
  });
  return frequency;
}

/** The walk budget for the page, or undefined for the plain query. A ticket's few dozen rows a week need no walk. Exported for the tests. */
export async function walkBudget(q: Queryable, f: LogFilter, size: number): Promise<number | undefined> {
  if (f.text === undefined || toTsQuery(f.text) === undefined || f.ticketId !== undefined) return undefined;
  const frequency = textFrequency(f.text, await commonLexemes(q));
  if (frequency < WALK_MIN_FREQUENCY) return undefined;
  return Math.ceil((WALK_SLACK * (size + 1)) / frequency);
}

/**
 * The walk: each branch reads at most `budget` rows of the other filters in (ts desc, id desc) order
 * (the LIMIT keeps the text test out of the scan, so the planner walks the index) and keeps the
 * first `limit` that match. Matches newer than where a walk stopped short of its window's end are
 * exactly the plain query's; `cut`, when there is one, is that place (the last row walked).
 */
async function walkedRows(q: Queryable, f: LogFilter, tsQuery: string, limit: number, budget: number, after?: Position) {
  const { shared, each } = branches({ ...f, text: undefined });
  const keyset = after ? afterPosition(after) : undefined;
  const walked = (extra: SQL | undefined) => q.select({ ...rowColumns, search: t.search }).from(t)
    .where(and(whereOf(shared), extra, keyset)).orderBy(desc(t.ts), desc(t.id)).limit(budget).as('walked');
  const matches = (w: ReturnType<typeof walked>) => sql<boolean>`${w.search} @@ to_tsquery('simple', ${tsQuery})`;
  if (each.length === 1) {
    // Fewer matches than asked for: the walk read its whole window, or stopped at its `budget`-th row.
    const w = walked(each[0]);
    const { id, ts, accountId, product, status, description, details, ticketId, jobId } = w;
    const rows = await q.select({ id, ts, accountId, product, status, description, details, ticketId, jobId }).from(w).where(matches(w))
      .orderBy(desc(ts), desc(id)).limit(limit);
    if (rows.length === limit) return { rows };
    const [cut] = await q.select({ ts: t.ts, id: t.id }).from(t).where(and(whereOf(shared), each[0], keyset))
      .orderBy(desc(t.ts), desc(t.id)).offset(budget - 1).limit(1);
    return { rows, cut };
  }
  // Several branches are merged in order, so each walks only as far as the page needs; each also
  // returns its `budget`-th row, flagged `last`. The first `last` row in the merge is the cut.
  const walk = (extra: SQL | undefined) => {
    const w = walked(extra);
    const { id, ts, accountId, product, status, description, details, ticketId, jobId } = w;
    const tested = q.select({
      id, ts, accountId, product, status, description, details, ticketId, jobId, hit: matches(w).as('hit'),
      last: sql<boolean>`row_number() over (order by ${ts} desc, ${id} desc) = ${budget}`.as('last'),
    }).from(w).as('tested');
    return q.select().from(tested).where(or(tested.hit, tested.last)).orderBy(desc(tested.ts), desc(tested.id)).limit(limit);
  };
  const [first, second, ...rest] = each.map(walk);
  const rows = await unionAll(first!, second!, ...rest).orderBy(desc(t.ts), desc(t.id)).limit(limit);
  const stop = rows.findIndex((r) => r.last);
  const kept = (stop < 0 ? rows : rows.slice(0, stop + 1)).filter((r) => r.hit).map(({ hit: _hit, last: _last, ...row }) => row);
  return { rows: kept, cut: stop < 0 ? undefined : positionOf(rows[stop]!) };
}

/** One page, newest first, keyset-paginated on (ts, id): the cost of page 200 is the cost of page 1. */
export async function listPage(q: Queryable, f: LogFilter, size: number, after?: Position): Promise<{ rows: IntegrationLog[]; hasMore: boolean }> {
  return readPage(q, f, size, after, await walkBudget(q, f, size));
}

/** listPage with the free-text plan given: a walk of at most `budget` rows per branch, or the plain query. Exported for the tests. */
export async function readPage(q: Queryable, f: LogFilter, size: number, after: Position | undefined, budget: number | undefined) {
  const tsQuery = f.text === undefined ? undefined : toTsQuery(f.text);
  let rows: IntegrationLog[];
  if (tsQuery && budget) {
    const walk = await walkedRows(q, f, tsQuery, size + 1, budget, after);
    rows = walk.rows;
    if (walk.cut && rows.length < size + 1) rows = rows.concat(await plainRows(q, f, size + 1 - rows.length, walk.cut));
  } else {
    rows = await plainRows(q, f, size + 1, after);
  }
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
  const rows = rowsOf<{ name: string; error_count: number | string }>(result);
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
