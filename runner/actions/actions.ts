import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { actionFlows, customActions, type ActionInput, type CustomAction, type SavedVariable } from '../../db/schema/index.ts';
import { callApi, type CallEnv, type CallResult } from '../bots/api-call.ts';
import { checkConnection, mergeTemplate, templateShape, type RequestFieldsInput } from '../bots/request.ts';
import { deleteRecord, nameTakenBy, writeRecord } from '../bots/records.ts';
import { recordInvalid } from '../bots/steps.ts';
import type { Clock } from '../core/clock.ts';
import { AppError, notFound } from '../core/errors.ts';
import { iso } from '../core/format.ts';

export type ActionInputBody = RequestFieldsInput & {
  name?: string | undefined; description?: string | undefined; inputs?: ActionInput[] | undefined; outputs?: SavedVariable[] | undefined;
};

export const actionShape = (row: CustomAction) => ({
  id: row.id, name: row.name, description: row.description, ...templateShape(row), inputs: row.inputs, outputs: row.outputs,
  created_at: iso(row.createdAt), updated_at: iso(row.updatedAt),
});

export async function findAction(q: Queryable, accountId: number, id: number): Promise<CustomAction> {
  const [row] = await q.select().from(customActions).where(and(eq(customActions.accountId, accountId), eq(customActions.id, id)));
  if (!row) throw notFound('Action');
  return row;
}

/** Creates an action, or changes one (`current`): only the fields given change. */
export async function saveAction(q: Queryable, accountId: number, input: ActionInputBody, clock: Clock, current?: CustomAction): Promise<CustomAction> {
  const { columns, errors } = mergeTemplate(input, current);
  const name = input.name ?? current?.name;
  if (!name) errors.name = [{ description: 'is required' }];
  else {
    const clash = await nameTakenBy(q, customActions, accountId, name, current?.id);
    if (clash) errors.name = [{ description: `is already used by action ${clash}` }];
  }
  if (columns) Object.assign(errors, await checkConnection(q, accountId, columns.connectionName, columns.url));
  if (Object.keys(errors).length > 0 || !columns || !name) throw recordInvalid(errors);
  const values = {
    ...columns, name, description: input.description ?? current?.description ?? '',
    inputs: input.inputs ?? current?.inputs ?? [], outputs: input.outputs ?? current?.outputs ?? [],
  };
  return writeRecord<CustomAction>(q, customActions, accountId, values, clock, current?.id);
}

/** An action a flow still runs cannot go: the flow would break on its next run. */
export async function deleteAction(q: Queryable, accountId: number, id: number): Promise<void> {
  await findAction(q, accountId, id);
  const users = await q.select({ id: actionFlows.id, name: actionFlows.name }).from(actionFlows)
    .where(and(eq(actionFlows.accountId, accountId), sql`${actionFlows.steps} @> ${JSON.stringify([{ action_id: id }])}::jsonb`));
  if (users.length > 0) {
    throw new AppError(409, 'ActionInUse', `Action ${id} is used by action flow(s) ${users.map((f) => `"${f.name}" (${f.id})`).join(', ')}; remove it from them first`);
  }
  await deleteRecord(q, customActions, accountId, id);
}

/** "Test run of action "Get order"", "Action "Get order"": how log rows name a run. */
export const runLabel = (test: boolean, what: string) => (test ? `Test run of ${what}` : what.charAt(0).toUpperCase() + what.slice(1));

/** Runs the action with inputs already checked against its declaration. */
export function runAction(env: CallEnv, action: CustomAction, inputs: Record<string, unknown>, test: boolean, label?: string): Promise<CallResult> {
  return callApi(env, label ?? runLabel(test, `action "${action.name}"`), action, inputs, action.outputs);
}
