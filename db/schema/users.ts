import { boolean, index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { accountRef, id, ref, timestamps, ts } from './columns.ts';
import { userRole } from './enums.ts';

export const users = pgTable(
  'users',
  {
    id: id(),
    accountId: accountRef(),
    name: text('name').notNull(),
    /** Stored lower-cased; unique per account. */
    email: text('email').notNull(),
    role: userRole('role').notNull().default('end-user'),
    isOwner: boolean('is_owner').notNull().default(false),
    passwordHash: text('password_hash'),
    organizationId: ref('organization_id'),
    defaultGroupId: ref('default_group_id'),
    externalId: text('external_id'),
    phone: text('phone'),
    timeZone: text('time_zone'),
    locale: text('locale').notNull().default('en-US'),
    tags: text('tags').array().notNull().default([]),
    notes: text('notes'),
    details: text('details'),
    verified: boolean('verified').notNull().default(true),
    active: boolean('active').notNull().default(true),
    suspended: boolean('suspended').notNull().default(false),
    lastLoginAt: ts('last_login_at'),
    /** System change time (DB clock) that incremental exports page on. */
    generatedAt: ts('generated_at').notNull().defaultNow(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('users_account_email_key').on(t.accountId, t.email),
    index('users_account_generated_idx').on(t.accountId, t.generatedAt, t.id),
    index('users_account_org_idx').on(t.accountId, t.organizationId),
  ],
);

/** API tokens are stored as SHA-256 digests; the clear token is shown once. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: id(),
    accountId: accountRef(),
    userId: ref('user_id').notNull(),
    description: text('description').notNull().default(''),
    tokenHash: text('token_hash').notNull(),
    lastUsedAt: ts('last_used_at'),
    ...timestamps(),
  },
  (t) => [uniqueIndex('api_tokens_hash_key').on(t.tokenHash), index('api_tokens_user_idx').on(t.accountId, t.userId)],
);

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 of the cookie value: a stolen DB row is not a usable session. */
    idHash: text('id_hash').primaryKey(),
    accountId: accountRef(),
    userId: ref('user_id').notNull(),
    expiresAt: ts('expires_at').notNull(),
    ...timestamps(),
  },
  (t) => [index('sessions_user_idx').on(t.accountId, t.userId)],
);

export type User = typeof users.$inferSelect;
