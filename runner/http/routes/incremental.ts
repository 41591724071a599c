import { and, asc, eq, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { organizations, tickets, users, type Organization, type Ticket, type User } from '../../../db/schema/index.ts';
import { readBarrier } from '../../core/change-barrier.ts';
import { AppError } from '../../core/errors.ts';
import { organizationShape } from '../../core/organizations.ts';
import { loadTicketExtras, ticketShape } from '../../core/ticket-shape.ts';
import { userShape } from '../../core/users.ts';
import { requireRole } from '../auth.ts';
import type { AppEnv, Deps } from '../types.ts';
import { parseQuery } from '../validate.ts';

/** Position in a stream ordered by (generated_at, id); encoded opaquely for clients. */
type Position = { ms: number; id: number };
const encode = (p: Position) => Buffer.from(`${p.ms}.${p.id}`).toString('base64url');
function decode(raw: string): Position {
  const m = /^(\d{1,15})\.(\d{1,18})$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!m) throw new AppError(400, 'InvalidPaginationParameter', 'cursor is not a cursor this API issued');
  return { ms: Number(m[1]), id: Number(m[2]) };
}

const params = z.object({
  start_time: z.coerce.number().int().min(0).max(1e11).optional(),
  cursor: z.string().max(200).optional(),
  per_page: z.coerce.number().int().min(1).max(1000, 'must be at most 1000').default(1000),
}).loose();

type Stream = { table: PgTable; id: PgColumn; generatedAt: PgColumn; accountId: PgColumn; extra?: ReturnType<typeof sql> };

export function incrementalRoutes(deps: Deps) {
  const { database } = deps;
  const db = database.db;
  const app = new Hono<AppEnv>();
  // Zendesk allows incremental exports to admins only.
  app.use('*', requireRole('admin'));

  function startPosition(c: Context<AppEnv>): { from: Position; perPage: number } {
    const p = parseQuery(c, params);
    if (p.cursor !== undefined) return { from: decode(p.cursor), perPage: p.per_page };
    if (p.start_time === undefined) throw new AppError(400, 'InvalidParameter', 'start_time (epoch seconds) or cursor is required', { start_time: [{ description: 'is required' }] });
    // (generated_at, id) > (start, 0) includes rows stamped exactly at start_time.
    return { from: { ms: p.start_time * 1000, id: 0 }, perPage: p.per_page };
  }

  async function page<R extends { id: number; generatedAt: Date }>(accountId: number, s: Stream, from: Position, perPage: number) {
    const barrier = await readBarrier(database, accountId);
    if (from.id === 0 && from.ms > barrier + 60_000) {
      throw new AppError(400, 'InvalidParameter', 'start_time cannot be in the future', { start_time: [{ description: 'cannot be in the future' }] });
    }
    const at = (ms: number) => sql`(timestamptz 'epoch' + ${ms}::bigint * interval '1 millisecond')`;
    const rows = (await db.select().from(s.table).where(and(
      eq(s.accountId, accountId),
      sql`(${s.generatedAt}, ${s.id}) > (${at(from.ms)}, ${from.id}::bigint)`,
      sql`${s.generatedAt} < ${at(barrier)}`,
    )).orderBy(asc(s.generatedAt), asc(s.id)).limit(perPage + 1)) as unknown as R[];
    const more = rows.length > perPage;
    const list = rows.slice(0, perPage);
    const last = list[list.length - 1];
    const next: Position = last ? { ms: last.generatedAt.getTime(), id: last.id } : from;
    return { list, more, next };
  }

  function cursorResponse(c: Context<AppEnv>, key: string, items: unknown[], next: Position, more: boolean, perPage: number) {
    const url = new URL(c.get('base') + new URL(c.req.url).pathname);
    url.searchParams.set('cursor', encode(next));
    if (perPage !== 1000) url.searchParams.set('per_page', String(perPage));
    return c.json({ [key]: items, after_url: url.toString(), after_cursor: encode(next), before_url: null, before_cursor: null, end_of_stream: !more });
  }

  app.get('/tickets/cursor', async (c) => {
    const account = c.get('account');
    const { from, perPage } = startPosition(c);
    const r = await page<Ticket>(account.id, { table: tickets, id: tickets.id, generatedAt: tickets.generatedAt, accountId: tickets.accountId }, from, perPage);
    const extras = await loadTicketExtras(db, account.id, r.list.map((t) => t.id));
    return cursorResponse(c, 'tickets', r.list.map((t) => ticketShape(t, c.get('base'), extras, { generated: true })), r.next, r.more, perPage);
  });

  app.get('/users/cursor', async (c) => {
    const account = c.get('account');
    const { from, perPage } = startPosition(c);
    const r = await page<User>(account.id, { table: users, id: users.id, generatedAt: users.generatedAt, accountId: users.accountId }, from, perPage);
    return cursorResponse(c, 'users', r.list.map((u) => userShape(u, c.get('base'), { generated: true })), r.next, r.more, perPage);
  });

  // Time-based, as Zendesk serves organizations; next_page also carries an exact cursor so no row is repeated or skipped.
  app.get('/organizations', async (c) => {
    const account = c.get('account');
    const { from, perPage } = startPosition(c);
    const r = await page<Organization>(account.id, { table: organizations, id: organizations.id, generatedAt: organizations.generatedAt, accountId: organizations.accountId }, from, perPage);
    const endTime = Math.floor(r.next.ms / 1000);
    const url = new URL(c.get('base') + new URL(c.req.url).pathname);
    url.searchParams.set('start_time', String(endTime));
    url.searchParams.set('cursor', encode(r.next));
    if (perPage !== 1000) url.searchParams.set('per_page', String(perPage));
    return c.json({
      organizations: r.list.map((o) => organizationShape(o, c.get('base'), { generated: true })),
      count: r.list.length, end_of_stream: !r.more, end_time: endTime, next_page: url.toString(),
    });
  });

  return app;
}
