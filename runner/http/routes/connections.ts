import { and, eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { connectorInstallations, type ConnectorInstallation } from '../../../db/schema/index.ts';
import type { SecretBox } from '../../core/crypto.ts';
import { AppError, type FieldErrors } from '../../core/errors.ts';
import { iso } from '../../core/format.ts';
import { describeConnector } from '../../engine/catalog.ts';
import {
  createInstallation, deleteInstallation, findInstallation, lockInstallation, openCredentials, updateInstallation, type InstallationChange,
} from '../../engine/installations.ts';
import type { AnyConnector } from '../../sdk/index.ts';
import { requireRole } from '../auth.ts';
import { paginate } from '../pagination.ts';
import type { AppEnv, Deps } from '../types.ts';
import { idParam, jsonBody, parseQuery } from '../validate.ts';

/** The connectors this app offers (the engine's list) and the box credentials are sealed with. */
export type ConnectionDeps = Deps & { connectors: readonly AnyConnector[]; secrets: () => SecretBox };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const zName = z.string('must be a string').trim().min(1, 'must not be blank').max(255, 'must be at most 255 characters');
const zSettings = z.record(z.string(), z.unknown(), 'must be an object of the connector’s settings');

const createBody = z.object({
  connector_id: z.string('is required: the id of a connector listed at /api/v2/integrations/connectors').min(1, 'must not be blank').max(100),
  /** Defaults to the connector's display name. */
  name: zName.optional(),
  enabled: z.boolean('must be true or false').optional(),
  settings: zSettings.optional(),
  credentials: z.unknown().optional(),
});

// Unknown keys are ignored, so a client may send back what it read (id, has_credentials, …).
const updateBody = z.object({
  connector_id: z.string().optional(),
  name: zName.optional(),
  enabled: z.boolean('must be true or false').optional(),
  settings: zSettings.optional(),
  credentials: z.unknown().optional(),
});

const listQuery = z.object({ connector_id: z.string().max(100, 'must be at most 100 characters').optional() });

const invalid = (details: FieldErrors): AppError => {
  const [field, problems] = Object.entries(details)[0]!;
  return new AppError(422, 'RecordInvalid', `Record validation errors: ${field}: ${problems[0]!.description}`, details);
};

/** A connector's zod issues as details under `settings.<path>` / `credentials.<path>`. Issue messages never quote the input. */
function invalidAt(prefix: string, error: z.ZodError): AppError {
  const details: FieldErrors = {};
  for (const issue of error.issues) (details[[prefix, ...issue.path.map(String)].join('.')] ??= []).push({ description: issue.message, error: issue.code });
  return invalid(details);
}

/**
 * What to store for a value the connector's schema accepted: its parsed output (defaults filled in,
 * unknown keys dropped) when that output is JSON the schema accepts again, else the input as sent,
 * so a schema with transforms still parses what the engine reads back.
 */
async function storable(schema: z.ZodType, input: unknown, output: unknown): Promise<unknown> {
  let json: unknown;
  try { json = JSON.parse(JSON.stringify(output)); } catch { return input; }
  return json !== undefined && (await schema.safeParseAsync(json)).success ? json : input;
}

async function checkSettings(connector: AnyConnector, raw: Json): Promise<Json> {
  const parsed = await connector.settings.safeParseAsync(raw);
  if (!parsed.success) throw invalidAt('settings', parsed.error);
  const value = await storable(connector.settings, raw, parsed.data);
  return isObject(value) ? value : raw;
}

/** Checked credentials to seal, or null for none. A missing value is checked as `{}` so each required field is named. */
async function checkCredentials(connector: AnyConnector, raw: unknown): Promise<unknown> {
  const schema = connector.credentials;
  if (!schema) {
    if (raw === undefined || raw === null) return null;
    throw invalid({ credentials: [{ description: `are not taken by ${connector.displayName}, which declares no credentials` }] });
  }
  if (raw === undefined || raw === null) {
    if ((await schema.safeParseAsync(undefined)).success) return null;
    const empty = await schema.safeParseAsync({});
    throw empty.success ? invalid({ credentials: [{ description: `are required by ${connector.displayName}` }] }) : invalidAt('credentials', empty.error);
  }
  const parsed = await schema.safeParseAsync(raw);
  if (!parsed.success) throw invalidAt('credentials', parsed.error);
  return storable(schema, raw, parsed.data);
}

/**
 * Credentials sent with a PUT are a merge patch over the stored ones (RFC 7396, top level): fields
 * sent replace, a field sent as null is removed, fields not sent are kept — so a form can leave a
 * secret blank to keep it without ever reading it. `credentials: null` removes them all.
 */
function mergeCredentials(box: SecretBox, row: ConnectorInstallation, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  let stored: unknown;
  try { stored = openCredentials(box, row); } catch { stored = undefined; } // unreadable (key changed): start afresh
  const merged: Json = { ...(isObject(stored) ? stored : {}), ...patch };
  for (const [k, v] of Object.entries(merged)) if (v === null) delete merged[k];
  return merged;
}

function installationShape(row: ConnectorInstallation, registry: Map<string, AnyConnector>, base: string) {
  const connector = registry.get(row.connectorId);
  return {
    id: row.id,
    url: `${base}/api/v2/integrations/installations/${row.id}.json`,
    connector_id: row.connectorId,
    /** False when this deployment no longer has the connector: it can be renamed, turned off or deleted. */
    connector_available: Boolean(connector),
    name: row.name,
    enabled: row.enabled,
    settings: row.settings,
    has_credentials: row.credentials !== null,
    /** Where the third party sends each of the connector's webhooks for this connection. */
    webhooks: Object.keys(connector?.webhooks ?? {}).map((name) => ({ name, url: `${base}/api/v2/integrations/webhooks/${row.id}/${encodeURIComponent(name)}` })),
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}

const notInstalled = (connectorId: string) => invalid({
  connector_id: [{ description: `${JSON.stringify(connectorId)} is not a connector of this deployment; GET /api/v2/integrations/connectors lists them` }],
});

/** `GET /api/v2/integrations/connectors[/{id}]` (admins): what can be connected, with its settings as JSON Schema. */
export function connectorRoutes({ connectors }: ConnectionDeps) {
  const app = new Hono<AppEnv>();
  app.use('*', requireRole('admin'));
  app.get('/', (c) => {
    const list = connectors.map(describeConnector);
    return c.json({ connectors: list, count: list.length });
  });
  app.get('/:id', (c) => {
    const connector = connectors.find((k) => k.id === c.req.param('id'));
    if (!connector) throw new AppError(404, 'RecordNotFound', 'Connector not found');
    return c.json({ connector: describeConnector(connector) });
  });
  return app;
}

/**
 * `/api/v2/integrations/installations` (admins): the account's connections to connectors. Settings
 * are checked by the connector's schema; credentials are sealed (SPEC R4) and write-only —
 * responses only say whether there are some.
 */
export function installationRoutes({ database, clock, connectors, secrets }: ConnectionDeps) {
  const app = new Hono<AppEnv>();
  const db = database.db;
  const registry = new Map(connectors.map((k) => [k.id, k]));
  const shape = (c: Context<AppEnv>, row: ConnectorInstallation) => installationShape(row, registry, c.get('base'));
  app.use('*', requireRole('admin'));

  app.get('/', async (c) => {
    const { connector_id } = parseQuery(c, listQuery);
    const accountId = c.get('account').id;
    const where = and(eq(connectorInstallations.accountId, accountId), connector_id === undefined ? undefined : eq(connectorInstallations.connectorId, connector_id));
    return paginate<ConnectorInstallation>(c, db, 'installations', { table: connectorInstallations, id: connectorInstallations.id, where }, (rows) => rows.map((r) => shape(c, r)));
  });

  app.post('/', async (c) => {
    const body = await jsonBody(c, createBody, 'installation');
    const connector = registry.get(body.connector_id);
    if (!connector) throw notInstalled(body.connector_id);
    const settings = await checkSettings(connector, body.settings ?? {});
    const credentials = await checkCredentials(connector, body.credentials);
    const row = await createInstallation(db, secrets(), {
      accountId: c.get('account').id, connectorId: connector.id, name: body.name ?? connector.displayName, enabled: body.enabled,
      settings, credentials: credentials ?? undefined,
    }, clock);
    c.header('Location', `${c.get('base')}/api/v2/integrations/installations/${row.id}.json`);
    return c.json({ installation: shape(c, row) }, 201);
  });

  app.get('/:id', async (c) => c.json({ installation: shape(c, await findInstallation(db, c.get('account').id, idParam(c))) }));

  app.put('/:id', async (c) => {
    const accountId = c.get('account').id;
    const id = idParam(c);
    await findInstallation(db, accountId, id); // another account's connection is a 404 whatever the body
    const body = await jsonBody(c, updateBody, 'installation');
    const row = await db.transaction(async (tx) => {
      const current = await lockInstallation(tx, accountId, id);
      if (body.connector_id !== undefined && body.connector_id !== current.connectorId) {
        throw invalid({ connector_id: [{ description: 'cannot be changed; create a new connection for another connector' }] });
      }
      const connector = registry.get(current.connectorId);
      const change: InstallationChange = { name: body.name, enabled: body.enabled };
      if (body.settings !== undefined || body.credentials !== undefined) {
        if (!connector) throw notInstalled(current.connectorId);
        if (body.settings !== undefined) change.settings = await checkSettings(connector, body.settings);
        if (body.credentials !== undefined) change.credentials = await checkCredentials(connector, mergeCredentials(secrets(), current, body.credentials));
      }
      return updateInstallation(tx, secrets(), current, change, clock);
    });
    return c.json({ installation: shape(c, row) });
  });

  app.delete('/:id', async (c) => {
    await deleteInstallation(db, c.get('account').id, idParam(c));
    return c.body(null, 204);
  });
  return app;
}
