import { and, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import type { Database } from '../../../db/client.ts';
import { apiTokens, connectorInstallations, users } from '../../../db/schema/index.ts';
import { createApiToken, findAccountBySubdomain } from '../../core/accounts.ts';
import type { Clock } from '../../core/clock.ts';
import type { SecretBox } from '../../core/crypto.ts';
import { createInstallation, updateInstallation } from '../../engine/installations.ts';
import { rng } from '../random.ts';
import { botsDemo } from './bots.ts';
import { messagingDemo } from './messaging.ts';
import { salesforceDemo } from './salesforce.ts';
import { shopifyDemo } from './shopify.ts';
import type { DemoContext, DemoIntegration } from './types.ts';
import { zisDemo } from './zis.ts';

/**
 * Every connector demo of this build (see types.ts), fresh instances: a sandbox keeps its state in
 * memory, so the sandboxes served and the demos' setup and traffic must be the same objects.
 */
export function createDemoIntegrations(): DemoIntegration[] {
  return [salesforceDemo(), shopifyDemo(), zisDemo(), messagingDemo(), botsDemo()];
}

/** `/sandbox/{name}/*` → that demo's third-party stand-in, with the prefix removed from the path. */
export function sandboxRoutes(list: readonly DemoIntegration[]) {
  const app = new Hono();
  for (const demo of list) {
    app.all(`/sandbox/${demo.name}/*`, (c) => {
      const url = new URL(c.req.url);
      url.pathname = url.pathname.slice(`/sandbox/${demo.name}`.length) || '/';
      return demo.sandbox(new Request(url, c.req.raw));
    });
  }
  return app;
}

const TOKEN_NAME = 'Demo traffic generator';

/**
 * Points the demo account's connectors at the sandboxes and keeps a little traffic flowing through
 * them: every `everyMs`, one demo's `tick`, in turn. A failing tick is reported and the next one runs.
 */
export async function startDemoTraffic(opts: {
  database: Database; clock: Clock; secrets: SecretBox; baseUrl: string; everyMs: number;
  say: (msg: string) => void; list: readonly DemoIntegration[];
}): Promise<{ stop(): void }> {
  const { list } = opts;
  const { database, clock } = opts;
  const account = await findAccountBySubdomain(database.db, 'demo');
  if (!account || list.length === 0) return { stop() {} };
  const [owner] = await database.db.select().from(users).where(and(eq(users.accountId, account.id), eq(users.isOwner, true)));
  if (!owner) return { stop() {} };
  // A fresh token each start: only its digest is stored, and the previous start's is no longer needed.
  await database.db.delete(apiTokens).where(and(eq(apiTokens.userId, owner.id), eq(apiTokens.description, TOKEN_NAME)));
  const token = await createApiToken(database.db, clock, owner, TOKEN_NAME);
  const authorization = `Basic ${Buffer.from(`${owner.email}/token:${token}`).toString('base64')}`;
  const random = rng(20261123);

  const ctx: DemoContext = {
    baseUrl: opts.baseUrl,
    accountId: account.id,
    database,
    random: () => random.next(),
    api: (path, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', authorization);
      headers.set('x-deskbridge-account', account.subdomain);
      if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
      return fetch(new URL(path, opts.baseUrl), { ...init, headers });
    },
    async install({ connectorId, name, settings, credentials }) {
      const [existing] = await database.db.select().from(connectorInstallations).where(and(
        eq(connectorInstallations.accountId, account.id), eq(connectorInstallations.connectorId, connectorId), eq(connectorInstallations.name, name),
      ));
      if (existing) {
        const row = await updateInstallation(database.db, opts.secrets, existing, { settings, credentials: credentials ?? null }, clock);
        return { id: row.id };
      }
      const row = await createInstallation(database.db, opts.secrets, { accountId: account.id, connectorId, name, settings, credentials }, clock);
      return { id: row.id };
    },
  };

  for (const demo of list) {
    try {
      await demo.setup(ctx);
    } catch (err) {
      console.error(`demo ${demo.name}: setup failed:`, err instanceof Error ? err.message : err);
    }
  }
  opts.say(`demo integrations: ${list.map((d) => d.name).join(', ')} against local sandboxes at ${opts.baseUrl}/sandbox/…`);

  let turn = 0;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    const demo = list[turn++ % list.length]!;
    demo.tick(ctx)
      .catch((err) => console.error(`demo ${demo.name}: traffic failed:`, err instanceof Error ? err.message : err))
      .finally(() => { busy = false; });
  }, opts.everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
