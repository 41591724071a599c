import { eq } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Queryable } from '../../../db/client.ts';
import { botSteps, type BotStep } from '../../../db/schema/index.ts';
import { createRunLog } from '../../bots/run-log.ts';
import { requestFields, zSavedVariables } from '../../bots/request.ts';
import { deleteStep, findStep, invokeStep, saveStep, stepShape } from '../../bots/steps.ts';
import type { Clock } from '../../core/clock.ts';
import type { SecretBox } from '../../core/crypto.ts';
import { requireRole } from '../auth.ts';
import { paginate } from '../pagination.ts';
import type { AppEnv, Deps } from '../types.ts';
import { idParam, jsonBody } from '../validate.ts';

export type RunDeps = Deps & { secrets: () => SecretBox };

/** Variables a bot holds when it reaches the step (or an action's inputs): any JSON values by name. */
export const zVariables = z.record(z.string().max(64, 'names must be at most 64 characters'), z.json(), 'must be an object of variable names to values');

/**
 * The admin CRUD of one kind of named record (bot steps, actions, action flows): list, create
 * (201 with Location), read, change the fields given, delete. Admins only.
 */
export function recordRoutes<R extends { id: number }, B>(deps: RunDeps, opts: {
  /** Under /api/v2, for Location. */ path: string; collection: string; envelope: string;
  table: PgTable & { id: PgColumn; accountId: PgColumn }; body: z.ZodType<B>; shape: (row: R) => unknown;
  find(q: Queryable, accountId: number, id: number): Promise<R>;
  save(q: Queryable, accountId: number, body: B, clock: Clock, current?: R): Promise<R>;
  remove(q: Queryable, accountId: number, id: number): Promise<void>;
}) {
  const db = deps.database.db;
  const { envelope, table } = opts;
  const app = new Hono<AppEnv>();
  app.use('*', requireRole('admin'));
  app.get('/', (c) => paginate<R>(c, db, opts.collection, { table, id: table.id, where: eq(table.accountId, c.get('account').id) }, (rows) => rows.map(opts.shape)));
  app.post('/', async (c) => {
    const row = await opts.save(db, c.get('account').id, await jsonBody(c, opts.body, envelope), deps.clock);
    c.header('Location', `${c.get('base')}/api/v2/${opts.path}/${row.id}.json`);
    return c.json({ [envelope]: opts.shape(row) }, 201);
  });
  app.get('/:id', async (c) => c.json({ [envelope]: opts.shape(await opts.find(db, c.get('account').id, idParam(c))) }));
  app.put('/:id', async (c) => {
    const current = await opts.find(db, c.get('account').id, idParam(c));
    return c.json({ [envelope]: opts.shape(await opts.save(db, c.get('account').id, await jsonBody(c, opts.body, envelope), deps.clock, current)) });
  });
  app.delete('/:id', async (c) => {
    await opts.remove(db, c.get('account').id, idParam(c));
    return c.body(null, 204);
  });
  return app;
}

const stepBody = z.object({
  name: z.string('must be a string').trim().min(1, 'must not be blank').max(255, 'must be at most 255 characters').optional(),
  ...requestFields,
  save_variables: zSavedVariables.optional(),
});
const invokeBody = z.object({ variables: zVariables.default({}) });

/**
 * Bot builder "make an API call" steps (admins): `GET/POST /api/v2/bots/steps`,
 * `GET/PUT/DELETE /api/v2/bots/steps/{id}`, and `POST /api/v2/bots/steps/{id}/invoke` with
 * `{"variables": {…}}`, which runs the step as a bot would and answers the variables it saved.
 */
export function botStepRoutes(deps: RunDeps) {
  const { database, secrets } = deps;
  const app = recordRoutes<BotStep, z.infer<typeof stepBody>>(deps, {
    path: 'bots/steps', collection: 'steps', envelope: 'step', table: botSteps, body: stepBody, shape: stepShape,
    find: findStep, save: saveStep, remove: deleteStep,
  });
  app.post('/:id/invoke', async (c) => {
    const accountId = c.get('account').id;
    const step = await findStep(database.db, accountId, idParam(c));
    const { variables } = await jsonBody(c, invokeBody);
    const run = createRunLog(database, accountId, 'Bot builder');
    const result = await invokeStep({ database, secrets, accountId, run }, step, variables as Record<string, unknown>);
    await run.flush();
    return c.json({
      invocation: {
        step_id: step.id, status: result.status, variables: result.variables, missing_variables: result.missing,
        response: result.response, error: result.error,
      },
    });
  });
  return app;
}
