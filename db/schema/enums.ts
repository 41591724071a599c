import { pgEnum } from 'drizzle-orm/pg-core';

// Allowed values live here once, as `as const` lists shared by the DB enums, Zod and the UI.
export const USER_ROLES = ['end-user', 'agent', 'admin'] as const;
export const TICKET_STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'] as const;
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TICKET_TYPES = ['question', 'incident', 'problem', 'task'] as const;
export const VIA_CHANNELS = ['web', 'email', 'api', 'chat', 'messaging', 'voice', 'closed_ticket', 'rule', 'sample_ticket'] as const;
export const AUDIT_EVENT_TYPES = ['Create', 'Change', 'Comment'] as const;
export const SATISFACTION_SCORES = ['unoffered', 'offered', 'good', 'bad'] as const;
export const TICKET_FIELD_TYPES = ['text', 'textarea', 'checkbox', 'date', 'integer', 'decimal', 'regexp', 'tagger', 'multiselect'] as const;

export type UserRole = (typeof USER_ROLES)[number];
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export type TicketType = (typeof TICKET_TYPES)[number];
export type ViaChannel = (typeof VIA_CHANNELS)[number];
export type SatisfactionScore = (typeof SATISFACTION_SCORES)[number];
export type TicketFieldType = (typeof TICKET_FIELD_TYPES)[number];

export const userRole = pgEnum('user_role', USER_ROLES);
export const ticketStatus = pgEnum('ticket_status', TICKET_STATUSES);
export const ticketPriority = pgEnum('ticket_priority', TICKET_PRIORITIES);
export const ticketType = pgEnum('ticket_type', TICKET_TYPES);
export const viaChannel = pgEnum('via_channel', VIA_CHANNELS);
export const auditEventType = pgEnum('audit_event_type', AUDIT_EVENT_TYPES);
export const satisfactionScore = pgEnum('satisfaction_score', SATISFACTION_SCORES);
export const ticketFieldType = pgEnum('ticket_field_type', TICKET_FIELD_TYPES);
