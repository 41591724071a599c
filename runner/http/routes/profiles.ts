import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { customerEvents, customerProfiles } from '../../../db/schema/index.ts';
import { AppError } from '../../core/errors.ts';
import { findUser } from '../../core/users.ts';
import { eventShape, profileShape } from '../../engine/data.ts';
import { requireRole } from '../auth.ts';
import type { AppEnv, Deps } from '../types.ts';
import { idParam, parseQuery } from '../validate.ts';

const MAX_PAGE = 100;
const filters = {
  'filter[source]': z.string().max(64).optional(),
  'filter[type]': z.string().max(64).optional(),
};
const eventQuery = z.object({
  ...filters,
  'page[size]': z.coerce.number().int().min(1).max(MAX_PAGE, `must be at most ${MAX_PAGE}`).optional(),
  'page[after]': z.string().max(200).optional(),
  'page[before]': z.string().max(200).optional(),
});

/** Events are ordered by when they happened, then id: the cursor holds both. */
type Cursor = { t: number; id: number };
const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decode(raw: string, name: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (Number.isSafeInteger(c.t) && Number.isSafeInteger(c.id)) return c as Cursor;
  } catch { /* reported below */ }
  throw new AppError(400, 'InvalidPaginationParameter', `${name} is not a cursor this API issued`);
}

function link(c: Context<AppEnv>, params: Record<string, string | number>): string {
  const url = new URL(c.req.url);
  const out = new URL(c.get('base') + url.pathname + url.search);
  for (const k of ['page[after]', 'page[before]']) out.searchParams.delete(k);
  for (const [k, v] of Object.entries(params)) out.searchParams.set(k, String(v));
  return out.toString();
}

/**
 * A user's customer profiles and events from other systems (Zendesk's profiles and events APIs):
 * `GET /api/v2/users/{id}/profiles` and `GET /api/v2/users/{id}/events`, newest event first with
 * cursor pagination (`page[size]`, `page[after]`, `page[before]`), filterable by source and type.
 */
export function profileRoutes({ database }: Deps) {
  const app = new Hono<AppEnv>();
  const db = database.db;

  app.use('/:id/profiles', requireRole('agent'));
  app.use('/:id/events', requireRole('agent'));

  app.get('/:id/profiles', async (c) => {
    const user = await findUser(db, c.get('account').id, idParam(c));
    const f = parseQuery(c, z.object(filters));
    const rows = await db.select().from(customerProfiles).where(and(
      eq(customerProfiles.accountId, user.accountId), eq(customerProfiles.userId, user.id),
      f['filter[source]'] ? eq(customerProfiles.source, f['filter[source]']) : undefined,
      f['filter[type]'] ? eq(customerProfiles.type, f['filter[type]']) : undefined,
    )).orderBy(asc(customerProfiles.id)).limit(500);
    return c.json({ profiles: rows.map(profileShape), count: rows.length });
  });

  app.get('/:id/events', async (c) => {
    const user = await findUser(db, c.get('account').id, idParam(c));
    const p = parseQuery(c, eventQuery);
    const size = p['page[size]'] ?? MAX_PAGE;
    const after = p['page[after]'] !== undefined ? decode(p['page[after]'], 'page[after]') : undefined;
    const before = after === undefined && p['page[before]'] !== undefined ? decode(p['page[before]'], 'page[before]') : undefined;
    const key = sql`(${customerEvents.createdAt}, ${customerEvents.id})`;
    const at = (k: Cursor) => sql`(${new Date(k.t).toISOString()}::timestamptz, ${k.id}::bigint)`;
    // Walking back towards newer events reads oldest-first from the cursor, then flips the page.
    let rows = await db.select().from(customerEvents).where(and(
      eq(customerEvents.accountId, user.accountId), eq(customerEvents.userId, user.id),
      p['filter[source]'] ? eq(customerEvents.source, p['filter[source]']) : undefined,
      p['filter[type]'] ? eq(customerEvents.type, p['filter[type]']) : undefined,
      after ? sql`${key} < ${at(after)}` : undefined,
      before ? sql`${key} > ${at(before)}` : undefined,
    )).orderBy(...(before ? [asc(customerEvents.createdAt), asc(customerEvents.id)] : [desc(customerEvents.createdAt), desc(customerEvents.id)]))
      .limit(size + 1);
    const more = rows.length > size;
    rows = rows.slice(0, size);
    if (before) rows.reverse();
    const first = rows[0], last = rows[rows.length - 1];
    const cursorOf = (r: typeof rows[number]) => encode({ t: r.createdAt.getTime(), id: r.id });
    const hasNext = before ? true : more;
    const hasPrev = before ? more : after !== undefined;
    return c.json({
      events: rows.map(eventShape),
      meta: { has_more: hasNext && rows.length > 0, after_cursor: last ? cursorOf(last) : null, before_cursor: first ? cursorOf(first) : null },
      links: {
        next: last && hasNext ? link(c, { 'page[size]': size, 'page[after]': cursorOf(last) }) : null,
        prev: first && hasPrev ? link(c, { 'page[size]': size, 'page[before]': cursorOf(first) }) : null,
      },
    });
  });
  return app;
}
