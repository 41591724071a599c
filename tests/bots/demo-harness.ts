import { randomBytes } from 'node:crypto';
import { createAccount, createApiToken } from '../../runner/core/accounts.ts';
import { createSecretBox } from '../../runner/core/crypto.ts';
import type { DemoContext, DemoIntegration } from '../../runner/demo/integrations/types.ts';
import { createInstallation } from '../../runner/engine/installations.ts';
import type { AnyConnector } from '../../runner/sdk/index.ts';
import { serveApp } from '../helpers/browser.ts';
import { closeTestEngines, createTestEngine } from '../helpers/runner.ts';
import { createWorld } from '../helpers/world.ts';

/**
 * A demo integration as `npm start` runs it: the app and the demo's sandbox (at `/sandbox/{name}/…`)
 * on one loopback server, a "demo" account, and a DemoContext whose `random()` plays the scripted
 * `rolls` first (0.42 once they run out). Shared by the bots and messaging demo tests.
 */
export async function startDemoHarness(demo: DemoIntegration, connectors: AnyConnector[] = []) {
  const box = createSecretBox(randomBytes(32));
  const world = await createWorld({ secrets: box, engine: (database, clock) => createTestEngine(database, clock, { secrets: box, connectors }).engine });
  const { account, owner } = await createAccount(world.db, world.clock, {
    subdomain: 'demo', name: 'Demo', timeZone: 'Europe/Paris', owner: { name: 'Ada Admin', email: 'admin@demo.test', password: 'demo-password' },
  });
  const auth = `Basic ${Buffer.from(`${owner.email}/token:${await createApiToken(world.db, world.clock, owner, 'demo')}`).toString('base64')}`;
  const prefix = `/sandbox/${demo.name}`;
  const server = await serveApp({
    fetch: (req) => {
      const url = new URL(req.url);
      if (!url.pathname.startsWith(`${prefix}/`)) return world.app.fetch(req);
      url.pathname = url.pathname.slice(prefix.length);
      return demo.sandbox(new Request(url, req));
    },
  });
  const rolls: number[] = [];
  const ctx: DemoContext = {
    baseUrl: server.base, accountId: account.id, database: world.database,
    api: (path, init = {}) => fetch(new URL(path, server.base), {
      ...init, headers: { authorization: auth, 'x-deskbridge-account': 'demo', ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    }),
    install: async (input) => ({ id: (await createInstallation(world.db, box, { accountId: account.id, ...input }, world.clock)).id }),
    random: () => rolls.shift() ?? 0.42,
  };
  return {
    world, ctx, rolls,
    async close() {
      await server.close();
      await closeTestEngines();
      await world.close();
    },
  };
}
