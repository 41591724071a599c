import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { CronJob } from 'cron';
import { createDb } from '../db/client.ts';
import { closeSolvedTickets } from './core/auto-close.ts';
import { loadConfig } from './config.ts';
import { systemClock } from './core/clock.ts';
import { createDemoIntegrations, sandboxRoutes, startDemoTraffic } from './demo/integrations/index.ts';
import { seedDemoAccount, seedDemoTickets, type DemoProgress } from './demo/seed-demo.ts';
import { createApp } from './http/app.ts';
import { startRunner } from './engine/runtime.ts';

// config → db → runner (log writer, job workers, log upkeep) → HTTP app → demo data → schedules.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main() {
  const config = loadConfig();
  const say = (msg: string) => { if (config.LOG_LEVEL !== 'silent') console.log(msg); };
  const database = await createDb({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, maxConnections: config.DATABASE_POOL_SIZE });
  const where = config.DATA_DIR.startsWith('memory:') ? 'in memory' : `in ${path.resolve(config.DATA_DIR, 'pglite')}`;
  say(`database: ${database.kind === 'pglite' ? `embedded PGlite ${where}` : 'PostgreSQL (DATABASE_URL)'}; migrations applied`);

  const runner = await startRunner({ database, config, clock: systemClock, say, workers: config.RUN_WORKERS });

  let ready = false;
  let demo: DemoProgress | null = null;
  const app = createApp({
    database, config, clock: systemClock, webRoot: path.join(root, 'dist/web'), engine: runner.engine,
    isReady: () => ready, status: () => (demo ? { demo_tickets: demo } : {}),
  });

  if (config.DEMO) {
    const creds = await seedDemoAccount(database, {
      tickets: config.DEMO_TICKETS, password: config.DEMO_PASSWORD, apiToken: config.DEMO_API_TOKEN, dataDir: config.DATA_DIR,
    });
    if (creds) {
      say('demo account created');
      say(`  sign in at http://localhost:${config.PORT}/login as ${creds.ownerEmail} (owner) or ${creds.agentEmail} (agent)`);
      say(`  password:  ${creds.password}`);
      say(`  API token: ${creds.apiToken}`);
      say(`  try: curl -u ${creds.ownerEmail}/token:${creds.apiToken} http://localhost:${config.PORT}/api/v2/tickets.json`);
      if (!config.DATA_DIR.startsWith('memory:')) say(`  (saved to ${path.join(config.DATA_DIR, 'demo-credentials.json')})`);
    }
  }
  // The demo's third-party stand-ins answer on the same server, so connectors reach them over real HTTP.
  const demos = config.DEMO ? createDemoIntegrations() : [];
  const sandboxes = config.DEMO ? sandboxRoutes(demos) : null;
  const fetchHandler = (req: Request) => (sandboxes && new URL(req.url).pathname.startsWith('/sandbox/') ? sandboxes.fetch(req) : app.fetch(req));
  let traffic: { stop(): void } | null = null;
  const server = serve({ fetch: fetchHandler, port: config.PORT, hostname: config.HOST }, (info) => {
    ready = true;
    say(`deskbridge ready on http://localhost:${info.port}`);
    if (config.DEMO && config.DEMO_TRAFFIC_SECONDS > 0) {
      startDemoTraffic({
        database, clock: systemClock, secrets: runner.engine.secrets, baseUrl: `http://${['0.0.0.0', '::'].includes(config.HOST) ? '127.0.0.1' : config.HOST}:${info.port}`,
        everyMs: config.DEMO_TRAFFIC_SECONDS * 1000, say, list: demos,
      }).then((t) => { traffic = t; }).catch((err) => console.error('demo integrations failed:', err instanceof Error ? err.message : err));
    }
  });
  if (config.DEMO) {
    // Tickets are created after the server answers, in small transactions, so a first start is quick.
    const started = Date.now();
    let lastSaid = 0;
    seedDemoTickets(database, (p) => {
      demo = p;
      if (p.done === p.total || Date.now() - lastSaid > 5000) {
        lastSaid = Date.now();
        say(`demo tickets: ${p.done}/${p.total}${p.done === p.total ? ` (done in ${((Date.now() - started) / 1000).toFixed(0)} s)` : ''}`);
      }
    }).catch((err) => console.error('demo tickets failed:', err));
  }

  // Schedules. Each job is safe to run from several processes at once.
  const autoClose = CronJob.from({
    cronTime: config.AUTO_CLOSE_CRON,
    start: true,
    onTick: async () => {
      const n = await closeSolvedTickets(database, systemClock, config.AUTO_CLOSE_AFTER_HOURS, 500, (id, err) => console.error(`auto-close: ticket #${id} could not be closed:`, err instanceof Error ? err.message : err)).catch((err) => { console.error('auto-close failed:', err); return 0; });
      if (n) say(`auto-close: closed ${n} ticket(s) solved more than ${config.AUTO_CLOSE_AFTER_HOURS} h ago`);
    },
  });

  const stop = async () => {
    traffic?.stop();
    await autoClose.stop();
    server.close();
    await runner.stop();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
