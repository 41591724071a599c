import { and, asc, eq } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { scheduleHolidays, schedules, scheduleVersions, type Schedule } from '../../db/schema/index.ts';
import { isValidTimeZone } from './accounts.ts';
import { requireActorRole, type Ctx } from './context.ts';
import { invalid, notFound } from './errors.ts';
import { iso } from './format.ts';
import type { Interval, ScheduleSpec, ScheduleVersion } from './metrics/types.ts';

export type ScheduleInput = { name?: string | undefined; time_zone?: string | undefined; intervals?: Interval[] | undefined; default?: boolean | undefined };
export type HolidayInput = { name: string; start_date: string; end_date: string };

const WEEK = 7 * 24 * 60;

function checkIntervals(intervals: Interval[]) {
  const sorted = [...intervals].sort((a, b) => a.start_time - b.start_time);
  sorted.forEach((iv, i) => {
    if (!(iv.start_time >= 0 && iv.end_time <= WEEK && iv.start_time < iv.end_time)) throw invalid(`intervals[${i}]`, 'must have 0 ≤ start_time < end_time ≤ 10080 (minutes from Sunday 00:00)');
    const prev = sorted[i - 1];
    if (prev && prev.end_time > iv.start_time) throw invalid(`intervals[${i}]`, 'must not overlap another interval');
  });
  return sorted;
}

export async function findSchedule(q: Queryable, accountId: number, id: number): Promise<Schedule> {
  const [s] = await q.select().from(schedules).where(and(eq(schedules.accountId, accountId), eq(schedules.id, id)));
  if (!s) throw notFound('Schedule');
  return s;
}

async function specOf(q: Queryable, s: Schedule): Promise<ScheduleSpec> {
  const hs = await q.select().from(scheduleHolidays).where(eq(scheduleHolidays.scheduleId, s.id)).orderBy(asc(scheduleHolidays.startDate));
  return { timeZone: s.timeZone, intervals: s.intervals, holidays: hs.map((h) => ({ start_date: h.startDate, end_date: h.endDate })) };
}

/** Appends a version when the schedule in force (the default one) differs from the latest version. */
async function recordVersion(q: Queryable, ctx: Ctx): Promise<void> {
  const [def] = await q.select().from(schedules).where(and(eq(schedules.accountId, ctx.accountId), eq(schedules.isDefault, true))).orderBy(asc(schedules.id)).limit(1);
  const spec = def ? await specOf(q, def) : null;
  const versions = await q.select().from(scheduleVersions).where(eq(scheduleVersions.accountId, ctx.accountId)).orderBy(asc(scheduleVersions.validFrom), asc(scheduleVersions.id));
  const last = versions[versions.length - 1];
  if (last && JSON.stringify(last.spec) === JSON.stringify(spec) && last.scheduleId === (def?.id ?? null)) return;
  await q.insert(scheduleVersions).values({ accountId: ctx.accountId, scheduleId: def?.id ?? null, validFrom: ctx.clock.now(), spec });
}

/** The account's schedule history, oldest first, for the metrics engine. */
export async function loadScheduleHistory(q: Queryable, accountId: number): Promise<ScheduleVersion[]> {
  const rows = await q.select().from(scheduleVersions).where(eq(scheduleVersions.accountId, accountId)).orderBy(asc(scheduleVersions.validFrom), asc(scheduleVersions.id));
  return rows.map((r) => ({ validFrom: r.validFrom, schedule: r.spec }));
}

export async function createSchedule(q: Queryable, ctx: Ctx, input: ScheduleInput & { name: string; time_zone: string }, holidays: HolidayInput[] = []): Promise<Schedule> {
  requireActorRole(ctx.actor, 'admin', 'Only admins manage business hours');
  if (!isValidTimeZone(input.time_zone)) throw invalid('time_zone', `${input.time_zone} is not an IANA time zone`);
  const intervals = checkIntervals(input.intervals ?? []);
  const existing = await q.select({ id: schedules.id }).from(schedules).where(eq(schedules.accountId, ctx.accountId));
  const makeDefault = input.default ?? existing.length === 0;
  if (makeDefault) await q.update(schedules).set({ isDefault: false }).where(eq(schedules.accountId, ctx.accountId));
  const now = ctx.clock.now();
  const [s] = await q.insert(schedules).values({ accountId: ctx.accountId, name: input.name, timeZone: input.time_zone, intervals, isDefault: makeDefault, createdAt: now, updatedAt: now }).returning();
  for (const h of holidays) await insertHoliday(q, ctx, s!.id, h);
  await recordVersion(q, ctx);
  return s!;
}

export async function updateSchedule(q: Queryable, ctx: Ctx, id: number, input: ScheduleInput): Promise<Schedule> {
  requireActorRole(ctx.actor, 'admin', 'Only admins manage business hours');
  await findSchedule(q, ctx.accountId, id);
  const set: Partial<typeof schedules.$inferInsert> = { updatedAt: ctx.clock.now() };
  if (input.name !== undefined) set.name = input.name;
  if (input.time_zone !== undefined) {
    if (!isValidTimeZone(input.time_zone)) throw invalid('time_zone', `${input.time_zone} is not an IANA time zone`);
    set.timeZone = input.time_zone;
  }
  if (input.intervals !== undefined) set.intervals = checkIntervals(input.intervals);
  if (input.default === true) {
    await q.update(schedules).set({ isDefault: false }).where(eq(schedules.accountId, ctx.accountId));
    set.isDefault = true;
  }
  const [s] = await q.update(schedules).set(set).where(and(eq(schedules.accountId, ctx.accountId), eq(schedules.id, id))).returning();
  await recordVersion(q, ctx);
  return s!;
}

async function insertHoliday(q: Queryable, ctx: Ctx, scheduleId: number, h: HolidayInput) {
  const date = /^\d{4}-\d{2}-\d{2}$/;
  if (!date.test(h.start_date) || Number.isNaN(Date.parse(h.start_date))) throw invalid('start_date', 'must be a date as YYYY-MM-DD');
  if (!date.test(h.end_date) || Number.isNaN(Date.parse(h.end_date))) throw invalid('end_date', 'must be a date as YYYY-MM-DD');
  if (h.end_date < h.start_date) throw invalid('end_date', 'must not be before start_date');
  const now = ctx.clock.now();
  const [row] = await q.insert(scheduleHolidays).values({ accountId: ctx.accountId, scheduleId, name: h.name, startDate: h.start_date, endDate: h.end_date, createdAt: now, updatedAt: now }).returning();
  return row!;
}

export async function addHoliday(q: Queryable, ctx: Ctx, scheduleId: number, h: HolidayInput) {
  requireActorRole(ctx.actor, 'admin', 'Only admins manage business hours');
  await findSchedule(q, ctx.accountId, scheduleId);
  const row = await insertHoliday(q, ctx, scheduleId, h);
  await recordVersion(q, ctx);
  return row;
}

export async function removeHoliday(q: Queryable, ctx: Ctx, scheduleId: number, holidayId: number) {
  requireActorRole(ctx.actor, 'admin', 'Only admins manage business hours');
  const [gone] = await q.delete(scheduleHolidays).where(and(eq(scheduleHolidays.accountId, ctx.accountId), eq(scheduleHolidays.scheduleId, scheduleId), eq(scheduleHolidays.id, holidayId))).returning();
  if (!gone) throw notFound('Holiday');
  await recordVersion(q, ctx);
}

export async function scheduleShape(q: Queryable, s: Schedule) {
  const hs = await q.select().from(scheduleHolidays).where(eq(scheduleHolidays.scheduleId, s.id)).orderBy(asc(scheduleHolidays.startDate));
  return {
    id: s.id,
    name: s.name,
    time_zone: s.timeZone,
    default: s.isDefault,
    intervals: s.intervals,
    holidays: hs.map((h) => ({ id: h.id, name: h.name, start_date: h.startDate, end_date: h.endDate })),
    created_at: iso(s.createdAt),
    updated_at: iso(s.updatedAt),
  };
}
