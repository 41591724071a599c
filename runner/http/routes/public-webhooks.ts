import { Hono, type Context } from 'hono';
import { AppError } from '../../core/errors.ts';
import type { WebhookRequest } from '../../sdk/index.ts';
import type { AppEnv, Deps } from '../types.ts';

/** Headers that authenticate the sender to us are checked on arrival and not kept with the job. */
const DROPPED_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/** The delivery as a connector's `verify` and `handle` see it: the raw body, lower-case headers. */
export async function webhookRequest(c: Context<AppEnv>): Promise<WebhookRequest> {
  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((v, k) => { if (!DROPPED_HEADERS.has(k)) headers[k] = v; });
  return { headers, body: await c.req.text(), query: c.req.query(), receivedAt: new Date().toISOString() };
}

/**
 * Public webhook addresses a third party is configured with: `POST /webhooks/{connector id}/{key}`,
 * key = the installation id or the connector's `webhookKey` (a shop domain…). No user signs these:
 * the connector's `inbound` webhook verifies the raw body. A refused signature is a 401 plus a
 * warning row; an accepted delivery is a queued job before the 202 goes out, and a redelivery with
 * the same dedupe key answers 202 with `duplicate: true` and the first job's id.
 */
export function publicWebhookRoutes({ engine }: Deps) {
  const app = new Hono<AppEnv>();
  app.post('/:connector/:key', async (c) => {
    if (!engine) throw new AppError(503, 'RunnerUnavailable', 'This process does not run integrations; send webhooks to one that does');
    const connector = c.req.param('connector');
    const key = c.req.param('key');
    if (!/^[a-z][a-z0-9_-]{0,63}$/.test(connector) || !/^[\w.-]{1,255}$/.test(key)) throw new AppError(404, 'RecordNotFound', 'No such webhook endpoint');
    const accountId = c.get('account').id;
    const installationId = await engine.findWebhookInstallation(accountId, connector, key);
    const { id, created, response } = await engine.acceptWebhook(accountId, installationId, 'inbound', await webhookRequest(c));
    if (response) return c.body(response.body, response.status ?? 202, { 'content-type': response.contentType });
    return c.json({ accepted: true, job_id: id, duplicate: !created }, 202);
  });
  return app;
}
