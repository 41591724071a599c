import { integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { HttpMethodName, SavedVariable } from './bots.ts';
import { accountRef, id, timestamps } from './columns.ts';

export const ACTION_INPUT_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array'] as const;
export type ActionInputType = (typeof ACTION_INPUT_TYPES)[number];
/** One declared input of an action or flow; a run's inputs are checked against these. */
export type ActionInput = { name: string; type: ActionInputType; required: boolean; description?: string; enum?: (string | number)[] };
/** A flow step: the action to run and its inputs, templates over the flow's variables (`{{order_id}}`). */
export type ActionFlowStep = { action_id: number; inputs?: Record<string, unknown> };

/**
 * Custom actions for auto assist: a named HTTP call (request template over its inputs, an
 * account-level connection), the inputs it takes and the outputs it reads from the answer.
 */
export const customActions = pgTable(
  'custom_actions',
  {
    id: id(),
    accountId: accountRef(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    method: text('method').$type<HttpMethodName>().notNull(),
    url: text('url').notNull(),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    body: jsonb('body').$type<unknown>(),
    connectionName: text('connection_name'),
    timeoutMs: integer('timeout_ms').notNull().default(10_000),
    inputs: jsonb('inputs').$type<ActionInput[]>().notNull().default([]),
    outputs: jsonb('outputs').$type<SavedVariable[]>().notNull().default([]),
    ...timestamps(),
  },
  (t) => [uniqueIndex('custom_actions_name').on(t.accountId, t.name)],
);
export type CustomAction = typeof customActions.$inferSelect;

/** Actions run one after the other, each step's outputs available to the next as variables. */
export const actionFlows = pgTable(
  'action_flows',
  {
    id: id(),
    accountId: accountRef(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    inputs: jsonb('inputs').$type<ActionInput[]>().notNull().default([]),
    steps: jsonb('steps').$type<ActionFlowStep[]>().notNull().default([]),
    ...timestamps(),
  },
  (t) => [uniqueIndex('action_flows_name').on(t.accountId, t.name)],
);
export type ActionFlow = typeof actionFlows.$inferSelect;
