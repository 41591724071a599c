import { and, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { actionFlows, customActions, type ActionFlow, type ActionFlowStep, type ActionInput, type CustomAction } from '../../db/schema/index.ts';
import type { CallEnv, CallResult } from '../bots/api-call.ts';
import { deleteRecord, nameTakenBy, writeRecord } from '../bots/records.ts';
import { recordInvalid } from '../bots/steps.ts';
import type { Clock } from '../core/clock.ts';
import { notFound, type FieldErrors } from '../core/errors.ts';
import { iso } from '../core/format.ts';
import { renderTemplate } from '../integrations/http-action.ts';
import { runAction, runLabel } from './actions.ts';
import { checkInputs } from './inputs.ts';

export type FlowInputBody = { name?: string | undefined; description?: string | undefined; inputs?: ActionInput[] | undefined; steps?: ActionFlowStep[] | undefined };

export const flowShape = (row: ActionFlow) => ({
  id: row.id, name: row.name, description: row.description, inputs: row.inputs, steps: row.steps,
  created_at: iso(row.createdAt), updated_at: iso(row.updatedAt),
});

export async function findFlow(q: Queryable, accountId: number, id: number): Promise<ActionFlow> {
  const [row] = await q.select().from(actionFlows).where(and(eq(actionFlows.accountId, accountId), eq(actionFlows.id, id)));
  if (!row) throw notFound('Action flow');
  return row;
}

async function actionsById(q: Queryable, accountId: number, steps: ActionFlowStep[]): Promise<Map<number, CustomAction>> {
  const ids = [...new Set(steps.map((s) => s.action_id))];
  if (ids.length === 0) return new Map();
  const rows = await q.select().from(customActions).where(and(eq(customActions.accountId, accountId), inArray(customActions.id, ids)));
  return new Map(rows.map((r) => [r.id, r]));
}

/** Each step must name an action of the account, and its input templates only inputs that action declares. */
async function checkSteps(q: Queryable, accountId: number, steps: ActionFlowStep[]): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  const actions = await actionsById(q, accountId, steps);
  steps.forEach((step, i) => {
    const action = actions.get(step.action_id);
    if (!action) {
      errors[`steps.${i}.action_id`] = [{ description: `no action ${step.action_id} in this account` }];
      return;
    }
    const declared = new Set(action.inputs.map((x) => x.name));
    for (const name of Object.keys(step.inputs ?? {})) {
      if (!declared.has(name)) errors[`steps.${i}.inputs.${name}`] = [{ description: `is not an input of action "${action.name}"` }];
    }
  });
  return errors;
}

export async function saveFlow(q: Queryable, accountId: number, input: FlowInputBody, clock: Clock, current?: ActionFlow): Promise<ActionFlow> {
  const errors: FieldErrors = {};
  const name = input.name ?? current?.name;
  const steps = input.steps ?? current?.steps;
  if (!name) errors.name = [{ description: 'is required' }];
  else {
    const clash = await nameTakenBy(q, actionFlows, accountId, name, current?.id);
    if (clash) errors.name = [{ description: `is already used by action flow ${clash}` }];
  }
  if (!steps) errors.steps = [{ description: 'is required' }];
  else Object.assign(errors, await checkSteps(q, accountId, steps));
  if (Object.keys(errors).length > 0 || !name || !steps) throw recordInvalid(errors);
  const values = { name, description: input.description ?? current?.description ?? '', inputs: input.inputs ?? current?.inputs ?? [], steps };
  return writeRecord<ActionFlow>(q, actionFlows, accountId, values, clock, current?.id);
}

export async function deleteFlow(q: Queryable, accountId: number, id: number): Promise<void> {
  if (!(await deleteRecord(q, actionFlows, accountId, id))) throw notFound('Action flow');
}

export type StepRun = {
  position: number; action_id: number; action_name: string | null; status: CallResult['status'];
  inputs: Record<string, unknown>; outputs: Record<string, unknown>; response: CallResult['response']; error: CallResult['error'];
};
export type FlowRun = { status: CallResult['status']; variables: Record<string, unknown>; steps: StepRun[]; error: (CallResult['error'] & { step: number }) | null };

/** A step's inputs: its templates over the flow's variables, or else the variables named like the action's inputs. */
function stepInputs(step: ActionFlowStep, action: CustomAction, variables: Record<string, unknown>): Record<string, unknown> {
  const raw = step.inputs ? renderTemplate(step.inputs, variables) : Object.fromEntries(action.inputs.map((i) => [i.name, variables[i.name]]));
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
}

/**
 * Runs the steps in order over one set of variables: the flow's inputs, then each step's outputs
 * added for the steps after it. Stops at the first failing step; one summary row says how it went.
 */
export async function runFlow(env: CallEnv, q: Queryable, flow: ActionFlow, inputs: Record<string, unknown>, test: boolean): Promise<FlowRun> {
  const { log } = env.run;
  const label = runLabel(test, `action flow "${flow.name}"`);
  const actions = await actionsById(q, env.accountId, flow.steps);
  const variables: Record<string, unknown> = { ...inputs };
  const steps: StepRun[] = [];
  let error: FlowRun['error'] = null;
  for (const [i, step] of flow.steps.entries()) {
    const position = i + 1;
    const action = actions.get(step.action_id);
    const given = action ? stepInputs(step, action, variables) : {};
    let result: Pick<CallResult, 'status' | 'variables' | 'response' | 'error'>;
    if (!action) {
      result = { status: 'failure', variables: {}, response: null, error: { code: 'ActionMissing', message: `action ${step.action_id} no longer exists` } };
    } else {
      const problems = Object.entries(checkInputs(action.inputs, given));
      result = problems.length > 0
        ? { status: 'failure', variables: {}, response: null, error: { code: 'InvalidInputs', message: problems.map(([k, p]) => `${k} ${p[0]!.description}`).join('; ') } }
        : await runAction(env, action, given, test, `${label} step ${position}, action "${action.name}"`);
    }
    steps.push({ position, action_id: step.action_id, action_name: action?.name ?? null, status: result.status, inputs: given, outputs: result.variables, response: result.response, error: result.error });
    if (result.status === 'failure') {
      error = { ...result.error!, step: position };
      break;
    }
    Object.assign(variables, result.variables);
  }
  const details = { flow_id: flow.id, test, steps: steps.map((s) => ({ position: s.position, action_id: s.action_id, status: s.status, error: s.error })) };
  if (error) {
    const failed = steps.at(-1)!;
    log.error(`${label} failed at step ${error.step}${failed.action_name ? ` (action "${failed.action_name}")` : ''}: ${error.message}`, details);
  } else {
    log.info(`${label} succeeded: ${steps.length} step(s); variables ${Object.keys(variables).join(', ') || 'none'}`, details);
  }
  return { status: error ? 'failure' : 'success', variables, steps, error };
}
