import { Hono } from 'hono';
import { AppError } from '../../core/errors.ts';
import type { AppEnv, Deps } from '../types.ts';
import { webhookRequest } from './public-webhooks.ts';

/**
 * Inbound webhooks for connectors: `POST /api/v2/integrations/webhooks/{installation_id}/{name}`.
 * No user signs these requests: the connector's `verify` checks the signature on the raw body.
 * An accepted delivery is a queued job before the 200 goes out, so a crash afterwards loses nothing.
 */
export function webhookRoutes({ engine }: Deps) {
  const app = new Hono<AppEnv>();
  app.post('/:installation/:name', async (c) => {
    if (!engine) throw new AppError(503, 'RunnerUnavailable', 'This process does not run integrations; send webhooks to one that does');
    const installation = Number(c.req.param('installation'));
    const name = c.req.param('name');
    if (!Number.isSafeInteger(installation) || installation <= 0 || !/^[\w.-]{1,100}$/.test(name)) throw new AppError(404, 'RecordNotFound', 'No such webhook endpoint');
    const { id, created } = await engine.acceptWebhook(c.get('account').id, installation, name, await webhookRequest(c));
    return c.json({ accepted: true, job_id: id, duplicate: !created }, 200);
  });
  return app;
}
