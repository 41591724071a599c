import { jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { id, timestamps } from './columns.ts';

export type AccountSettings = {
  /** Data export (SPEC E2/E3); shaped here so later features extend one object. */
  export?: { enabled?: boolean; approvedDomain?: string | null };
  [key: string]: unknown;
};

export const accounts = pgTable(
  'accounts',
  {
    id: id(),
    subdomain: text('subdomain').notNull(),
    name: text('name').notNull(),
    /** IANA zone, e.g. "Europe/Paris": CSV dates and business hours use it. */
    timeZone: text('time_zone').notNull().default('UTC'),
    settings: jsonb('settings').$type<AccountSettings>().notNull().default({}),
    ...timestamps(),
  },
  (t) => [uniqueIndex('accounts_subdomain_key').on(t.subdomain)],
);

export type Account = typeof accounts.$inferSelect;
