import { json as jq } from 'jq-wasm';
import { z } from 'zod';
import type { Database } from '../../db/client.ts';
import type { Clock } from '../core/clock.ts';
import type { SecretBox } from '../core/crypto.ts';
import type { Task } from '../engine/engine.ts';
import { getConnection } from '../integrations/connections.ts';
import { renderText, runHttpAction, type HttpMethod } from '../integrations/http-action.ts';
import type { Logger } from '../sdk/index.ts';
import type { HttpActionDefinition } from './bundle.ts';
import { ActionError, runFlow, type ActionCall, type Limits } from './interpreter.ts';
import { applyParameters } from './paths.ts';
import { loadConfig, loadIndex, patchConfig } from './registry.ts';

/** The engine task running one flow for one event (kind `zis`, name = the job spec). */
export const ZIS_TASK = 'zis';
/** The engine's own rows about these jobs (a crash, a lost lease) carry this product; flow rows carry the integration's name. */
export const ZIS_PRODUCT = 'Integration services';
/** An HTTP action waits at most this long, and never past the flow's own limit. */
const ACTION_TIMEOUT_MS = 30_000;
const BODY_EXCERPT = 300;

export const zisJobPayload = z.object({
  integration: z.string(), job_spec: z.string(), flow_name: z.string(), event_type: z.string(), input: z.unknown(),
});
export type ZisJobPayload = z.infer<typeof zisJobPayload>;

export type ZisTaskOptions = { secrets: SecretBox; fetch?: typeof fetch; limits?: Partial<Limits> };

type Scope = { database: Database; clock: Clock; accountId: number; integration: string; log: Logger; signal: AbortSignal };

/**
 * Runs the job spec's flow with the event as `$.input`, then writes the outcome under the
 * integration's name: Succeed → info with its Message, Fail (or a limit) → error with its Cause.
 * The flow's own failures complete the job (the flow had its Catch and Retry); only trouble of
 * deskbridge's (the database) makes the engine retry it.
 */
export function zisTask(opts: ZisTaskOptions): Task {
  return {
    product: ZIS_PRODUCT,
    label: (job) => `Private integration job ${job.name}`,
    async run({ job, database, clock, log, signal }) {
      const payload = zisJobPayload.parse(job.payload);
      const flowLog = log.withProduct(payload.integration);
      const scope: Scope = { database, clock, accountId: job.accountId, integration: payload.integration, log: flowLog, signal };
      const index = await loadIndex(database.db, job.accountId, payload.integration);
      const flow = index.flows.get(payload.flow_name);
      const details = { job_spec: payload.job_spec, flow: payload.flow_name, event_type: payload.event_type };
      if (!flow) {
        flowLog.error(`The flow ${payload.flow_name} of job spec ${payload.job_spec} no longer exists in any bundle of ${payload.integration}`, details);
        return;
      }
      const outcome = await runFlow(flow, { input: payload.input }, {
        callAction: (name, params, call) => callAction(scope, index.actions, opts, name, params, call),
        now: () => performance.now(),
        sleep: (ms) => sleep(ms, signal),
        ...(opts.limits ? { limits: opts.limits } : {}),
      });
      const trace = { ...details, transitions: outcome.transitions, states: outcome.states };
      if (outcome.status === 'succeeded') flowLog.info(outcome.message, trace);
      else flowLog.error(outcome.cause || outcome.error, { ...trace, error: outcome.error });
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
  });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringParam(params: unknown, key: string, action: string): string {
  const v = isObject(params) ? params[key] : undefined;
  if (typeof v !== 'string' || v === '') throw new ActionError('States.TaskFailed', `${action} needs the parameter "${key}" (a string)`);
  return v;
}

async function callAction(
  s: Scope, actions: Map<string, HttpActionDefinition>, opts: ZisTaskOptions, name: string, params: unknown, call: ActionCall,
): Promise<unknown> {
  switch (name) {
    case 'zis:common:action:LoadConfig': {
      const scope = stringParam(params, 'scope', 'LoadConfig');
      const row = await loadConfig(s.database.db, s.accountId, s.integration, scope);
      if (!row) throw new ActionError('States.TaskFailed', `LoadConfig: ${s.integration} has no config with scope "${scope}"`);
      return row.config;
    }
    case 'zis:common:action:PatchConfig': {
      const scope = stringParam(params, 'scope', 'PatchConfig');
      const patch = isObject(params) ? params.config : undefined;
      if (!isObject(patch)) throw new ActionError('States.TaskFailed', 'PatchConfig needs the parameter "config" (an object to merge)');
      return (await s.database.db.transaction((tx) => patchConfig(tx, s.accountId, s.integration, scope, patch, s.clock, true))).config;
    }
    case 'zis:common:transform:Jq': {
      const expr = stringParam(params, 'expr', 'Jq');
      const data = isObject(params) ? params.data : undefined;
      try {
        return await jq(JSON.stringify(data ?? null), expr, ["-c"]);
      } catch (err) {
        throw new ActionError('States.TaskFailed', `Jq: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  const def = actions.get(name);
  if (!def) throw new ActionError('States.TaskFailed', `The action ${name} is in no bundle of ${s.integration}`);
  return callHttpAction(s, opts, name, def, params, call);
}

async function callHttpAction(s: Scope, opts: ZisTaskOptions, name: string, def: HttpActionDefinition, params: unknown, call: ActionCall): Promise<unknown> {
  const connection = def.connectionName ? await getConnection(s.database.db, opts.secrets, s.accountId, s.integration, def.connectionName) : null;
  if (def.connectionName && !connection) throw new ActionError('States.TaskFailed', `${name}: ${s.integration} has no connection named "${def.connectionName}"`);
  const url = new URL(def.url ? renderText(def.url, params) : `https://${connection!.allowedDomain}${renderText(def.path ?? '/', params)}`);
  for (const q of def.queryParams ?? []) url.searchParams.append(q.key, renderText(q.value, params));
  const headers: Record<string, string> = {};
  for (const h of def.headers ?? []) headers[h.key.toLowerCase()] = renderText(h.value, params);
  const method = def.method.toUpperCase() as HttpMethod;
  const res = await runHttpAction({
    method, url: url.toString(), headers, connection,
    body: def.requestBody !== undefined ? applyParameters(def.requestBody, params) : undefined,
    timeoutMs: Math.min(ACTION_TIMEOUT_MS, call.timeoutMs), log: s.log, signal: s.signal,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  if (!res.ok) {
    const excerpt = res.text.slice(0, BODY_EXCERPT);
    throw new ActionError('States.TaskFailed', `${name}: ${method} ${url.origin}${url.pathname} answered ${res.status}${excerpt ? `: ${excerpt}` : ''}`);
  }
  return res.json !== undefined ? res.json : res.text;
}
