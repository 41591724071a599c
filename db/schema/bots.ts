import { integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { accountRef, id, timestamps } from './columns.ts';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethodName = (typeof HTTP_METHODS)[number];

/** A response field saved as a bot variable: `path` is JSONPath (`$.order.status`) or a dotted path over the JSON answer. */
export type SavedVariable = { name: string; path: string };

/**
 * Bot builder "make an API call" steps: a request template whose URL, headers and body may hold
 * `{{variable}}` placeholders, sent with an account-level connection (integration_connections,
 * scope '') when one is named, and the response fields the bot keeps as variables.
 */
export const botSteps = pgTable(
  'bot_steps',
  {
    id: id(),
    accountId: accountRef(),
    name: text('name').notNull(),
    method: text('method').$type<HttpMethodName>().notNull(),
    url: text('url').notNull(),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    /** Any JSON (sent as JSON) or a string (sent as is); null sends no body. */
    body: jsonb('body').$type<unknown>(),
    connectionName: text('connection_name'),
    timeoutMs: integer('timeout_ms').notNull().default(10_000),
    saveVariables: jsonb('save_variables').$type<SavedVariable[]>().notNull().default([]),
    ...timestamps(),
  },
  (t) => [uniqueIndex('bot_steps_name').on(t.accountId, t.name)],
);
export type BotStep = typeof botSteps.$inferSelect;
