import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { serveStatic } from '@hono/node-server/serve-static';
import { connectors as registeredConnectors } from '../connectors/index.ts';
import { createSecretBox, resolveEncryptionKey, type SecretBox } from '../core/crypto.ts';
import { AppError } from '../core/errors.ts';
import type { AnyConnector } from '../sdk/index.ts';
import { authenticate, tenancy } from './auth.ts';
import { errorResponse } from './errors.ts';
import { actionFlowRoutes, actionRoutes, httpConnectionRoutes } from './routes/actions.ts';
import { botStepRoutes } from './routes/bots.ts';
import { connectorRoutes, installationRoutes } from './routes/connections.ts';
import { emailOutboxRoutes, exportRoutes, exportSettingsRoutes } from './routes/exports.ts';
import { incrementalRoutes } from './routes/incremental.ts';
import { logRoutes } from './routes/logs.ts';
import { profileRoutes } from './routes/profiles.ts';
import { publicWebhookRoutes } from './routes/public-webhooks.ts';
import { scheduleRoutes, ticketMetricRoutes } from './routes/metrics.ts';
import { groupRoutes, organizationRoutes, ticketFieldRoutes, userRoutes } from './routes/people.ts';
import { sessionRoutes } from './routes/session.ts';
import { ticketRoutes } from './routes/tickets.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { zisRoutes } from './routes/zis.ts';
import { sidebarRoutes } from './routes/sidebar.ts';
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
  /** The ZAF sidebar app's built folder (`npm run build:sidebar`), served under /zaf/assets/; default the repository's assets/. */
  sidebarRoot?: string;
};

const SIDEBAR_ROOT = fileURLToPath(new URL('../../assets', import.meta.url));

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

  // Ahead of the /api/* middleware, whose authenticate refuses the ZAF JWTs (Bearer) this group accepts;
  // it runs tenancy and its own authentication (routes/sidebar.ts) and answers before that middleware.
  app.route('/api/v2/apps/sidebar', sidebarRoutes({ ...deps, connectors }));

  const limit = bodyLimit({ maxSize: 5 * 1024 * 1024, onError: () => { throw new AppError(413, 'PayloadTooLarge', 'The request body is larger than 5 MB'); } });
  for (const prefix of ['/api/*', '/auth/*']) {
    app.use(prefix, limit, tenancy(deps), authenticate(deps));
  }

  // Third parties post here with their own signatures: the account's tenancy, a body limit, no user auth.
  app.use('/webhooks/*', limit, tenancy(deps));
  app.route('/webhooks', publicWebhookRoutes(deps));

  app.route('/auth', sessionRoutes(deps));
  const api = new Hono<AppEnv>();
  api.route('/tickets', ticketRoutes(deps));
  api.route('/users', profileRoutes(deps));
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
  api.route('/integrations/http_connections', httpConnectionRoutes({ ...deps, secrets }));
  api.route('/bots/steps', botStepRoutes({ ...deps, secrets }));
  api.route('/actions', actionRoutes({ ...deps, secrets }));
  api.route('/action_flows', actionFlowRoutes({ ...deps, secrets }));
  app.route('/api/v2', api);
  // Private integrations at Zendesk's ZIS paths (tenancy and authentication come from the /api/* middleware).
  app.route('/api/services/zis', zisRoutes({ ...deps, secrets }));
  app.all('/api/*', (c) => c.json({ error: 'InvalidEndpoint', description: `Not found: ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));

  // The ticket sidebar app (the ZAF iframe app's assets/), for deskbridge's own agent view to host.
  const sidebarRoot = opts.sidebarRoot ?? SIDEBAR_ROOT;
  if (existsSync(path.join(sidebarRoot, 'iframe.html'))) {
    app.use('/zaf/assets/*', serveStatic({ root: path.relative(process.cwd(), sidebarRoot) || '.', rewriteRequestPath: (p) => p.replace(/^\/zaf\/assets/, '') }));
  }

  if (opts.webRoot && existsSync(path.join(opts.webRoot, 'index.html'))) {
    const root = path.relative(process.cwd(), opts.webRoot) || '.';
    const index = readFileSync(path.join(opts.webRoot, 'index.html'), 'utf8');
    app.use('/assets/*', serveStatic({ root }));
    app.get('/', (c) => c.redirect('/admin'));
    // The single-page app owns these paths; deep links load the same document.
    for (const page of ['/login', '/admin', '/admin/*']) app.get(page, (c) => c.html(index));
    // The agent view (apps/agent/) is its own document, built beside the Admin Center's.
    const agentPage = path.join(opts.webRoot, 'agent', 'index.html');
    if (existsSync(agentPage)) {
      const agent = readFileSync(agentPage, 'utf8');
      for (const page of ['/agent', '/agent/*']) app.get(page, (c) => c.html(agent));
    }
  }
  return app;
}
