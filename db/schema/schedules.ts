import { boolean, date, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { accountRef, id, ref, timestamps } from './columns.ts';

/** Minutes from Sunday 00:00 in the schedule's zone, as Zendesk's schedule intervals. */
export type ScheduleInterval = { start_time: number; end_time: number };

export const schedules = pgTable('schedules', {
  id: id(),
  accountId: accountRef(),
  name: text('name').notNull(),
  timeZone: text('time_zone').notNull(),
  intervals: jsonb('intervals').$type<ScheduleInterval[]>().notNull().default([]),
  isDefault: boolean('is_default').notNull().default(false),
  ...timestamps(),
}, (t) => [index('schedules_account_idx').on(t.accountId)]);

/** Holidays are outside business hours (SPEC C6); dates are inclusive, in the schedule's zone. */
export const scheduleHolidays = pgTable('schedule_holidays', {
  id: id(),
  accountId: accountRef(),
  scheduleId: ref('schedule_id').notNull(),
  name: text('name').notNull(),
  startDate: date('start_date', { mode: 'string' }).notNull(),
  endDate: date('end_date', { mode: 'string' }).notNull(),
  ...timestamps(),
}, (t) => [index('schedule_holidays_schedule_idx').on(t.scheduleId)]);

export type Schedule = typeof schedules.$inferSelect;
export type ScheduleHoliday = typeof scheduleHolidays.$inferSelect;
