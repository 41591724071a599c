import { and, eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { actionFlows, customActions, tickets, type ActionFlow, type CustomAction } from '../../../db/schema/index.ts';
import { actionShape, deleteAction, findAction, runAction, saveAction } from '../../actions/actions.ts';
import { deleteFlow, findFlow, flowShape, runFlow, saveFlow } from '../../actions/flows.ts';
import { checkInputs, zActionInputs } from '../../actions/inputs.ts';
import { requestFields, zSavedVariables } from '../../bots/request.ts';
import { createRunLog } from '../../bots/run-log.ts';
import { recordInvalid } from '../../bots/steps.ts';
import { AppError } from '../../core/errors.ts';
import {
  deleteConnection, findConnectionInfo, listConnections, saveConnection, type ConnectionInfo, type ConnectionSecret,
} from '../../integrations/connections.ts';
import { iso } from '../../core/format.ts';
import { requireRole } from '../auth.ts';
import type { AppEnv } from '../types.ts';
import { idParam, jsonBody, zId } from '../validate.ts';
import { recordRoutes, zVariables, type RunDeps } from './bots.ts';

const zName = z.string('must be a string').trim().min(1, 'must not be blank').max(255, 'must be at most 255 characters');
const zDescription = z.string('must be a string').max(2000, 'must be at most 2000 characters');

const actionBody = z.object({
  name: zName.optional(), description: zDescription.optional(), ...requestFields,
  inputs: zActionInputs.optional(), outputs: zSavedVariables.optional(),
});
const flowBody = z.object({
  name: zName.optional(), description: zDescription.optional(), inputs: zActionInputs.optional(),
  steps: z.array(z.object({ action_id: zId, inputs: z.record(z.string(), z.json()).optional() }), 'must be a list of {"action_id", "inputs"}')
    .min(1, 'must hold at least one step').max(20, 'may hold at most 20 steps').optional(),
});
/** A test run from the admin, or a run as auto assist makes it (optionally on a ticket, whose log rows it then carries). */
const runBody = z.object({ inputs: zVariables.default({}), ticket_id: zId.optional() });

/** Reads a run request: inputs checked against the declaration (422 naming `inputs.<name>`), the ticket checked to exist. */
async function readRun(c: Context<AppEnv>, deps: RunDeps, declared: CustomAction['inputs']) {
  const body = await jsonBody(c, runBody);
  const inputs = body.inputs as Record<string, unknown>;
  const problems = checkInputs(declared, inputs);
  if (body.ticket_id !== undefined) {
    const [ticket] = await deps.database.db.select({ id: tickets.id }).from(tickets).where(and(eq(tickets.accountId, c.get('account').id), eq(tickets.id, body.ticket_id)));
    if (!ticket) problems.ticket_id = [{ description: `no ticket ${body.ticket_id} in this account` }];
  }
  if (Object.keys(problems).length > 0) throw recordInvalid(problems);
  const accountId = c.get('account').id;
  const run = createRunLog(deps.database, accountId, 'Actions', body.ticket_id ?? null);
  return { inputs, ticketId: body.ticket_id ?? null, run, env: { database: deps.database, secrets: deps.secrets, accountId, run } };
}

/**
 * Custom actions for auto assist (admins): `GET/POST /api/v2/actions`, `GET/PUT/DELETE /api/v2/actions/{id}`,
 * `POST /api/v2/actions/{id}/test` (a test run from the admin) and `POST /api/v2/actions/{id}/run`
 * (a run as auto assist makes it, optionally on a ticket), both with `{"inputs": {…}}`.
 */
export function actionRoutes(deps: RunDeps) {
  const db = deps.database.db;
  const app = recordRoutes<CustomAction, z.infer<typeof actionBody>>(deps, {
    path: 'actions', collection: 'actions', envelope: 'action', table: customActions, body: actionBody, shape: actionShape,
    find: findAction, save: saveAction, remove: deleteAction,
  });
  for (const [path, envelope, test] of [['test', 'test_run', true], ['run', 'run', false]] as const) {
    app.post(`/:id/${path}`, async (c) => {
      const action = await findAction(db, c.get('account').id, idParam(c));
      const { inputs, ticketId, run, env } = await readRun(c, deps, action.inputs);
      const result = await runAction(env, action, inputs, test);
      await run.flush();
      return c.json({
        [envelope]: {
          action_id: action.id, ticket_id: ticketId, status: result.status, inputs, outputs: result.variables, missing_outputs: result.missing,
          response: result.response, error: result.error,
        },
      });
    });
  }
  return app;
}

/**
 * Action flows (admins): `GET/POST /api/v2/action_flows`, `GET/PUT/DELETE /api/v2/action_flows/{id}`,
 * `POST /api/v2/action_flows/{id}/test` and `…/run` with `{"inputs": {…}}`.
 */
export function actionFlowRoutes(deps: RunDeps) {
  const db = deps.database.db;
  const app = recordRoutes<ActionFlow, z.infer<typeof flowBody>>(deps, {
    path: 'action_flows', collection: 'action_flows', envelope: 'action_flow', table: actionFlows, body: flowBody, shape: flowShape,
    find: findFlow, save: saveFlow, remove: deleteFlow,
  });
  for (const [path, envelope, test] of [['test', 'test_run', true], ['run', 'run', false]] as const) {
    app.post(`/:id/${path}`, async (c) => {
      const flow = await findFlow(db, c.get('account').id, idParam(c));
      const { inputs, ticketId, run, env } = await readRun(c, deps, flow.inputs);
      const result = await runFlow(env, db, flow, inputs, test);
      await run.flush();
      return c.json({ [envelope]: { action_flow_id: flow.id, ticket_id: ticketId, ...result } });
    });
  }
  return app;
}

// ---- Account-level HTTP connections ---------------------------------------------------------------

const zSecret = z.string('is required').min(1, 'must not be blank');
const connectionSecret = z.discriminatedUnion('type', [
  z.object({ type: z.literal('api_key'), header_name: z.string('is required'), api_key: zSecret }),
  z.object({ type: z.literal('basic_auth'), username: zSecret, password: zSecret }),
  z.object({ type: z.literal('bearer_token'), token: zSecret }),
  z.object({ type: z.literal('oauth'), access_token: zSecret, refresh_token: zSecret.nullish() }),
], 'type must be one of api_key, basic_auth, bearer_token, oauth');
const createConnection = connectionSecret.and(z.object({ name: z.string('is required'), allowed_domain: z.string('is required') }));
const updateConnection = connectionSecret.and(z.object({ allowed_domain: z.string().optional() }));
type ConnectionBody = z.infer<typeof connectionSecret>;

function secretOf(b: ConnectionBody): ConnectionSecret {
  switch (b.type) {
    case 'api_key': return { type: b.type, secret: { headerName: b.header_name, value: b.api_key } };
    case 'basic_auth': return { type: b.type, secret: { username: b.username, password: b.password } };
    case 'bearer_token': return { type: b.type, secret: { token: b.token } };
    case 'oauth': return { type: b.type, secret: { accessToken: b.access_token, refreshToken: b.refresh_token ?? null } };
  }
}

/** What the API shows of a connection: never its secret. */
const connectionView = (c: ConnectionInfo) => ({
  name: c.name, type: c.type, allowed_domain: c.allowedDomain, header_name: c.headerName, created_at: iso(c.createdAt), updated_at: iso(c.updatedAt),
});

/**
 * The account's own connections, used by bot API call steps and custom actions (admins):
 * `GET/POST /api/v2/integrations/http_connections`, `GET/PUT/DELETE …/{name}`. Secrets are write-only:
 * a PUT sends the type and secret again (allowed_domain may be left out to keep it).
 */
export function httpConnectionRoutes({ database, clock, secrets }: RunDeps) {
  const db = database.db;
  const app = new Hono<AppEnv>();
  app.use('*', requireRole('admin'));
  const existing = async (c: Context<AppEnv>) => {
    const info = await findConnectionInfo(db, c.get('account').id, null, c.req.param('name')!);
    if (!info) throw new AppError(404, 'RecordNotFound', `No connection named "${c.req.param('name')}"`);
    return info;
  };

  app.get('/', async (c) => c.json({ http_connections: (await listConnections(db, c.get('account').id, null)).map(connectionView) }));
  app.post('/', async (c) => {
    const body = await jsonBody(c, createConnection, 'connection');
    if (await findConnectionInfo(db, c.get('account').id, null, body.name.trim())) {
      throw new AppError(409, 'ConnectionExists', `A connection named "${body.name}" already exists; change it with PUT /api/v2/integrations/http_connections/${body.name}`);
    }
    const info = await saveConnection(db, secrets(), { accountId: c.get('account').id, scope: null, name: body.name, allowedDomain: body.allowed_domain, ...secretOf(body) }, clock);
    c.header('Location', `${c.get('base')}/api/v2/integrations/http_connections/${encodeURIComponent(info.name)}.json`);
    return c.json({ connection: connectionView(info) }, 201);
  });
  app.get('/:name', async (c) => c.json({ connection: connectionView(await existing(c)) }));
  app.put('/:name', async (c) => {
    const info = await existing(c);
    const body = await jsonBody(c, updateConnection, 'connection');
    const saved = await saveConnection(db, secrets(), {
      accountId: c.get('account').id, scope: null, name: info.name, allowedDomain: body.allowed_domain ?? info.allowedDomain, ...secretOf(body),
    }, clock);
    return c.json({ connection: connectionView(saved) });
  });
  app.delete('/:name', async (c) => {
    await existing(c);
    await deleteConnection(db, c.get('account').id, null, c.req.param('name')!);
    return c.body(null, 204);
  });
  return app;
}
