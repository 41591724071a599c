import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { zisInboundWebhooks, zisJobSpecs, type ZisBundle } from '../../../db/schema/index.ts';
import type { SecretBox } from '../../core/crypto.ts';
import { AppError } from '../../core/errors.ts';
import { iso } from '../../core/format.ts';
import { sha256 } from '../../core/secrets.ts';
import { enqueue } from '../../engine/queue.ts';
import {
  deleteConnection, findConnectionInfo, listConnections, saveConnection, type ConnectionInfo, type ConnectionSecret,
} from '../../integrations/connections.ts';
import { ZIS_TASK, type ZisJobPayload } from '../../zis/runner.ts';
import {
  createConfig, createIntegration, deleteConfig, findConfigs, installedJobSpecs, installJobSpec, listBundles, listIntegrations,
  loadIndex, patchConfig, replaceConfig, requireIntegration, uninstallJobSpec, uploadBundle,
} from '../../zis/registry.ts';
import { requireRole } from '../auth.ts';
import type { AppEnv, Deps } from '../types.ts';
import { jsonBody } from '../validate.ts';

/**
 * Zendesk Integration Services' APIs at Zendesk's paths under `/api/services/zis` (SPEC R9), so a
 * deployment script works against deskbridge by changing only the host: the registry
 * (integrations, bundles, job specs), connections, configs and inbound webhooks. Admins only,
 * except the ingest address of an inbound webhook, whose unguessable token is its credential.
 */
export type ZisDeps = Deps & { secrets: () => SecretBox };

const CONNECTION_TYPES = ['api_key', 'basic_auth', 'bearer_token', 'oauth'] as const;
type ApiConnectionType = (typeof CONNECTION_TYPES)[number];

const zSecret = z.string('is required').min(1, 'must not be blank');
/** The bodies of Zendesk's create endpoints per type (oauth: a token obtained elsewhere — see the README). */
const connectionBodies = {
  api_key: z.object({ api_key: zSecret, header_name: z.string('is required').min(1, 'must not be blank') }),
  basic_auth: z.object({ username: zSecret, password: zSecret }),
  bearer_token: z.object({ token: zSecret }),
  oauth: z.object({ access_token: zSecret, refresh_token: z.string().min(1).nullish() }),
} as const;

function toSecret(type: ApiConnectionType, body: Record<string, unknown>): ConnectionSecret {
  const b = body as Record<string, string>;
  switch (type) {
    case 'api_key': return { type, secret: { headerName: b.header_name!, value: b.api_key! } };
    case 'basic_auth': return { type, secret: { username: b.username!, password: b.password! } };
    case 'bearer_token': return { type, secret: { token: b.token! } };
    case 'oauth': return { type, secret: { accessToken: b.access_token!, refreshToken: b.refresh_token ?? null } };
  }
}

const connectionShape = (c: ConnectionInfo) => ({
  name: c.name, allowed_domain: c.allowedDomain, ...(c.type === 'api_key' ? { header_name: c.headerName } : {}),
  created_at: iso(c.createdAt), updated_at: iso(c.updatedAt),
});

const bundleShape = (b: ZisBundle) => ({
  uuid: b.uuid, name: b.name, description: b.description, integration: b.integration, zendesk_account_id: b.accountId,
  zis_template_version: b.templateVersion, resources: b.resources, created_at: iso(b.createdAt), updated_at: iso(b.updatedAt),
});

type ConfigRow = { id: number; accountId: number; integration: string; scope: string; config: unknown; createdAt: Date; updatedAt: Date };
const configShape = (r: ConfigRow) => ({
  id: r.id, zendesk_account_id: r.accountId, integration: r.integration, scope: r.scope, config: r.config,
  created_at: iso(r.createdAt), updated_at: iso(r.updatedAt),
});

const zScope = z.string('is required').min(1, 'must not be blank').max(255, 'must be at most 255 characters');
const zConfig = z.record(z.string(), z.unknown(), 'must be a JSON object');

function connectionType(c: Context): ApiConnectionType {
  const type = c.req.param('type') as ApiConnectionType;
  if (!CONNECTION_TYPES.includes(type)) throw new AppError(404, 'InvalidEndpoint', `Unknown connection type "${type}": use ${CONNECTION_TYPES.join(', ')}`);
  return type;
}

/** The raw JSON object of a request (bundles are validated whole by the registry, not by a schema). */
async function jsonObject(c: Context): Promise<Record<string, unknown>> {
  if (!(c.req.header('content-type') ?? '').includes('application/json')) {
    throw new AppError(415, 'UnsupportedMediaType', 'Send the body as JSON with Content-Type: application/json');
  }
  try {
    const value = JSON.parse(await c.req.text()) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch { /* answered below */ }
  throw new AppError(400, 'InvalidJSON', 'The request body must be a JSON object');
}

export function zisRoutes(deps: ZisDeps) {
  const { database, clock } = deps;
  const db = database.db;
  const app = new Hono<AppEnv>();
  const admin = requireRole('admin');
  const account = (c: Context<AppEnv>) => c.get('account').id;

  // ---- Inbound webhooks: ingest first, it is the one path without a signed-in admin ----------------
  app.post('/inbound_webhooks/generic/ingest/:token', async (c) => {
    const [hook] = await db.select().from(zisInboundWebhooks)
      .where(and(eq(zisInboundWebhooks.accountId, account(c)), eq(zisInboundWebhooks.tokenHash, sha256(c.req.param('token')))));
    if (!hook) throw new AppError(404, 'RecordNotFound', 'No inbound webhook answers at this address');
    const text = await c.req.text();
    let input: unknown;
    try { input = text ? JSON.parse(text) : {}; } catch { throw new AppError(400, 'InvalidJSON', 'The webhook body must be JSON'); }
    const specs = await db.select().from(zisJobSpecs).where(and(
      eq(zisJobSpecs.accountId, hook.accountId), eq(zisJobSpecs.integration, hook.integration),
      eq(zisJobSpecs.eventSource, hook.sourceSystem), eq(zisJobSpecs.eventType, hook.eventType),
    ));
    const delivery = c.req.header('x-delivery-id') ?? c.req.header('idempotency-key');
    const ids: number[] = [];
    for (const s of specs) {
      const payload: ZisJobPayload = { integration: s.integration, job_spec: s.name, flow_name: s.flowName, event_type: hook.eventType, input };
      const { id } = await enqueue(db, {
        accountId: hook.accountId, kind: ZIS_TASK, name: s.name, payload, maxAttempts: 3,
        idempotencyKey: delivery ? `zis-webhook:${hook.uuid}:${s.id}:${delivery.slice(0, 200)}` : null,
      }, clock);
      ids.push(id);
    }
    deps.engine?.poke();
    return c.json({ accepted: true, job_ids: ids }, 200);
  });

  app.use('*', admin);

  app.post('/inbound_webhooks/generic/:integration', async (c) => {
    const integration = (await requireIntegration(db, account(c), c.req.param('integration'))).name;
    const body = await jsonBody(c, z.object({
      source_system: z.string('is required').regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be letters, digits, _ . -'),
      event_type: z.string('is required').regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be letters, digits, _ . -'),
    }));
    const token = randomBytes(24).toString('base64url');
    const now = clock.now();
    const [row] = await db.insert(zisInboundWebhooks).values({
      accountId: account(c), integration, uuid: randomUUID(), sourceSystem: body.source_system, eventType: body.event_type,
      tokenHash: sha256(token), createdAt: now, updatedAt: now,
    }).returning();
    const path = `/api/services/zis/inbound_webhooks/generic/ingest/${token}`;
    return c.json({
      data: { uuid: row!.uuid, integration, source_system: row!.sourceSystem, event_type: row!.eventType, path, url: `${c.get('base')}${path}` },
    }, 201);
  });

  // ---- Registry ----------------------------------------------------------------------------------
  app.get('/registry/integrations', async (c) => {
    const rows = await listIntegrations(db, account(c));
    return c.json({ integrations: rows.map((r) => ({ name: r.name, description: r.description, created_at: iso(r.createdAt), updated_at: iso(r.updatedAt) })) });
  });

  app.post('/registry/job_specs/install', async (c) => {
    await installJobSpec(db, account(c), c.req.query('job_spec_name') ?? '', clock);
    return c.body(null, 204);
  });
  app.delete('/registry/job_specs/install', async (c) => {
    await uninstallJobSpec(db, account(c), c.req.query('job_spec_name') ?? '');
    return c.body(null, 204);
  });

  app.post('/registry/:integration', async (c) => {
    const text = await c.req.text();
    let description = '';
    if (text.trim()) {
      let body: unknown;
      try { body = JSON.parse(text); } catch { throw new AppError(400, 'InvalidJSON', 'The request body is not valid JSON'); }
      const d = (body as { description?: unknown } | null)?.description;
      if (d !== undefined && typeof d !== 'string') throw new AppError(422, 'RecordInvalid', 'Record validation errors: description: must be a string', { description: [{ description: 'must be a string' }] });
      description = d ?? '';
    }
    const row = await createIntegration(db, account(c), c.req.param('integration'), description, clock);
    // Zendesk also answers a JWT key and an OAuth client for its own token endpoint; deskbridge takes API tokens instead.
    return c.json({ name: row.name, description: row.description, jwt_public_key: null, zendesk_oauth_client: null }, 201);
  });

  app.post('/registry/:integration/bundles', async (c) => {
    const body = await jsonObject(c);
    const row = await db.transaction((tx) => uploadBundle(tx, account(c), c.req.param('integration'), body, clock));
    return c.json(bundleShape(row), 200);
  });
  app.get('/registry/:integration/bundles', async (c) => {
    await requireIntegration(db, account(c), c.req.param('integration'));
    const rows = await listBundles(db, account(c), c.req.param('integration'));
    return c.json({ bundles: rows.map(bundleShape), meta: { has_more: false, after: null, before: null } });
  });
  app.get('/registry/:integration/bundles/:uuid', async (c) => {
    const rows = await listBundles(db, account(c), c.req.param('integration'));
    const row = rows.find((b) => b.uuid === c.req.param('uuid'));
    if (!row) throw new AppError(404, 'RecordNotFound', 'Bundle not found');
    return c.json(bundleShape(row));
  });
  app.get('/registry/:integration/job_specs', async (c) => {
    const integration = c.req.param('integration');
    await requireIntegration(db, account(c), integration);
    const [index, installed] = await Promise.all([loadIndex(db, account(c), integration), installedJobSpecs(db, account(c), integration)]);
    const names = new Set(installed.map((s) => s.name));
    return c.json({
      job_specs: [...index.jobSpecs.values()].map((s) => ({ ...s, installed: names.has(s.name) })),
      meta: { has_more: false, after: null, before: null },
    });
  });

  // ---- Connections -------------------------------------------------------------------------------
  const integrationOf = async (c: Context<AppEnv>) => (await requireIntegration(db, account(c), c.req.param('integration')!)).name;

  app.get('/integrations/:integration/connections/all', async (c) => {
    const all = await listConnections(db, account(c), await integrationOf(c));
    const byType = Object.fromEntries(CONNECTION_TYPES.map((t) => [t, all.filter((x) => x.type === t).map(connectionShape)]));
    return c.json({ ...byType, meta: { has_more: false, after: null, before: null } });
  });

  app.post('/integrations/:integration/connections/:type', async (c) => {
    const type = connectionType(c);
    const integration = await integrationOf(c);
    const body = await jsonBody(c, connectionBodies[type].extend({ name: z.string('is required'), allowed_domain: z.string('is required') }));
    if (await findConnectionInfo(db, account(c), integration, body.name)) {
      throw new AppError(409, 'ConnectionExists', `A connection named "${body.name}" already exists; change it with PATCH …/connections/${type}/${body.name}`);
    }
    const info = await saveConnection(db, deps.secrets(), { accountId: account(c), scope: integration, name: body.name, allowedDomain: body.allowed_domain, ...toSecret(type, body) }, clock);
    return c.json({ [type]: connectionShape(info) }, 201);
  });

  const existing = async (c: Context<AppEnv>) => {
    const type = connectionType(c);
    const integration = await integrationOf(c);
    const info = await findConnectionInfo(db, account(c), integration, c.req.param('name')!);
    if (!info || info.type !== type) throw new AppError(404, 'RecordNotFound', `No ${type} connection named "${c.req.param('name')}"`);
    return { type, integration, info };
  };

  app.get('/integrations/:integration/connections/:type/:name', async (c) => {
    const { type, info } = await existing(c);
    return c.json({ [type]: connectionShape(info) });
  });
  // Secrets cannot be read back, so an update sends them again; allowed_domain may be left out to keep it.
  app.patch('/integrations/:integration/connections/:type/:name', async (c) => {
    const { type, integration, info } = await existing(c);
    const body = await jsonBody(c, connectionBodies[type].extend({ allowed_domain: z.string().optional() }));
    const saved = await saveConnection(db, deps.secrets(), {
      accountId: account(c), scope: integration, name: info.name, allowedDomain: body.allowed_domain ?? info.allowedDomain, ...toSecret(type, body),
    }, clock);
    return c.json({ [type]: connectionShape(saved) });
  });
  app.delete('/integrations/:integration/connections/:type/:name', async (c) => {
    const { integration, info } = await existing(c);
    await deleteConnection(db, account(c), integration, info.name);
    return c.body(null, 204);
  });

  // ---- Configs -----------------------------------------------------------------------------------
  app.get('/integrations/:integration/configs', async (c) => {
    const rows = await findConfigs(db, account(c), await integrationOf(c), c.req.query('filter[scope]') ?? '*');
    return c.json({ configs: rows.map(configShape) });
  });
  app.post('/integrations/:integration/configs', async (c) => {
    const integration = await integrationOf(c);
    const body = await jsonBody(c, z.object({ scope: zScope, config: zConfig }));
    return c.json({ config: configShape(await createConfig(db, account(c), integration, body.scope, body.config, clock)) }, 201);
  });
  app.put('/integrations/:integration/configs/:scope', async (c) => {
    const integration = await integrationOf(c);
    const body = await jsonBody(c, z.object({ config: zConfig }));
    return c.json({ config: configShape(await replaceConfig(db, account(c), integration, c.req.param('scope'), body.config, clock)) });
  });
  app.patch('/integrations/:integration/configs/:scope', async (c) => {
    const integration = await integrationOf(c);
    const body = await jsonBody(c, z.object({ config: zConfig }));
    const row = await db.transaction((tx) => patchConfig(tx, account(c), integration, c.req.param('scope'), body.config, clock));
    return c.json({ config: configShape(row) });
  });
  app.delete('/integrations/:integration/configs/:scope', async (c) => {
    await deleteConfig(db, account(c), await integrationOf(c), c.req.param('scope'));
    return c.body(null, 204);
  });

  return app;
}
