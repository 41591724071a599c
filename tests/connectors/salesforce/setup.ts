import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import salesforce from '../../../runner/connectors/salesforce/index.ts';
import { createSecretBox } from '../../../runner/core/crypto.ts';
import { createInstallation, findInstallation, openCredentials } from '../../../runner/engine/installations.ts';
import type { SalesforceSandboxOptions } from '../../../runner/sandboxes/salesforce.ts';
import { closeTestEngines, createTestEngine, logRows } from '../../helpers/runner.ts';
import { createWorld, type World } from '../../helpers/world.ts';
import { salesforceMock, SF_INSTANCE } from '../../mocks/salesforce.ts';

export const CLIENT = { clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret' };

/**
 * One test file's fixture: msw in front of a fresh sandbox org per test, a world (two accounts) whose
 * engine runs only the Salesforce connector, and `install()` for acme's connection.
 */
/** `schedules: false` keeps the engine from queuing polls, for files about other paths that must not race one. */
export function useSalesforce(sandboxOpts: SalesforceSandboxOptions = {}, engineOpts: { schedules?: boolean } = {}) {
  const server = setupServer();
  const box = createSecretBox(randomBytes(32));
  const t = {} as {
    world: World; sf: ReturnType<typeof salesforceMock>; server: typeof server; box: typeof box; installationId: number;
    install(settings?: Record<string, unknown>, credentials?: Record<string, unknown>): Promise<number>;
    /** Replaces the connection's settings through the Connections API, as an admin would. */
    reconfigure(settings: Record<string, unknown>): Promise<void>;
    /** Queues one of the connector's jobs for acme's connection. */
    enqueueJob(name: string, payload?: unknown): Promise<number>;
    drain(): Promise<void>;
    rows(where?: ReturnType<typeof sql>): ReturnType<typeof logRows>;
    /** Rows a human reads: no debug rows, no token rows. */
    outcomes(): Promise<{ status: string; description: string; details: Record<string, unknown> }[]>;
    credentials(): Promise<Record<string, unknown>>;
    /** Runs queued jobs as they come due, moving the clock forward by `ms` first. */
    later(ms: number): Promise<void>;
  };
  t.server = server;
  t.box = box;

  // One world per file (building one is the slow part); each test gets a fresh sandbox org, a new
  // connection (so a fresh store) and an empty queue and log.
  beforeAll(async () => {
    server.listen({ onUnhandledRequest: 'error' });
    t.world = await createWorld({ engine: (database, clock) => createTestEngine(database, clock, { secrets: box, connectors: [salesforce], ...(engineOpts.schedules === false ? { scheduleCheckMs: Number.POSITIVE_INFINITY } : {}) }).engine });
  });
  afterAll(async () => {
    server.close();
    await closeTestEngines();
    await t.world.close();
  });
  beforeEach(async () => {
    t.sf = salesforceMock({ now: () => t.world.clock.now(), ...sandboxOpts });
    server.resetHandlers(...t.sf.handlers);
    for (const table of ['jobs', 'outbox_events', 'integration_logs', 'connector_installations']) await t.world.db.execute(sql.raw(`delete from ${table}`));
  });

  t.install = async (settings = {}, credentials = CLIENT) => {
    const inst = await createInstallation(t.world.db, box, {
      accountId: t.world.acme.id, connectorId: 'salesforce', name: 'Acme Salesforce',
      settings: { instanceUrl: SF_INSTANCE, authFlow: 'client_credentials', ...settings }, credentials,
    }, t.world.clock);
    t.installationId = inst.id;
    return inst.id;
  };
  t.reconfigure = async (settings) => {
    const res = await t.world.call('PUT', `/api/v2/integrations/installations/${t.installationId}`, {
      body: { installation: { settings: { instanceUrl: SF_INSTANCE, authFlow: 'client_credentials', ...settings } } },
    });
    if (res.status !== 200) throw new Error(`settings refused: ${JSON.stringify(res.json)}`);
  };
  t.enqueueJob = async (name, payload = {}) => (await t.world.engine!.enqueue({
    accountId: t.world.acme.id, kind: 'job', name, payload, connectorId: 'salesforce', installationId: t.installationId,
  })).id;
  t.drain = () => t.world.engine!.drain();
  t.rows = (where = sql`true`) => logRows(t.world.database, sql`product = 'Salesforce' and ${where}`);
  t.outcomes = async () => (await t.rows(sql`status <> 'debug' and description not like 'Salesforce access token%'`)).map(({ status, description, details }) => ({ status, description, details }));
  t.credentials = async () => openCredentials(box, await findInstallation(t.world.db, t.world.acme.id, t.installationId)) as Record<string, unknown>;
  t.later = async (ms) => {
    t.world.clock.advance(ms);
    await t.drain();
  };
  return t;
}

/** A ticket through the API as the acme owner; answers the created ticket JSON. */
export async function createTicketViaApi(world: World, ticket: Record<string, unknown>) {
  const res = await world.call('POST', '/api/v2/tickets', {
    body: { ticket: { subject: 'Printer on fire', comment: { body: 'It smokes. Please help.' }, requester: { name: 'Rita Requester', email: 'rita@customer.test' }, ...ticket } },
  });
  if (res.status !== 201) throw new Error(`ticket not created: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.ticket as { id: number; requester_id: number; organization_id: number | null };
}

/** The requests the sandbox received whose method and path match. */
export const requestsTo = (sf: ReturnType<typeof salesforceMock>, method: string, path: RegExp) =>
  sf.state.requests.filter((r) => r.method === method && path.test(r.path));
