import { and, asc, count, desc, gt, lt, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Context } from 'hono';
import { z } from 'zod';
import type { Queryable } from '../../db/client.ts';
import { AppError } from '../core/errors.ts';
import type { AppEnv } from './types.ts';
import { parseQuery } from './validate.ts';

const MAX_PAGE = 100;

const query = z.object({
  'page[size]': z.coerce.number().int().min(1).max(MAX_PAGE, `must be at most ${MAX_PAGE}`).optional(),
  'page[after]': z.string().max(200).optional(),
  'page[before]': z.string().max(200).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).optional(),
  per_page: z.coerce.number().int().min(1).max(MAX_PAGE, `must be at most ${MAX_PAGE}`).optional(),
  sort: z.enum(['id', '-id']).optional(),
  sort_order: z.enum(['asc', 'desc']).optional(),
});

const encodeCursor = (id: number) => Buffer.from(JSON.stringify({ id })).toString('base64url');
function decodeCursor(raw: string, name: string): number {
  try {
    const { id } = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { id?: unknown };
    if (typeof id === 'number' && Number.isSafeInteger(id)) return id;
  } catch { /* reported below */ }
  throw new AppError(400, 'InvalidPaginationParameter', `${name} is not a cursor this API issued`);
}

function withParams(c: Context, params: Record<string, string | number | undefined>): string {
  const url = new URL(c.req.url);
  const base = c.get('base') as string;
  const out = new URL(base + url.pathname + url.search);
  for (const k of ['page[after]', 'page[before]', 'page']) out.searchParams.delete(k);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) out.searchParams.set(k, String(v));
  return out.toString();
}

type Source<R> = { table: PgTable; id: PgColumn; where: SQL | undefined };

/**
 * Lists rows of one account, ordered by id, in either of Zendesk's pagination styles:
 * cursor (`page[size]`, `page[after]`/`page[before]` → `meta.has_more`, `links.next`) or
 * offset (`page`, `per_page` → `next_page`, `previous_page`, `count`; the default, as in Zendesk).
 */
export async function paginate<R extends { id: number }>(
  c: Context<AppEnv>, q: Queryable, key: string, src: Source<R>, shape: (rows: R[]) => Promise<unknown[]> | unknown[],
) {
  const p = parseQuery(c, query);
  const descending = p.sort === '-id' || p.sort_order === 'desc';
  const cursorMode = p['page[size]'] !== undefined || p['page[after]'] !== undefined || p['page[before]'] !== undefined;
  if (cursorMode) {
    const size = p['page[size]'] ?? MAX_PAGE;
    const after = p['page[after]'] !== undefined ? decodeCursor(p['page[after]'], 'page[after]') : undefined;
    const before = p['page[before]'] !== undefined ? decodeCursor(p['page[before]'], 'page[before]') : undefined;
    // Walking backwards reads in reverse order, then flips the page.
    const backwards = before !== undefined && after === undefined;
    const forwardCmp = descending ? lt : gt;
    const backwardCmp = descending ? gt : lt;
    const cond = after !== undefined ? forwardCmp(src.id, after) : before !== undefined ? backwardCmp(src.id, before) : undefined;
    const order = (descending !== backwards) ? desc(src.id) : asc(src.id);
    let rows = (await q.select().from(src.table).where(and(src.where, cond)).orderBy(order).limit(size + 1)) as unknown as R[];
    const hasMore = rows.length > size;
    rows = rows.slice(0, size);
    if (backwards) rows.reverse();
    const first = rows[0], last = rows[rows.length - 1];
    const afterCursor = last ? encodeCursor(last.id) : null;
    const beforeCursor = first ? encodeCursor(first.id) : null;
    const moreAfter = backwards ? true : hasMore;
    return c.json({
      [key]: await shape(rows),
      meta: { has_more: backwards ? hasMore : hasMore, after_cursor: afterCursor, before_cursor: beforeCursor },
      links: {
        prev: beforeCursor ? withParams(c, { 'page[size]': size, 'page[before]': beforeCursor }) : null,
        next: afterCursor && moreAfter ? withParams(c, { 'page[size]': size, 'page[after]': afterCursor }) : null,
      },
    });
  }
  const perPage = p.per_page ?? MAX_PAGE;
  const page = p.page ?? 1;
  const [{ n } = { n: 0 }] = await q.select({ n: count() }).from(src.table).where(src.where);
  const rows = (await q.select().from(src.table).where(src.where).orderBy(descending ? desc(src.id) : asc(src.id))
    .limit(perPage).offset((page - 1) * perPage)) as unknown as R[];
  return c.json({
    [key]: await shape(rows),
    next_page: page * perPage < n ? withParams(c, { page: page + 1, per_page: perPage }) : null,
    previous_page: page > 1 ? withParams(c, { page: page - 1, per_page: perPage }) : null,
    count: n,
  });
}
