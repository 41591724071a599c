import { index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { accountRef, id, timestamps } from './columns.ts';

/**
 * Private integrations (Zendesk Integration Services, SPEC R9): an account registers an integration
 * by name, uploads bundles of flows, actions and job specs, installs job specs, and keeps configs.
 * Names are ZIS's own (`zis:{integration}:flow:{name}`), so deployment scripts work unchanged.
 */
export const zisIntegrations = pgTable(
  'zis_integrations',
  {
    id: id(),
    accountId: accountRef(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    ...timestamps(),
  },
  (t) => [uniqueIndex('zis_integrations_name').on(t.accountId, t.name)],
);

/** An uploaded bundle, kept as validated; uploading a bundle of the same name replaces it. */
export const zisBundles = pgTable(
  'zis_bundles',
  {
    id: id(),
    accountId: accountRef(),
    integration: text('integration').notNull(),
    uuid: text('uuid').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    templateVersion: text('template_version').notNull(),
    resources: jsonb('resources').$type<Record<string, unknown>>().notNull(),
    ...timestamps(),
  },
  (t) => [uniqueIndex('zis_bundles_name').on(t.accountId, t.integration, t.name)],
);

/**
 * An installed job spec: which flow runs on which event. The event and flow are copied from the
 * bundle at install time (and refreshed when a bundle holding the spec is uploaded again), so the
 * dispatcher finds the specs an event starts with one indexed read.
 */
export const zisJobSpecs = pgTable(
  'zis_job_specs',
  {
    id: id(),
    accountId: accountRef(),
    integration: text('integration').notNull(),
    /** `zis:{integration}:job_spec:{name}` */
    name: text('name').notNull(),
    eventSource: text('event_source').notNull(),
    eventType: text('event_type').notNull(),
    flowName: text('flow_name').notNull(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('zis_job_specs_name').on(t.accountId, t.name),
    index('zis_job_specs_event_idx').on(t.accountId, t.eventSource, t.eventType),
  ],
);

/** The config store of an integration: one JSON object per scope (LoadConfig / PatchConfig). */
export const zisConfigs = pgTable(
  'zis_configs',
  {
    id: id(),
    accountId: accountRef(),
    integration: text('integration').notNull(),
    scope: text('scope').notNull(),
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    ...timestamps(),
  },
  (t) => [uniqueIndex('zis_configs_scope').on(t.accountId, t.integration, t.scope)],
);

/** An inbound webhook: a POST to its ingest path (the token is the secret) starts the job specs of its event. */
export const zisInboundWebhooks = pgTable(
  'zis_inbound_webhooks',
  {
    id: id(),
    accountId: accountRef(),
    integration: text('integration').notNull(),
    uuid: text('uuid').notNull(),
    sourceSystem: text('source_system').notNull(),
    eventType: text('event_type').notNull(),
    /** sha256 of the ingest token; the token itself is shown once, at creation. */
    tokenHash: text('token_hash').notNull(),
    ...timestamps(),
  },
  (t) => [uniqueIndex('zis_inbound_webhooks_token').on(t.tokenHash), index('zis_inbound_webhooks_account_idx').on(t.accountId, t.integration)],
);

export type ZisBundle = typeof zisBundles.$inferSelect;
export type ZisJobSpec = typeof zisJobSpecs.$inferSelect;
