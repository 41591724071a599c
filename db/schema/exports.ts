import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgEnum, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { accountRef, id, ref, timestamps, ts } from './columns.ts';

export const EXPORT_TYPES = ['json', 'csv', 'xml', 'user_xml'] as const;
export const EXPORT_DATA_TYPES = ['tickets', 'users', 'organizations'] as const;
export const EXPORT_STATES = ['queued', 'running', 'done', 'failed', 'expired'] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];
export type ExportDataType = (typeof EXPORT_DATA_TYPES)[number];
export type ExportState = (typeof EXPORT_STATES)[number];
export const exportType = pgEnum('export_type', EXPORT_TYPES);
export const exportDataType = pgEnum('export_data_type', EXPORT_DATA_TYPES);
export const exportState = pgEnum('export_state', EXPORT_STATES);

/** A file of the finished export: its name in the ZIP and on disk, and its size. */
export type ExportFile = { name: string; bytes: number; entries: string[] };

/**
 * A data export request (SPEC E4–E6, E12, B6, B7): built in the background by the `export` task,
 * the ZIP written under a temporary name and renamed when complete, then marked done with the file.
 * At most one queued or running export per type and account (partial unique index).
 */
export const dataExports = pgTable(
  'data_exports',
  {
    id: id(),
    accountId: accountRef(),
    requesterId: ref('requester_id').notNull(),
    type: exportType('type').notNull(),
    /** JSON exports: tickets, users or organizations; null for the others. */
    dataType: exportDataType('data_type'),
    /** Range on generated_timestamp (JSON, CSV); null = from the beginning / up to the snapshot. */
    startTime: ts('start_time'),
    endTime: ts('end_time'),
    state: exportState('state').notNull().default('queued'),
    /** 0–100. */
    progress: integer('progress').notNull().default(0),
    rows: bigint('rows', { mode: 'number' }).notNull().default(0),
    /** The data as of this instant (set when the build takes its snapshot). */
    snapshotAt: ts('snapshot_at'),
    /** The ZIP, relative to the exports folder, once done. */
    file: jsonb('file').$type<ExportFile | null>(),
    error: text('error'),
    jobId: ref('job_id'),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
    /** After this the download answers 410 Gone and the file is deleted. */
    expiresAt: ts('expires_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('data_exports_one_running').on(t.accountId, t.type).where(sql`${t.state} in ('queued', 'running')`),
    index('data_exports_account_idx').on(t.accountId, t.type, t.id),
  ],
);

/**
 * Mail the product sends (export links). Delivered through SMTP when SMTP_URL is set; otherwise it
 * stays here, unsent, and the admin pages show it, so the embedded default still works.
 */
export const emailOutbox = pgTable(
  'email_outbox',
  {
    id: id(),
    accountId: accountRef(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html'),
    sentAt: ts('sent_at'),
    error: text('error'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('email_outbox_account_idx').on(t.accountId, t.id)],
);

export type DataExport = typeof dataExports.$inferSelect;
export type EmailMessage = typeof emailOutbox.$inferSelect;
