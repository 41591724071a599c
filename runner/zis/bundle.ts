import { COMPARISONS, type FlowDefinition, type State } from './interpreter.ts';
import { RESULT_PATH } from './paths.ts';
import { SUPPORT_EVENT_TYPES } from './events.ts';

/**
 * Bundle validation: a bundle is checked whole and every problem is reported with where it is
 * (a dotted path into the JSON) and why, so a deployment script's author fixes them in one go.
 */

export const TEMPLATE_VERSION = '2019-10-14';
export const BUILTIN_ACTIONS = ['zis:common:action:LoadConfig', 'zis:common:action:PatchConfig', 'zis:common:transform:Jq'] as const;
const STATE_TYPES = ['Action', 'Choice', 'Map', 'Wait', 'Pass', 'Succeed', 'Fail'];
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const KIND_OF_TYPE = { 'ZIS::Flow': 'flow', 'ZIS::Action::Http': 'action', 'ZIS::JobSpec': 'job_spec' } as const;

export type Problem = { path: string; reason: string };
export type HttpActionDefinition = {
  method: string; url?: string; path?: string; connectionName?: string;
  headers?: { key: string; value: string }[]; queryParams?: { key: string; value: string }[]; requestBody?: unknown;
};
export type JobSpecResource = { name: string; event_source: string; event_type: string; flow_name: string };
/** A valid bundle's resources by their full names (`zis:{integration}:flow:{name}`). */
export type BundleIndex = {
  flows: Map<string, FlowDefinition>;
  actions: Map<string, HttpActionDefinition>;
  jobSpecs: Map<string, JobSpecResource>;
};
export type ValidBundle = { name: string; description: string; resources: Record<string, unknown>; index: BundleIndex };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const fullName = (integration: string, kind: 'flow' | 'action' | 'job_spec', name: string) => `zis:${integration}:${kind}:${name}`;

/**
 * Checks a bundle for `integration`. `known` holds the flows and actions of the integration's other
 * bundles, which this bundle may reference. Returns the bundle or every problem found.
 */
export function validateBundle(
  integration: string, body: unknown, known: { flows: Set<string>; actions: Set<string> } = { flows: new Set(), actions: new Set() },
): { ok: true; bundle: ValidBundle } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const problem = (path: string, reason: string) => { problems.push({ path, reason }); };
  if (!isObject(body)) return { ok: false, problems: [{ path: '(root)', reason: 'the bundle must be a JSON object' }] };
  if (typeof body.name !== 'string' || !NAME.test(body.name)) problem('name', 'is required: letters, digits, _ . - (at most 128)');
  if (body.description !== undefined && typeof body.description !== 'string') problem('description', 'must be a string');
  if (body.zis_template_version !== TEMPLATE_VERSION) problem('zis_template_version', `must be "${TEMPLATE_VERSION}"`);
  const index: BundleIndex = { flows: new Map(), actions: new Map(), jobSpecs: new Map() };
  if (!isObject(body.resources) || Object.keys(body.resources).length === 0) {
    problem('resources', 'must be an object holding at least one resource');
    return { ok: false, problems };
  }

  // First pass: names, so that references may point to resources declared later.
  const entries: { key: string; type: keyof typeof KIND_OF_TYPE; props: Json; full: string }[] = [];
  for (const [key, resource] of Object.entries(body.resources)) {
    const at = `resources.${key}`;
    if (!isObject(resource)) { problem(at, 'must be an object with type and properties'); continue; }
    const type = resource.type as string;
    if (!(type in KIND_OF_TYPE)) { problem(`${at}.type`, `must be one of ${Object.keys(KIND_OF_TYPE).join(', ')}`); continue; }
    const props = resource.properties;
    if (!isObject(props)) { problem(`${at}.properties`, 'must be an object'); continue; }
    if (typeof props.name !== 'string' || !NAME.test(props.name)) { problem(`${at}.properties.name`, 'is required: letters, digits, _ . - (at most 128)'); continue; }
    const full = fullName(integration, KIND_OF_TYPE[type as keyof typeof KIND_OF_TYPE], props.name);
    if (entries.some((e) => e.full === full)) { problem(`${at}.properties.name`, `another resource of this bundle is already named ${full}`); continue; }
    entries.push({ key, type: type as keyof typeof KIND_OF_TYPE, props, full });
  }
  const flows = new Set([...known.flows, ...entries.filter((e) => e.type === 'ZIS::Flow').map((e) => e.full)]);
  const actions = new Set<string>([...known.actions, ...BUILTIN_ACTIONS, ...entries.filter((e) => e.type === 'ZIS::Action::Http').map((e) => e.full)]);

  for (const { key, type, props, full } of entries) {
    const at = `resources.${key}.properties`;
    if (type === 'ZIS::Flow') {
      if (checkMachine(props.definition, `${at}.definition`, actions, problem)) index.flows.set(full, props.definition as FlowDefinition);
    } else if (type === 'ZIS::Action::Http') {
      if (checkHttpAction(props.definition, `${at}.definition`, problem)) index.actions.set(full, props.definition as HttpActionDefinition);
    } else {
      const before = problems.length;
      for (const field of ['event_source', 'event_type', 'flow_name'] as const) {
        if (typeof props[field] !== 'string' || props[field] === '') problem(`${at}.${field}`, 'is required');
      }
      if (props.event_source === 'support' && typeof props.event_type === 'string' && !SUPPORT_EVENT_TYPES.includes(props.event_type)) {
        problem(`${at}.event_type`, `is not a support event deskbridge sends; use one of ${SUPPORT_EVENT_TYPES.join(', ')}`);
      }
      if (typeof props.flow_name === 'string' && props.flow_name && !flows.has(props.flow_name)) {
        problem(`${at}.flow_name`, `names no flow of this integration (expected zis:${integration}:flow:{name}, one of: ${[...flows].join(', ') || 'none'})`);
      }
      if (problems.length === before) index.jobSpecs.set(full, { name: full, event_source: String(props.event_source), event_type: String(props.event_type), flow_name: String(props.flow_name) });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, bundle: { name: String(body.name), description: String(body.description ?? ''), resources: body.resources, index } };
}

function checkHttpAction(def: unknown, at: string, problem: (path: string, reason: string) => void): boolean {
  if (!isObject(def)) { problem(at, 'must be an object with method and url (or path and connectionName)'); return false; }
  let ok = true;
  const bad = (path: string, reason: string) => { ok = false; problem(`${at}.${path}`, reason); };
  if (typeof def.method !== 'string' || !HTTP_METHODS.includes(def.method.toUpperCase())) bad('method', `must be one of ${HTTP_METHODS.join(', ')}`);
  if (def.url !== undefined) {
    if (typeof def.url !== 'string' || !/^https?:\/\/[^/\s{}]+/.test(def.url)) bad('url', 'must be an absolute http(s) URL (placeholders allowed after the host)');
    if (def.path !== undefined) bad('path', 'give url or path, not both');
  } else if (def.path !== undefined) {
    if (typeof def.path !== 'string' || !def.path.startsWith('/')) bad('path', 'must start with /');
    if (typeof def.connectionName !== 'string') bad('connectionName', 'is required with path: the connection whose allowed domain the path is called on');
  } else {
    bad('url', 'is required (or path with connectionName)');
  }
  if (def.connectionName !== undefined && (typeof def.connectionName !== 'string' || !NAME.test(def.connectionName))) bad('connectionName', 'must be a connection name');
  for (const list of ['headers', 'queryParams'] as const) {
    const v = def[list];
    if (v === undefined) continue;
    if (!Array.isArray(v)) { bad(list, 'must be an array of {"key", "value"}'); continue; }
    v.forEach((h, i) => { if (!isObject(h) || typeof h.key !== 'string' || typeof h.value !== 'string') bad(`${list}.${i}`, 'must be {"key": string, "value": string}'); });
  }
  return ok;
}

type Report = (path: string, reason: string) => void;
/** Checks that a value names a state of the machine. */
type Target = (path: string, value: unknown) => void;

/** A state machine (a flow's definition or a Map's Iterator). */
function checkMachine(def: unknown, at: string, actions: Set<string>, problem: Report): boolean {
  let ok = true;
  const bad: Report = (path, reason) => { ok = false; problem(path, reason); };
  if (!isObject(def)) { bad(at, 'must be an object with StartAt and States'); return false; }
  if (!isObject(def.States) || Object.keys(def.States).length === 0) { bad(`${at}.States`, 'must be an object holding at least one state'); return false; }
  const states = def.States as Record<string, unknown>;
  const names = new Set(Object.keys(states));
  if (typeof def.StartAt !== 'string' || !names.has(def.StartAt)) bad(`${at}.StartAt`, `must name one of the States (${[...names].join(', ')})`);
  const target = (path: string, value: unknown) => {
    if (typeof value !== 'string' || !names.has(value)) bad(path, `must name one of the States (${[...names].join(', ')})`);
  };
  for (const [name, raw] of Object.entries(states)) {
    const sat = `${at}.States.${name}`;
    if (!isObject(raw)) { bad(sat, 'must be an object'); continue; }
    const state = raw as State;
    if (!STATE_TYPES.includes(state.Type)) { bad(`${sat}.Type`, `must be one of ${STATE_TYPES.join(', ')}`); continue; }
    if (['Action', 'Pass', 'Wait', 'Map'].includes(state.Type)) {
      if (state.End === true) { if (state.Next !== undefined) bad(`${sat}.Next`, 'a state with End: true has no Next'); } else target(`${sat}.Next`, state.Next);
    }
    if (state.ResultPath !== undefined && state.ResultPath !== null && (typeof state.ResultPath !== 'string' || !RESULT_PATH.test(state.ResultPath))) {
      bad(`${sat}.ResultPath`, 'must be $, a path like $.result or $.a.b, or null');
    }
    if (state.Parameters !== undefined && !isObject(state.Parameters)) bad(`${sat}.Parameters`, 'must be an object');
    if (state.Type === 'Action') {
      if (typeof state.ActionName !== 'string' || !actions.has(state.ActionName)) {
        bad(`${sat}.ActionName`, `names no action of this integration nor a built-in (${BUILTIN_ACTIONS.join(', ')})`);
      }
    }
    if (state.Type === 'Action' || state.Type === 'Map') checkErrorHandlers(state, sat, target, bad);
    if (state.Type === 'Choice') checkChoice(state, sat, target, bad);
    if (state.Type === 'Map') {
      if (state.ItemsPath !== undefined && (typeof state.ItemsPath !== 'string' || !state.ItemsPath.startsWith('$'))) bad(`${sat}.ItemsPath`, 'must be a JSONPath starting with $');
      if (!checkMachine(state.Iterator ?? state.ItemProcessor, `${sat}.Iterator`, actions, problem)) ok = false;
    }
    if (state.Type === 'Wait') {
      const given = ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'].filter((k) => state[k] !== undefined);
      if (given.length !== 1) bad(sat, 'a Wait state needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath');
      if (state.Seconds !== undefined && (typeof state.Seconds !== 'number' || state.Seconds < 0)) bad(`${sat}.Seconds`, 'must be a number of seconds ≥ 0');
    }
    if (state.Type === 'Succeed' && state.Message !== undefined && typeof state.Message !== 'string') bad(`${sat}.Message`, 'must be a string');
    if (state.Type === 'Fail') {
      for (const k of ['Error', 'Cause']) if (state[k] !== undefined && typeof state[k] !== 'string') bad(`${sat}.${k}`, 'must be a string');
    }
  }
  return ok;
}

function checkErrorHandlers(state: State, sat: string, target: Target, bad: Report) {
  for (const field of ['Retry', 'Catch'] as const) {
    const list = state[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) { bad(`${sat}.${field}`, 'must be an array'); continue; }
    list.forEach((h: unknown, i) => {
      const hat = `${sat}.${field}.${i}`;
      if (!isObject(h)) { bad(hat, 'must be an object'); return; }
      if (!Array.isArray(h.ErrorEquals) || h.ErrorEquals.length === 0 || !h.ErrorEquals.every((e) => typeof e === 'string')) {
        bad(`${hat}.ErrorEquals`, 'must be a non-empty array of error names, e.g. ["States.ALL"]');
      }
      if (field === 'Catch') {
        target(`${hat}.Next`, h.Next);
        if (h.ResultPath !== undefined && h.ResultPath !== null && (typeof h.ResultPath !== 'string' || !RESULT_PATH.test(h.ResultPath))) bad(`${hat}.ResultPath`, 'must be a path like $.error, or null');
      } else {
        for (const k of ['IntervalSeconds', 'MaxAttempts', 'BackoffRate']) {
          if (h[k] !== undefined && (typeof h[k] !== 'number' || (h[k] as number) < 0)) bad(`${hat}.${k}`, 'must be a number ≥ 0');
        }
      }
    });
  }
}

function checkChoice(state: State, sat: string, target: Target, bad: Report) {
  if (!Array.isArray(state.Choices) || state.Choices.length === 0) { bad(`${sat}.Choices`, 'must be a non-empty array of rules'); return; }
  if (state.Default !== undefined) target(`${sat}.Default`, state.Default);
  const rule = (r: unknown, at: string, top: boolean) => {
    if (!isObject(r)) { bad(at, 'must be an object'); return; }
    if (top) target(`${at}.Next`, r.Next);
    if (r.And !== undefined || r.Or !== undefined) {
      const key = r.And !== undefined ? 'And' : 'Or';
      const list = r[key];
      if (!Array.isArray(list) || list.length === 0) bad(`${at}.${key}`, 'must be a non-empty array of rules');
      else list.forEach((x, i) => rule(x, `${at}.${key}.${i}`, false));
      return;
    }
    if (r.Not !== undefined) { rule(r.Not, `${at}.Not`, false); return; }
    if (typeof r.Variable !== 'string' || !r.Variable.startsWith('$')) bad(`${at}.Variable`, 'must be a JSONPath starting with $');
    const ops = COMPARISONS.filter((op) => op in r);
    if (ops.length !== 1) { bad(at, `needs exactly one comparison of ${COMPARISONS.join(', ')} (or And, Or, Not)`); return; }
    const op = ops[0]!;
    const v = r[op];
    const expected = op === 'StringEquals' ? 'string' : op.startsWith('Numeric') ? 'number' : 'boolean';
    if (typeof v !== expected) bad(`${at}.${op}`, `must be a ${expected}`);
  };
  state.Choices.forEach((r, i) => rule(r, `${sat}.Choices.${i}`, true));
}
