import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { serveStatic } from '@hono/node-server/serve-static';
import { connectors as registeredConnectors } from '../connectors/index.ts';
import { createSecretBox, resolveEncryptionKey, type SecretBox } from '../core/crypto.ts';
import { AppError } from '../core/errors.ts';
import type { AnyConnector } from '../sdk/index.ts';
import { authenticate, tenancy } from './auth.ts';
import { errorResponse } from './errors.ts';
import { connectorRoutes, installationRoutes } from './routes/connections.ts';
import { emailOutboxRoutes, exportRoutes, exportSettingsRoutes } from './routes/exports.ts';
import { incrementalRoutes } from './routes/incremental.ts';
import { logRoutes } from './routes/logs.ts';
import { scheduleRoutes, ticketMetricRoutes } from './routes/metrics.ts';
import { groupRoutes, organizationRoutes, ticketFieldRoutes, userRoutes } from './routes/people.ts';
import { sessionRoutes } from './routes/session.ts';
import { ticketRoutes } from './routes/tickets.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import type { AppEnv, Deps } from './types.ts';

export type AppOptions = Deps & {
  /** Folder of the Vite build served for the browser pages; skipped when absent. */
  webRoot?: string;
  isReady?: () => boolean;
  /** Extra facts for /healthz (e.g. demo data progress). */
  status?: () => Record<string, unknown>;
  logError?: (msg: string, err: unknown) => void;
  /** The connectors admins can connect: the engine's when there is one, else runner/connectors/index.ts's list. */
  connectors?: readonly AnyConnector[];
  /** Seals connector credentials: the engine's box when there is one, else one from ENCRYPTION_KEY / DATA_DIR. */
  secrets?: SecretBox;
};

/**
 * Zendesk's clients add `.json` to every path; routes are declared without it.
 * The rewrite happens before routing so both spellings reach the same handler.
 */
const stripJson = (req: Request) => {
  const url = new URL(req.url);
  return url.pathname.startsWith('/api/') && url.pathname.endsWith('.json') ? url.pathname.slice(0, -5) : url.pathname;
};

export function createApp(opts: AppOptions) {
  const deps: Deps = { database: opts.database, config: opts.config, clock: opts.clock, engine: opts.engine };
  const logError = opts.logError ?? ((msg, err) => console.error(msg, err));
  // The HTTP side must offer what the engine runs and seal with the engine's key, or the engine could not open it.
  const connectors = opts.connectors ?? (opts.engine ? [...opts.engine.connectors.values()] : registeredConnectors);
  let box = opts.secrets ?? opts.engine?.secrets;
  const secrets = () => (box ??= createSecretBox(resolveEncryptionKey({
    key: opts.config.ENCRYPTION_KEY, dataDir: opts.config.DATA_DIR, production: opts.config.NODE_ENV === 'production',
  })));
  const app = new Hono<AppEnv>({ getPath: stripJson });

  app.onError((err, c) => errorResponse(err, c, logError));
  app.notFound((c) => c.json({ error: 'InvalidEndpoint', description: `Not found: ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));

  app.get('/healthz', (c) => {
    const ready = opts.isReady ? opts.isReady() : true;
    return c.json({ status: ready ? 'ok' : 'starting', database: opts.database.kind, ...opts.status?.() }, ready ? 200 : 503);
  });

  const limit = bodyLimit({ maxSize: 5 * 1024 * 1024, onError: () => { throw new AppError(413, 'PayloadTooLarge', 'The request body is larger than 5 MB'); } });
  for (const prefix of ['/api/*', '/auth/*']) {
    app.use(prefix, limit, tenancy(deps), authenticate(deps));
  }

  app.route('/auth', sessionRoutes(deps));
  const api = new Hono<AppEnv>();
  api.route('/tickets', ticketRoutes(deps));
  api.route('/users', userRoutes(deps));
  api.route('/organizations', organizationRoutes(deps));
  api.route('/groups', groupRoutes(deps));
  api.route('/ticket_fields', ticketFieldRoutes(deps));
  api.route('/incremental', incrementalRoutes(deps));
  api.route('/ticket_metrics', ticketMetricRoutes(deps));
  api.route('/business_hours/schedules', scheduleRoutes(deps));
  api.route('/integrations/logs', logRoutes(deps));
  api.route('/integrations/webhooks', webhookRoutes(deps));
  api.route('/integrations/connectors', connectorRoutes({ ...deps, connectors, secrets }));
  api.route('/integrations/installations', installationRoutes({ ...deps, connectors, secrets }));
  api.route('/account/export_settings', exportSettingsRoutes(deps));
  api.route('/exports', exportRoutes(deps));
  api.route('/email_outbox', emailOutboxRoutes(deps));
  app.route('/api/v2', api);
  app.all('/api/*', (c) => c.json({ error: 'InvalidEndpoint', description: `Not found: ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));

  if (opts.webRoot && existsSync(path.join(opts.webRoot, 'index.html'))) {
    const root = path.relative(process.cwd(), opts.webRoot) || '.';
    const index = readFileSync(path.join(opts.webRoot, 'index.html'), 'utf8');
    app.use('/assets/*', serveStatic({ root }));
    app.get('/', (c) => c.redirect('/admin'));
    // The single-page app owns these paths; deep links load the same document.
    for (const page of ['/login', '/admin', '/admin/*']) app.get(page, (c) => c.html(index));
  }
  return app;
}
