import { and, asc, eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { schedules, ticketMetrics, type TicketMetricRow } from '../../../db/schema/index.ts';
import { AppError } from '../../core/errors.ts';
import { ticketMetricShape } from '../../core/metrics/store.ts';
import { addHoliday, createSchedule, findSchedule, removeHoliday, scheduleShape, updateSchedule } from '../../core/schedules.ts';
import { currentActor, requireRole } from '../auth.ts';
import { paginate } from '../pagination.ts';
import type { AppEnv, Deps } from '../types.ts';
import { idParam, jsonBody, zText } from '../validate.ts';

export function ticketMetricRoutes({ database }: Deps) {
  const app = new Hono<AppEnv>();
  const db = database.db;
  app.use('*', requireRole('agent'));
  app.get('/', (c) => paginate<TicketMetricRow>(c, db, 'ticket_metrics',
    { table: ticketMetrics, id: ticketMetrics.id, where: eq(ticketMetrics.accountId, c.get('account').id) },
    (rows) => rows.map((m) => ticketMetricShape(m, c.get('base')))));
  app.get('/:id', async (c) => {
    const [m] = await db.select().from(ticketMetrics).where(and(eq(ticketMetrics.accountId, c.get('account').id), eq(ticketMetrics.id, idParam(c))));
    if (!m) throw new AppError(404, 'RecordNotFound', 'Ticket metric not found');
    return c.json({ ticket_metric: ticketMetricShape(m, c.get('base')) });
  });
  return app;
}

const interval = z.object({ start_time: z.number().int().min(0).max(10080), end_time: z.number().int().min(0).max(10080) });
const scheduleBody = z.object({
  name: zText(255).min(1, 'must not be empty').optional(),
  time_zone: zText(64).optional(),
  default: z.boolean().optional(),
});
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD');
const holidayBody = z.object({ name: zText(255).min(1, 'must not be empty'), start_date: date, end_date: date });

/** Zendesk's business hours API: /api/v2/business_hours/schedules. Every change is versioned for metrics (M6). */
export function scheduleRoutes({ database, clock }: Deps) {
  const app = new Hono<AppEnv>();
  const db = database.db;
  const ctxOf = (c: Context<AppEnv>) => ({ accountId: c.get('account').id, actor: currentActor(c), clock });
  app.use('*', requireRole('agent'));
  app.get('/', async (c) => {
    const rows = await db.select().from(schedules).where(eq(schedules.accountId, c.get('account').id)).orderBy(asc(schedules.id));
    return c.json({ schedules: await Promise.all(rows.map((s) => scheduleShape(db, s))) });
  });
  app.get('/:id', async (c) => c.json({ schedule: await scheduleShape(db, await findSchedule(db, c.get('account').id, idParam(c))) }));
  app.post('/', async (c) => {
    const body = await jsonBody(c, scheduleBody.extend({ name: zText(255).min(1, 'must not be empty'), time_zone: zText(64), intervals: z.array(interval).max(100).optional() }), 'schedule');
    const ctx = ctxOf(c);
    const s = await db.transaction((tx) => createSchedule(tx, ctx, body));
    return c.json({ schedule: await scheduleShape(db, s) }, 201);
  });
  app.put('/:id', async (c) => {
    const id = idParam(c);
    const ctx = ctxOf(c);
    await findSchedule(db, ctx.accountId, id);
    const body = await jsonBody(c, scheduleBody, 'schedule');
    const s = await db.transaction((tx) => updateSchedule(tx, ctx, id, body));
    return c.json({ schedule: await scheduleShape(db, s) });
  });
  app.put('/:id/workweek', async (c) => {
    const id = idParam(c);
    const ctx = ctxOf(c);
    await findSchedule(db, ctx.accountId, id);
    const body = await jsonBody(c, z.object({ intervals: z.array(interval).max(100) }), 'workweek');
    const s = await db.transaction((tx) => updateSchedule(tx, ctx, id, { intervals: body.intervals }));
    return c.json({ workweek: { intervals: s.intervals } });
  });
  app.get('/:id/holidays', async (c) => {
    const s = await scheduleShape(db, await findSchedule(db, c.get('account').id, idParam(c)));
    return c.json({ holidays: s.holidays });
  });
  app.post('/:id/holidays', async (c) => {
    const id = idParam(c);
    const ctx = ctxOf(c);
    await findSchedule(db, ctx.accountId, id);
    const body = await jsonBody(c, holidayBody, 'holiday');
    const h = await db.transaction((tx) => addHoliday(tx, ctx, id, body));
    return c.json({ holiday: { id: h.id, name: h.name, start_date: h.startDate, end_date: h.endDate } }, 201);
  });
  app.delete('/:id/holidays/:holidayId', async (c) => {
    const ctx = ctxOf(c);
    const id = idParam(c);
    const holidayId = idParam(c, 'holidayId');
    await db.transaction((tx) => removeHoliday(tx, ctx, id, holidayId));
    return c.body(null, 204);
  });
  return app;
}
