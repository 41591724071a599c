import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { accountRef, id, ref, timestamps, ts } from './columns.ts';
import {
  auditEventType, satisfactionScore, ticketFieldType, ticketPriority, ticketStatus, ticketType, userRole, viaChannel,
} from './enums.ts';

export type ViaSource = { from: Record<string, unknown>; to: Record<string, unknown>; rel: string | null };

export const tickets = pgTable(
  'tickets',
  {
    id: id(),
    accountId: accountRef(),
    externalId: text('external_id'),
    subject: text('subject').notNull().default(''),
    /** The first comment's body, as Zendesk's `description`. */
    description: text('description').notNull().default(''),
    status: ticketStatus('status').notNull().default('new'),
    priority: ticketPriority('priority'),
    type: ticketType('type'),
    requesterId: ref('requester_id').notNull(),
    submitterId: ref('submitter_id').notNull(),
    assigneeId: ref('assignee_id'),
    groupId: ref('group_id'),
    organizationId: ref('organization_id'),
    tags: text('tags').array().notNull().default([]),
    dueAt: ts('due_at'),
    viaChannel: viaChannel('via_channel').notNull().default('api'),
    viaSource: jsonb('via_source').$type<ViaSource>().notNull().default({ from: {}, to: {}, rel: null }),
    isPublic: boolean('is_public').notNull().default(true),
    /** Ticket this one follows up (a requester reply to a closed ticket). */
    followupSourceId: ref('followup_source_id'),
    /** System change time (DB clock): incremental exports page on it (Zendesk's generated_timestamp). */
    generatedAt: ts('generated_at').notNull().defaultNow(),
    ...timestamps(),
  },
  (t) => [
    index('tickets_account_id_idx').on(t.accountId, t.id),
    index('tickets_account_generated_idx').on(t.accountId, t.generatedAt, t.id),
    index('tickets_account_requester_idx').on(t.accountId, t.requesterId),
    index('tickets_account_status_idx').on(t.accountId, t.status),
    index('tickets_followup_source_idx').on(t.followupSourceId).where(sql`${t.followupSourceId} is not null`),
  ],
);

export const comments = pgTable(
  'comments',
  {
    id: id(),
    accountId: accountRef(),
    ticketId: ref('ticket_id').notNull(),
    auditId: ref('audit_id').notNull(),
    authorId: ref('author_id').notNull(),
    /** The author's role when the comment was written (metrics count agent replies). */
    authorRole: userRole('author_role').notNull(),
    body: text('body').notNull(),
    htmlBody: text('html_body').notNull(),
    public: boolean('public').notNull().default(true),
    viaChannel: viaChannel('via_channel').notNull().default('api'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('comments_ticket_idx').on(t.ticketId, t.id), index('comments_account_idx').on(t.accountId, t.id)],
);

export const audits = pgTable(
  'audits',
  {
    id: id(),
    accountId: accountRef(),
    ticketId: ref('ticket_id').notNull(),
    authorId: ref('author_id').notNull(),
    authorRole: userRole('author_role').notNull(),
    viaChannel: viaChannel('via_channel').notNull().default('api'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('audits_ticket_idx').on(t.ticketId, t.id)],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    id: id(),
    accountId: accountRef(),
    auditId: ref('audit_id').notNull(),
    ticketId: ref('ticket_id').notNull(),
    type: auditEventType('type').notNull(),
    fieldName: text('field_name'),
    value: jsonb('value'),
    previousValue: jsonb('previous_value'),
    commentId: ref('comment_id'),
  },
  (t) => [index('audit_events_audit_idx').on(t.auditId, t.id), index('audit_events_ticket_idx').on(t.ticketId, t.id)],
);

export type TicketFieldOption = { name: string; value: string };

export const ticketFields = pgTable('ticket_fields', {
  id: id(),
  accountId: accountRef(),
  type: ticketFieldType('type').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull().default(''),
  active: boolean('active').notNull().default(true),
  required: boolean('required').notNull().default(false),
  position: ref('position').notNull().default(0),
  customFieldOptions: jsonb('custom_field_options').$type<TicketFieldOption[]>().notNull().default([]),
  regexpForValidation: text('regexp_for_validation'),
  ...timestamps(),
}, (t) => [index('ticket_fields_account_idx').on(t.accountId, t.position)]);

export const ticketFieldValues = pgTable(
  'ticket_field_values',
  {
    accountId: accountRef(),
    ticketId: ref('ticket_id').notNull(),
    fieldId: ref('field_id').notNull(),
    /** string | number | boolean | string[] (multiselect), as Zendesk's custom_fields[].value. */
    value: jsonb('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.fieldId] })],
);

export const satisfactionRatings = pgTable(
  'satisfaction_ratings',
  {
    id: id(),
    accountId: accountRef(),
    ticketId: ref('ticket_id').notNull(),
    requesterId: ref('requester_id').notNull(),
    assigneeId: ref('assignee_id'),
    groupId: ref('group_id'),
    score: satisfactionScore('score').notNull(),
    comment: text('comment'),
    reason: text('reason'),
    ...timestamps(),
  },
  (t) => [index('satisfaction_ratings_ticket_idx').on(t.accountId, t.ticketId)],
);

export type Ticket = typeof tickets.$inferSelect;
export type Comment = typeof comments.$inferSelect;
export type Audit = typeof audits.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
