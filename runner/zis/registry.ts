import { randomUUID } from 'node:crypto';
import { and, asc, eq, like } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { zisBundles, zisConfigs, zisIntegrations, zisJobSpecs, type ZisBundle } from '../../db/schema/index.ts';
import type { Clock } from '../core/clock.ts';
import { AppError, notFound } from '../core/errors.ts';
import { fullName, TEMPLATE_VERSION, validateBundle, type BundleIndex, type HttpActionDefinition, type JobSpecResource } from './bundle.ts';
import type { FlowDefinition } from './interpreter.ts';

/**
 * The ZIS registry of an account: integrations, their bundles, installed job specs and configs.
 * Plain functions over a Queryable, like runner/core; the HTTP routes and the job runner share them.
 */

export const INTEGRATION_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export async function findIntegration(q: Queryable, accountId: number, name: string) {
  const [row] = await q.select().from(zisIntegrations).where(and(eq(zisIntegrations.accountId, accountId), eq(zisIntegrations.name, name)));
  return row ?? null;
}

export async function requireIntegration(q: Queryable, accountId: number, name: string) {
  const row = await findIntegration(q, accountId, name);
  if (!row) throw new AppError(404, 'RecordNotFound', `Integration "${name}" not found: create it first with POST /api/services/zis/registry/${name}`);
  return row;
}

export async function createIntegration(q: Queryable, accountId: number, name: string, description: string, clock: Clock) {
  if (!INTEGRATION_NAME.test(name)) {
    throw new AppError(400, 'InvalidIntegrationName', 'The integration name must be 1–64 lower-case letters, digits, _ or -, starting with a letter or digit');
  }
  const now = clock.now();
  const [row] = await q.insert(zisIntegrations).values({ accountId, name, description, createdAt: now, updatedAt: now }).onConflictDoNothing().returning();
  if (!row) throw new AppError(409, 'IntegrationExists', `The integration "${name}" already exists`);
  return row;
}

export async function listIntegrations(q: Queryable, accountId: number) {
  return q.select().from(zisIntegrations).where(eq(zisIntegrations.accountId, accountId)).orderBy(asc(zisIntegrations.name));
}

export async function listBundles(q: Queryable, accountId: number, integration: string): Promise<ZisBundle[]> {
  return q.select().from(zisBundles).where(and(eq(zisBundles.accountId, accountId), eq(zisBundles.integration, integration))).orderBy(asc(zisBundles.name));
}

/** Every flow, action and job spec of the integration's bundles, by full name. */
export async function loadIndex(q: Queryable, accountId: number, integration: string, except?: string): Promise<BundleIndex> {
  const index: BundleIndex = { flows: new Map(), actions: new Map(), jobSpecs: new Map() };
  for (const bundle of await listBundles(q, accountId, integration)) {
    if (bundle.name === except) continue;
    for (const resource of Object.values(bundle.resources) as { type: string; properties: Record<string, unknown> & { name: string } }[]) {
      const p = resource.properties;
      if (resource.type === 'ZIS::Flow') index.flows.set(fullName(integration, 'flow', p.name), p.definition as FlowDefinition);
      else if (resource.type === 'ZIS::Action::Http') index.actions.set(fullName(integration, 'action', p.name), p.definition as HttpActionDefinition);
      else index.jobSpecs.set(fullName(integration, 'job_spec', p.name), { ...(p as unknown as JobSpecResource), name: fullName(integration, 'job_spec', p.name) });
    }
  }
  return index;
}

/**
 * Validates and stores a bundle (a bundle of the same name is replaced). Installed job specs the
 * bundle declares again take its new event and flow. An invalid bundle is a 400 listing every problem.
 */
export async function uploadBundle(q: Queryable, accountId: number, integration: string, body: unknown, clock: Clock): Promise<ZisBundle> {
  await requireIntegration(q, accountId, integration);
  const name = body && typeof body === 'object' && typeof (body as { name?: unknown }).name === 'string' ? (body as { name: string }).name : undefined;
  const others = await loadIndex(q, accountId, integration, name);
  const checked = validateBundle(integration, body, { flows: new Set(others.flows.keys()), actions: new Set(others.actions.keys()) });
  if (!checked.ok) {
    const details: Record<string, { description: string }[]> = {};
    for (const p of checked.problems) (details[p.path] ??= []).push({ description: p.reason });
    const list = checked.problems.map((p) => `${p.path}: ${p.reason}`).join('; ');
    throw new AppError(400, 'InvalidBundle', `The bundle has ${checked.problems.length} problem${checked.problems.length === 1 ? '' : 's'}: ${list}`, details);
  }
  const { bundle } = checked;
  const now = clock.now();
  const values = { description: bundle.description, templateVersion: TEMPLATE_VERSION, resources: bundle.resources, updatedAt: now };
  const [row] = await q.insert(zisBundles).values({ accountId, integration, uuid: randomUUID(), name: bundle.name, createdAt: now, ...values })
    .onConflictDoUpdate({ target: [zisBundles.accountId, zisBundles.integration, zisBundles.name], set: values }).returning();
  for (const spec of bundle.index.jobSpecs.values()) {
    await q.update(zisJobSpecs).set({ eventSource: spec.event_source, eventType: spec.event_type, flowName: spec.flow_name, updatedAt: now })
      .where(and(eq(zisJobSpecs.accountId, accountId), eq(zisJobSpecs.name, spec.name)));
  }
  return row!;
}

/** `zis:{integration}:job_spec:{name}` → its integration, or a 400 naming the expected form. */
export function parseJobSpecName(name: string | undefined): string {
  const m = /^zis:([a-z0-9][a-z0-9_-]{0,63}):job_spec:[A-Za-z0-9_.-]{1,128}$/.exec(name ?? '');
  if (!m) throw new AppError(400, 'InvalidJobSpecName', 'job_spec_name must be zis:{integration}:job_spec:{name}');
  return m[1]!;
}

export async function installJobSpec(q: Queryable, accountId: number, jobSpecName: string, clock: Clock) {
  const integration = parseJobSpecName(jobSpecName);
  await requireIntegration(q, accountId, integration);
  const spec = (await loadIndex(q, accountId, integration)).jobSpecs.get(jobSpecName);
  if (!spec) throw new AppError(404, 'RecordNotFound', `No bundle of "${integration}" declares the job spec ${jobSpecName}`);
  const now = clock.now();
  const values = { eventSource: spec.event_source, eventType: spec.event_type, flowName: spec.flow_name, updatedAt: now };
  await q.insert(zisJobSpecs).values({ accountId, integration, name: jobSpecName, createdAt: now, ...values })
    .onConflictDoUpdate({ target: [zisJobSpecs.accountId, zisJobSpecs.name], set: values });
}

export async function uninstallJobSpec(q: Queryable, accountId: number, jobSpecName: string) {
  parseJobSpecName(jobSpecName);
  const deleted = await q.delete(zisJobSpecs).where(and(eq(zisJobSpecs.accountId, accountId), eq(zisJobSpecs.name, jobSpecName))).returning({ id: zisJobSpecs.id });
  if (deleted.length === 0) throw new AppError(404, 'RecordNotFound', `The job spec ${jobSpecName} is not installed`);
}

export async function installedJobSpecs(q: Queryable, accountId: number, integration: string) {
  return q.select().from(zisJobSpecs).where(and(eq(zisJobSpecs.accountId, accountId), eq(zisJobSpecs.integration, integration))).orderBy(asc(zisJobSpecs.name));
}

// ---- Config store --------------------------------------------------------------------------------

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON merge patch (RFC 7386): objects merge key by key, null removes a key, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Json = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const configWhere = (accountId: number, integration: string, scope: string) =>
  and(eq(zisConfigs.accountId, accountId), eq(zisConfigs.integration, integration), eq(zisConfigs.scope, scope));

export async function loadConfig(q: Queryable, accountId: number, integration: string, scope: string) {
  const [row] = await q.select().from(zisConfigs).where(configWhere(accountId, integration, scope));
  return row ?? null;
}

/** Configs whose scope matches; `*` is a wildcard (`foo*`). */
export async function findConfigs(q: Queryable, accountId: number, integration: string, scopeFilter: string) {
  const pattern = scopeFilter.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');
  return q.select().from(zisConfigs)
    .where(and(eq(zisConfigs.accountId, accountId), eq(zisConfigs.integration, integration), like(zisConfigs.scope, pattern)))
    .orderBy(asc(zisConfigs.scope));
}

export async function createConfig(q: Queryable, accountId: number, integration: string, scope: string, config: Json, clock: Clock) {
  const now = clock.now();
  const [row] = await q.insert(zisConfigs).values({ accountId, integration, scope, config, createdAt: now, updatedAt: now }).onConflictDoNothing().returning();
  if (!row) throw new AppError(409, 'ConfigExists', `A config with scope "${scope}" already exists; update it with PUT or PATCH /configs/${scope}`);
  return row;
}

/** Replaces (or creates) the scope's config. */
export async function replaceConfig(q: Queryable, accountId: number, integration: string, scope: string, config: Json, clock: Clock) {
  const now = clock.now();
  const [row] = await q.insert(zisConfigs).values({ accountId, integration, scope, config, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: [zisConfigs.accountId, zisConfigs.integration, zisConfigs.scope], set: { config, updatedAt: now } }).returning();
  return row!;
}

/** Merges a patch into the scope's config, under a row lock; `create` makes it when missing (PatchConfig does). */
export async function patchConfig(q: Queryable, accountId: number, integration: string, scope: string, patch: Json, clock: Clock, create = false) {
  const [current] = await q.select().from(zisConfigs).where(configWhere(accountId, integration, scope)).for('update');
  if (!current && !create) throw notFound(`Config with scope "${scope}"`);
  const merged = mergePatch(current?.config ?? {}, patch) as Json;
  return replaceConfig(q, accountId, integration, scope, merged, clock);
}

export async function deleteConfig(q: Queryable, accountId: number, integration: string, scope: string) {
  const deleted = await q.delete(zisConfigs).where(configWhere(accountId, integration, scope)).returning({ id: zisConfigs.id });
  if (deleted.length === 0) throw notFound(`Config with scope "${scope}"`);
}
