import { bigint, timestamp } from 'drizzle-orm/pg-core';

/** Zendesk ids are 64-bit integers; JS numbers hold them exactly up to 2^53. */
export const id = () => bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity();
export const ref = (name: string) => bigint(name, { mode: 'number' });
export const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/** Every row belongs to an account (SPEC C1). */
export const accountRef = () => ref('account_id').notNull();

export const timestamps = () => ({
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});
