import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { botSteps, type BotStep } from '../../../db/schema/index.ts';
import { createRunLog } from '../../bots/run-log.ts';
import { requestFields, zSavedVariables } from '../../bots/request.ts';
import { deleteStep, findStep, invokeStep, saveStep, stepShape } from '../../bots/steps.ts';
import type { SecretBox } from '../../core/crypto.ts';
import { requireRole } from '../auth.ts';
import { paginate } from '../pagination.ts';
import type { AppEnv, Deps } from '../types.ts';
import { idParam, jsonBody } from '../validate.ts';

export type RunDeps = Deps & { secrets: () => SecretBox };

const stepBody = z.object({
  name: z.string('must be a string').trim().min(1, 'must not be blank').max(255, 'must be at most 255 characters').optional(),
  ...requestFields,
  save_variables: zSavedVariables.optional(),
});

/** Variables a bot holds when it reaches the step: any JSON values by name. */
export const zVariables = z.record(z.string().max(64, 'names must be at most 64 characters'), z.json(), 'must be an object of variable names to values');
const invokeBody = z.object({ variables: zVariables.default({}) });

/**
 * Bot builder "make an API call" steps (admins): `GET/POST /api/v2/bots/steps`,
 * `GET/PUT/DELETE /api/v2/bots/steps/{id}`, and `POST /api/v2/bots/steps/{id}/invoke` with
 * `{"variables": {…}}`, which runs the step as a bot would and answers the variables it saved.
 */
export function botStepRoutes({ database, clock, secrets }: RunDeps) {
  const app = new Hono<AppEnv>();
  const db = database.db;
  app.use('*', requireRole('admin'));

  app.get('/', (c) => paginate<BotStep>(c, db, 'steps', { table: botSteps, id: botSteps.id, where: eq(botSteps.accountId, c.get('account').id) }, (rows) => rows.map(stepShape)));

  app.post('/', async (c) => {
    const body = await jsonBody(c, stepBody, 'step');
    const row = await saveStep(db, c.get('account').id, body, clock);
    c.header('Location', `${c.get('base')}/api/v2/bots/steps/${row.id}.json`);
    return c.json({ step: stepShape(row) }, 201);
  });

  app.get('/:id', async (c) => c.json({ step: stepShape(await findStep(db, c.get('account').id, idParam(c))) }));

  app.put('/:id', async (c) => {
    const accountId = c.get('account').id;
    const current = await findStep(db, accountId, idParam(c));
    const body = await jsonBody(c, stepBody, 'step');
    return c.json({ step: stepShape(await saveStep(db, accountId, body, clock, current)) });
  });

  app.delete('/:id', async (c) => {
    await deleteStep(db, c.get('account').id, idParam(c));
    return c.body(null, 204);
  });

  app.post('/:id/invoke', async (c) => {
    const accountId = c.get('account').id;
    const step = await findStep(db, accountId, idParam(c));
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
