import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { botSteps, type BotStep, type SavedVariable } from '../../db/schema/index.ts';
import type { Clock } from '../core/clock.ts';
import { AppError, notFound, type FieldErrors } from '../core/errors.ts';
import { iso } from '../core/format.ts';
import { callApi, type CallEnv, type CallResult } from './api-call.ts';
import { deleteRecord, nameTakenBy, writeRecord } from './records.ts';
import { checkConnection, mergeTemplate, templateShape, type RequestFieldsInput } from './request.ts';

export type StepInput = RequestFieldsInput & { name?: string | undefined; save_variables?: SavedVariable[] | undefined };

export const stepShape = (row: BotStep) => ({
  id: row.id, name: row.name, ...templateShape(row), save_variables: row.saveVariables,
  created_at: iso(row.createdAt), updated_at: iso(row.updatedAt),
});

export function recordInvalid(errors: FieldErrors): AppError {
  const [field, problems] = Object.entries(errors)[0]!;
  return new AppError(422, 'RecordInvalid', `Record validation errors: ${field}: ${problems[0]!.description}`, errors);
}

export async function findStep(q: Queryable, accountId: number, id: number): Promise<BotStep> {
  const [row] = await q.select().from(botSteps).where(and(eq(botSteps.accountId, accountId), eq(botSteps.id, id)));
  if (!row) throw notFound('Bot step');
  return row;
}

/** Creates a step, or changes one (`current`): only the fields given change. */
export async function saveStep(q: Queryable, accountId: number, input: StepInput, clock: Clock, current?: BotStep): Promise<BotStep> {
  const { columns, errors } = mergeTemplate(input, current);
  const name = input.name ?? current?.name;
  if (!name) errors.name = [{ description: 'is required' }];
  else {
    const clash = await nameTakenBy(q, botSteps, accountId, name, current?.id);
    if (clash) errors.name = [{ description: `is already used by bot step ${clash}` }];
  }
  if (columns) Object.assign(errors, await checkConnection(q, accountId, columns.connectionName, columns.url));
  if (Object.keys(errors).length > 0 || !columns || !name) throw recordInvalid(errors);
  const values = { ...columns, name, saveVariables: input.save_variables ?? current?.saveVariables ?? [] };
  return writeRecord<BotStep>(q, botSteps, accountId, values, clock, current?.id);
}

export async function deleteStep(q: Queryable, accountId: number, id: number): Promise<void> {
  if (!(await deleteRecord(q, botSteps, accountId, id))) throw notFound('Bot step');
}

/** Runs the step as a bot would: the variables fill its placeholders, the answer's fields become variables. */
export function invokeStep(env: CallEnv, step: BotStep, variables: Record<string, unknown>): Promise<CallResult> {
  return callApi(env, `Bot step "${step.name}"`, step, variables, step.saveVariables);
}
