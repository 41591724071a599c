import { lookup, renderText } from '../integrations/http-action.ts';
import { applyParameters, applyResultPath } from './paths.ts';

/**
 * The ZIS flow interpreter: runs a flow definition (`StartAt`, `States`) over its input, with no
 * database and no network of its own — actions, the clock and waiting are handed in, so every
 * state type and limit is testable in memory. The job runner (runner/zis/runner.ts) gives it the
 * real actions and writes the outcome to the integration log.
 */

export const LIMITS = { flowMs: 100_000, mapItems: 100, transitions: 250 } as const;
export type Limits = { flowMs: number; mapItems: number; transitions: number };

export const DEFAULT_SUCCESS_MESSAGE = 'Execution Successful';

export type State = Record<string, unknown> & { Type: string };
export type FlowDefinition = { StartAt: string; States: Record<string, State> };

export type ActionCall = { timeoutMs: number };
export type InterpreterDeps = {
  /** Runs an action (`zis:…:action:…`, a built-in) with its resolved parameters; throws ActionError (or anything) on failure. */
  callAction(name: string, params: unknown, call: ActionCall): Promise<unknown>;
  now(): number;
  sleep(ms: number): Promise<void>;
  limits?: Partial<Limits>;
};

export type FlowOutcome =
  | { status: 'succeeded'; message: string; output: unknown; transitions: number; states: string[] }
  | { status: 'failed'; error: string; cause: string; output: unknown; transitions: number; states: string[] };

/** A failure a flow can Catch or Retry: `error` is what ErrorEquals matches (`States.TaskFailed`, …). */
export class ActionError extends Error {
  constructor(readonly error: string, override readonly cause: string) {
    super(cause);
    this.name = 'ActionError';
  }
}
/** A limit or a broken definition: ends the flow at once, past any Catch. */
class FlowAbort extends Error {
  constructor(readonly error: string, override readonly cause: string) {
    super(cause);
  }
}
/** A Fail state: ends the flow with its Error and Cause. */
class FlowFailed extends Error {
  constructor(readonly error: string, override readonly cause: string) {
    super(cause);
  }
}

type Run = { deps: InterpreterDeps; limits: Limits; started: number; transitions: number; states: string[] };

export async function runFlow(flow: FlowDefinition, input: unknown, deps: InterpreterDeps): Promise<FlowOutcome> {
  const run: Run = { deps, limits: { ...LIMITS, ...deps.limits }, started: deps.now(), transitions: 0, states: [] };
  try {
    const { data, message } = await runMachine(run, flow, input);
    return { status: 'succeeded', message, output: data, transitions: run.transitions, states: run.states };
  } catch (err) {
    const { error, cause } = err instanceof FlowAbort || err instanceof FlowFailed || err instanceof ActionError
      ? err : { error: 'States.Runtime', cause: err instanceof Error ? err.message : String(err) };
    return { status: 'failed', error, cause, output: input, transitions: run.transitions, states: run.states };
  }
}

function remainingMs(run: Run): number {
  return run.limits.flowMs - (run.deps.now() - run.started);
}

function checkTime(run: Run) {
  if (remainingMs(run) <= 0) throw new FlowAbort('States.Timeout', `The flow ran longer than its limit of ${run.limits.flowMs / 1000} seconds`);
}

/** Runs states from StartAt until Succeed, Fail or End. Map iterations run nested machines sharing the counters. */
async function runMachine(run: Run, machine: FlowDefinition, input: unknown): Promise<{ data: unknown; message: string }> {
  let name: string | undefined = machine.StartAt;
  let data = input;
  while (name !== undefined) {
    const state = machine.States[name];
    if (!state) throw new FlowAbort('States.Runtime', `The flow has no state named "${name}"`);
    checkTime(run);
    run.states.push(name);
    const step = await runState(run, name, state, data);
    data = step.data;
    if (step.message !== undefined) return { data, message: step.message };
    if (step.next === undefined) return { data, message: DEFAULT_SUCCESS_MESSAGE };
    run.transitions++;
    if (run.transitions > run.limits.transitions) {
      throw new FlowAbort('States.TransitionLimitExceeded', `The flow made more than ${run.limits.transitions} state transitions (stopped before "${step.next}")`);
    }
    name = step.next;
  }
  return { data, message: DEFAULT_SUCCESS_MESSAGE };
}

type Step = { data: unknown; next?: string; message?: string };

const nextOf = (state: State): string | undefined => (state.End === true ? undefined : (state.Next as string | undefined));
const resultPathOf = (state: State) => (state.ResultPath === null ? null : (state.ResultPath as string | undefined));

async function runState(run: Run, name: string, state: State, data: unknown): Promise<Step> {
  switch (state.Type) {
    case 'Pass': {
      const result = state.Result !== undefined ? state.Result : state.Parameters !== undefined ? applyParameters(state.Parameters, data) : data;
      return { data: applyResultPath(data, resultPathOf(state), result), next: nextOf(state) };
    }
    case 'Succeed': {
      const message = typeof state.Message === 'string' ? renderText(state.Message, data) : DEFAULT_SUCCESS_MESSAGE;
      return { data, message: message || DEFAULT_SUCCESS_MESSAGE };
    }
    case 'Fail':
      throw new FlowFailed(
        typeof state.Error === 'string' ? state.Error : 'States.Fail',
        typeof state.Cause === 'string' ? renderText(state.Cause, data) : `The flow ended in the Fail state "${name}"`,
      );
    case 'Wait':
      await wait(run, state, data);
      return { data, next: nextOf(state) };
    case 'Choice':
      return { data, next: choose(name, state, data) };
    case 'Action':
    case 'Map':
      return guarded(run, state, data, async () => {
        const result = state.Type === 'Action' ? await callWithRetry(run, state, data) : await runMap(run, name, state, data);
        return { data: applyResultPath(data, resultPathOf(state), result), next: nextOf(state) };
      });
    default:
      throw new FlowAbort('States.Runtime', `The state "${name}" has an unknown Type "${state.Type}"`);
  }
}

// ---- Action, Retry, Catch -----------------------------------------------------------------------

type Retrier = { ErrorEquals: string[]; IntervalSeconds?: number; MaxAttempts?: number; BackoffRate?: number };
type Catcher = { ErrorEquals: string[]; Next: string; ResultPath?: string | null };

const matches = (equals: string[], error: string) => equals.includes('States.ALL') || equals.includes(error);

/** Anything an action throws is catchable; what it did not name itself is `States.TaskFailed`. */
const asActionError = (err: unknown): ActionError =>
  err instanceof ActionError ? err : new ActionError('States.TaskFailed', err instanceof Error ? err.message : String(err));

async function callWithRetry(run: Run, state: State, data: unknown): Promise<unknown> {
  const params = state.Parameters !== undefined ? applyParameters(state.Parameters, data) : data;
  const retriers = (state.Retry as Retrier[] | undefined) ?? [];
  const tries = new Map<Retrier, number>();
  for (;;) {
    checkTime(run);
    try {
      return await run.deps.callAction(String(state.ActionName), params, { timeoutMs: Math.max(1, remainingMs(run)) });
    } catch (err) {
      if (err instanceof FlowAbort) throw err;
      const failure = asActionError(err);
      const retrier = retriers.find((r) => matches(r.ErrorEquals, failure.error));
      const done = tries.get(retrier!) ?? 0;
      if (!retrier || done >= (retrier.MaxAttempts ?? 3)) throw failure;
      tries.set(retrier, done + 1);
      const delayMs = (retrier.IntervalSeconds ?? 1) * 1000 * (retrier.BackoffRate ?? 2) ** done;
      if (delayMs >= remainingMs(run)) throw failure;
      await run.deps.sleep(delayMs);
    }
  }
}

/** Runs an Action or Map body; a failure matching a Catch goes to its Next with {Error, Cause} at its ResultPath. */
async function guarded(run: Run, state: State, data: unknown, body: () => Promise<Step>): Promise<Step> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof FlowAbort || err instanceof FlowFailed) throw err;
    const failure = asActionError(err);
    const catcher = ((state.Catch as Catcher[] | undefined) ?? []).find((c) => matches(c.ErrorEquals, failure.error));
    if (!catcher) throw failure;
    const caught = { Error: failure.error, Cause: failure.cause };
    return { data: applyResultPath(data, catcher.ResultPath === null ? null : catcher.ResultPath, caught), next: catcher.Next };
  }
}

// ---- Map ------------------------------------------------------------------------------------------

async function runMap(run: Run, name: string, state: State, data: unknown): Promise<unknown[]> {
  const items = lookup(data, typeof state.ItemsPath === 'string' ? state.ItemsPath : '$');
  if (!Array.isArray(items)) throw new ActionError('States.Runtime', `The Map state "${name}": ItemsPath ${String(state.ItemsPath ?? '$')} is not an array`);
  if (items.length > run.limits.mapItems) {
    throw new FlowAbort('States.MapLimitExceeded', `The Map state "${name}" has ${items.length} items; a Map may process at most ${run.limits.mapItems}`);
  }
  const iterator = (state.Iterator ?? state.ItemProcessor) as FlowDefinition;
  const out: unknown[] = [];
  // Each item is its iteration's input; the results, in order, are the Map's result. An iteration
  // ending in Fail fails the Map, which the Map's own Catch may handle (limits still end the flow).
  for (const item of items) {
    try {
      out.push((await runMachine(run, iterator, item)).data);
    } catch (err) {
      throw err instanceof FlowFailed ? new ActionError(err.error, err.cause) : err;
    }
  }
  return out;
}

// ---- Wait -----------------------------------------------------------------------------------------

async function wait(run: Run, state: State, data: unknown) {
  let ms: number;
  if (typeof state.Seconds === 'number') ms = state.Seconds * 1000;
  else if (typeof state.SecondsPath === 'string') ms = Number(lookup(data, state.SecondsPath)) * 1000;
  else if (typeof state.Timestamp === 'string') ms = Date.parse(state.Timestamp) - run.deps.now();
  else if (typeof state.TimestampPath === 'string') ms = Date.parse(String(lookup(data, state.TimestampPath))) - run.deps.now();
  else ms = 0;
  if (!Number.isFinite(ms)) throw new ActionError('States.Runtime', 'The Wait state\'s duration is not a number');
  if (ms >= remainingMs(run)) {
    throw new FlowAbort('States.Timeout', `A Wait of ${Math.round(ms / 1000)} s would take the flow past its limit of ${run.limits.flowMs / 1000} seconds`);
  }
  if (ms > 0) await run.deps.sleep(ms);
}

// ---- Choice -------------------------------------------------------------------------------------

export const COMPARISONS = [
  'StringEquals', 'NumericEquals', 'NumericLessThan', 'NumericGreaterThan', 'NumericLessThanEquals', 'NumericGreaterThanEquals',
  'BooleanEquals', 'IsPresent', 'IsNull',
] as const;

type Rule = Record<string, unknown>;

function choose(name: string, state: State, data: unknown): string {
  for (const rule of (state.Choices as Rule[]) ?? []) if (test(rule, data)) return String(rule.Next);
  if (typeof state.Default === 'string') return state.Default;
  throw new ActionError('States.NoChoiceMatched', `No choice of the Choice state "${name}" matched and it has no Default`);
}

export function test(rule: Rule, data: unknown): boolean {
  if (Array.isArray(rule.And)) return (rule.And as Rule[]).every((r) => test(r, data));
  if (Array.isArray(rule.Or)) return (rule.Or as Rule[]).some((r) => test(r, data));
  if (rule.Not && typeof rule.Not === 'object') return !test(rule.Not as Rule, data);
  const value = lookup(data, String(rule.Variable));
  const num = typeof value === 'number' ? value : NaN;
  for (const op of COMPARISONS) {
    if (!(op in rule)) continue;
    const expected = rule[op];
    switch (op) {
      case 'StringEquals': return typeof value === 'string' && value === expected;
      case 'NumericEquals': return num === expected;
      case 'NumericLessThan': return num < Number(expected);
      case 'NumericGreaterThan': return num > Number(expected);
      case 'NumericLessThanEquals': return num <= Number(expected);
      case 'NumericGreaterThanEquals': return num >= Number(expected);
      case 'BooleanEquals': return typeof value === 'boolean' && value === expected;
      case 'IsPresent': return (value !== undefined) === expected;
      case 'IsNull': return (value === null) === expected;
    }
  }
  return false;
}
