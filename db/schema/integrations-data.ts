import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { accountRef, id, ref, timestamps, ts } from './columns.ts';

/**
 * A connector installation's own key-value store (`ctx.store`): sync cursors, links between remote
 * and local ids. Keys are per installation; a deleted installation's rows are simply never read again.
 */
export const installationStore = pgTable(
  'installation_store',
  {
    accountId: accountRef(),
    installationId: ref('installation_id').notNull(),
    key: text('key').notNull(),
    value: jsonb('value').$type<unknown>(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.installationId, t.key] })],
);

export type ProfileIdentifier = { type: string; value: string };

/**
 * A customer's identity in another system (Zendesk's profiles API: a Shopify customer, …), attached
 * to one user. Found by any of its identifiers within its source and type (GIN containment lookup).
 */
export const customerProfiles = pgTable(
  'customer_profiles',
  {
    id: id(),
    accountId: accountRef(),
    userId: ref('user_id').notNull(),
    source: text('source').notNull(),
    type: text('type').notNull(),
    name: text('name'),
    identifiers: jsonb('identifiers').$type<ProfileIdentifier[]>().notNull().default([]),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    ...timestamps(),
  },
  (t) => [
    index('customer_profiles_user_idx').on(t.accountId, t.userId, t.id),
    index('customer_profiles_source_idx').on(t.accountId, t.source, t.type),
    index('customer_profiles_identifiers_idx').using('gin', sql`${t.identifiers} jsonb_path_ops`),
  ],
);

/** Something a customer did elsewhere (an order placed, a fulfillment), on the user's timeline. */
export const customerEvents = pgTable(
  'customer_events',
  {
    id: id(),
    accountId: accountRef(),
    userId: ref('user_id').notNull(),
    profileId: ref('profile_id'),
    source: text('source').notNull(),
    type: text('type').notNull(),
    description: text('description').notNull(),
    properties: jsonb('properties').$type<Record<string, unknown>>().notNull().default({}),
    /** When it happened in the other system. */
    createdAt: ts('created_at').notNull(),
    receivedAt: ts('received_at').notNull().defaultNow(),
  },
  (t) => [index('customer_events_user_idx').on(t.accountId, t.userId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst())],
);

export type InstallationStoreRow = typeof installationStore.$inferSelect;
export type CustomerProfileRow = typeof customerProfiles.$inferSelect;
export type CustomerEventRow = typeof customerEvents.$inferSelect;
