import { sql } from 'drizzle-orm';
import { bigint, boolean, customType, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
import { accountRef, id, ref, timestamps, ts } from './columns.ts';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'dead'] as const;
export const LOG_STATUSES = ['info', 'warning', 'error', 'debug'] as const;
export type JobState = (typeof JOB_STATES)[number];
export type LogStatus = (typeof LOG_STATUSES)[number];
export const jobState = pgEnum('job_state', JOB_STATES);
export const logStatus = pgEnum('log_status', LOG_STATUSES);

/**
 * An account's connection to a connector (a Salesforce org, a Shopify store, …). Settings are plain
 * JSON checked by the connector's zod schema; credentials are AES-256-GCM ciphertext (SPEC R4).
 */
export const connectorInstallations = pgTable(
  'connector_installations',
  {
    id: id(),
    accountId: accountRef(),
    connectorId: text('connector_id').notNull(),
    name: text('name').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    /** `v1:<base64 iv|tag|ciphertext>` of the credentials JSON, or null when there are none. */
    credentials: text('credentials'),
    ...timestamps(),
  },
  (t) => [index('connector_installations_account_idx').on(t.accountId, t.connectorId)],
);

/**
 * Durable work (SPEC R2). A row is claimed with FOR UPDATE SKIP LOCKED and held under a lease
 * (`locked_until`) that the worker keeps extending; an expired lease makes the job claimable again.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: id(),
    accountId: accountRef(),
    /** What runs it: `event`, `webhook`, `job` (a connector's own job) or an engine task such as `export`. */
    kind: text('kind').notNull(),
    /** Handler name within the kind: the event type, webhook or job name. */
    name: text('name').notNull(),
    connectorId: text('connector_id'),
    installationId: ref('installation_id'),
    payload: jsonb('payload').$type<unknown>().notNull().default({}),
    state: jobState('state').notNull().default('queued'),
    priority: integer('priority').notNull().default(0),
    runAt: ts('run_at').notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(8),
    idempotencyKey: text('idempotency_key'),
    lockedBy: text('locked_by'),
    lockedUntil: ts('locked_until'),
    /** The latest failure: { message, code, status, retry_after_ms, at }. */
    lastError: jsonb('last_error').$type<Record<string, unknown> | null>(),
    /** Correlation for the log and the sidebar: the ticket the job is about, when there is one. */
    ticketId: ref('ticket_id'),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('jobs_idempotency_key').on(t.accountId, t.idempotencyKey).where(sql`${t.idempotencyKey} is not null`),
    index('jobs_claim_idx').on(t.priority.desc().nullsFirst(), t.runAt, t.id).where(sql`${t.state} = 'queued'`),
    index('jobs_running_idx').on(t.lockedUntil).where(sql`${t.state} = 'running'`),
    index('jobs_account_idx').on(t.accountId, t.state, t.id),
  ],
);

/**
 * Domain events written in the transaction of the change (transactional outbox). The dispatcher
 * turns each into one job per subscribed installation and deletes it, in one transaction.
 */
export const outboxEvents = pgTable('outbox_events', {
  id: id(),
  accountId: accountRef(),
  type: text('type').notNull(),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  ticketId: ref('ticket_id'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/**
 * The integration log (SPEC L1–L6, R3). Range-partitioned by day on `ts` in the migration (drizzle
 * does not declare partitions): a day is purged by dropping its partition. Keyset order: (ts, id).
 */
export const integrationLogs = pgTable(
  'integration_logs',
  {
    id: bigint('id', { mode: 'number' }).notNull().default(sql`nextval('integration_logs_id_seq')`),
    ts: ts('ts').notNull(),
    accountId: accountRef(),
    product: text('product').notNull(),
    status: logStatus('status').notNull(),
    description: text('description').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    ticketId: ref('ticket_id'),
    jobId: ref('job_id'),
    /**
     * Free text (SPEC B2): the words of the description and of the details' string and number
     * values (not their keys). Stored, so a filter walking the ts index tests it without recomputing.
     */
    search: tsvector('search').generatedAlwaysAs(
      sql`to_tsvector('simple', description) || jsonb_to_tsvector('simple', details, '["string","numeric"]')`,
    ),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.ts] }),
    index('integration_logs_account_ts_idx').on(t.accountId, t.ts.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('integration_logs_product_idx').on(t.accountId, t.product, t.ts.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('integration_logs_product_status_idx').on(t.accountId, t.product, t.status, t.ts.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('integration_logs_status_idx').on(t.accountId, t.status, t.ts.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('integration_logs_ticket_idx').on(t.accountId, t.ticketId, t.ts.desc().nullsFirst(), t.id.desc().nullsFirst()).where(sql`${t.ticketId} is not null`),
    index('integration_logs_search_idx').using('gin', t.search),
  ],
);

export type ConnectorInstallation = typeof connectorInstallations.$inferSelect;
export type Job = typeof jobs.$inferSelect;
export type OutboxEvent = typeof outboxEvents.$inferSelect;
/** A log row as read back (the search vector is internal to the filter). */
export type IntegrationLog = Omit<typeof integrationLogs.$inferSelect, 'search'>;
