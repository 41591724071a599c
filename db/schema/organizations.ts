import { boolean, index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { accountRef, id, ref, timestamps, ts } from './columns.ts';

export const organizations = pgTable(
  'organizations',
  {
    id: id(),
    accountId: accountRef(),
    name: text('name').notNull(),
    externalId: text('external_id'),
    domainNames: text('domain_names').array().notNull().default([]),
    tags: text('tags').array().notNull().default([]),
    details: text('details'),
    notes: text('notes'),
    groupId: ref('group_id'),
    sharedTickets: boolean('shared_tickets').notNull().default(false),
    sharedComments: boolean('shared_comments').notNull().default(false),
    /** Soft delete: deleted organizations stay exportable (SPEC E7). */
    deletedAt: ts('deleted_at'),
    generatedAt: ts('generated_at').notNull().defaultNow(),
    ...timestamps(),
  },
  (t) => [
    index('organizations_account_generated_idx').on(t.accountId, t.generatedAt, t.id),
    index('organizations_account_name_idx').on(t.accountId, t.name),
  ],
);

export const groups = pgTable('groups', {
  id: id(),
  accountId: accountRef(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  isDefault: boolean('is_default').notNull().default(false),
  deleted: boolean('deleted').notNull().default(false),
  ...timestamps(),
}, (t) => [index('groups_account_idx').on(t.accountId, t.id)]);

export const groupMemberships = pgTable(
  'group_memberships',
  {
    accountId: accountRef(),
    groupId: ref('group_id').notNull(),
    userId: ref('user_id').notNull(),
    ...timestamps(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] })],
);

export type Organization = typeof organizations.$inferSelect;
export type Group = typeof groups.$inferSelect;
