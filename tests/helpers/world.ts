import type { Database } from '../../db/client.ts';
import type { User, UserRole } from '../../db/schema/index.ts';
import { testConfig } from '../../runner/config.ts';
import { createAccount, createApiToken } from '../../runner/core/accounts.ts';
import { manualClock, type ManualClock } from '../../runner/core/clock.ts';
import type { Ctx } from '../../runner/core/context.ts';
import type { SecretBox } from '../../runner/core/crypto.ts';
import { createUser } from '../../runner/core/users.ts';
import { createApp } from '../../runner/http/app.ts';
import type { Engine } from '../../runner/engine/engine.ts';
import { toActor } from '../../runner/http/auth.ts';
import type { AnyConnector } from '../../runner/sdk/index.ts';
import { createTestDatabase } from './db.ts';

export type Persona = { user: User; token: string };
export type TestAccount = { id: number; subdomain: string; owner: Persona; admin: Persona; agent: Persona; endUser: Persona; ctx: (as?: Persona) => Ctx };

/**
 * Two accounts ("acme" and "globex") with an owner, an admin, an agent and an end-user each,
 * every one holding an API token, and the Hono app over a fresh database.
 */
export async function createWorld(opts: {
  clock?: ManualClock; engine?: (database: Database, clock: ManualClock) => Engine;
  /** Connectors the app offers (default: the engine's, else runner/connectors/index.ts's) and the box sealing their credentials. */
  connectors?: AnyConnector[]; secrets?: SecretBox;
} = {}) {
  const database: Database = await createTestDatabase();
  const clock = opts.clock ?? manualClock('2026-03-02T09:00:00Z');
  const config = testConfig();
  const errors: unknown[] = [];
  const engine = opts.engine?.(database, clock);
  const app = createApp({ database, config, clock, engine, connectors: opts.connectors, secrets: opts.secrets, logError: (_m, e) => errors.push(e) });

  async function account(subdomain: string): Promise<TestAccount> {
    const { account: a, owner } = await createAccount(database.db, clock, {
      subdomain, name: `${subdomain} Inc`, timeZone: 'Europe/Paris', owner: { name: 'Olivia Owner', email: `owner@${subdomain}.test`, password: 'owner-password' },
    });
    const ctx = (as: Persona | undefined = undefined): Ctx => ({ accountId: a.id, actor: toActor(as?.user ?? owner), clock });
    const persona = async (user: User): Promise<Persona> => ({ user, token: await createApiToken(database.db, clock, user, 'test') });
    const make = async (role: UserRole, name: string, email: string) =>
      persona(await createUser(database.db, ctx(), { name, email, role, password: `${role}-password` }));
    return {
      id: a.id, subdomain, ctx,
      owner: await persona(owner),
      admin: await make('admin', 'Adam Admin', `admin@${subdomain}.test`),
      agent: await make('agent', 'Alex Agent', `agent@${subdomain}.test`),
      endUser: await make('end-user', 'Erin Enduser', `erin@customer-${subdomain}.test`),
    };
  }

  const acme = await account('acme');
  const globex = await account('globex');

  type Call = { as?: Persona | null; body?: unknown; raw?: string; account?: TestAccount; headers?: Record<string, string> };
  /** Calls the API as a Zendesk client would: basic auth `email/token:TOKEN`, JSON body. */
  async function call(method: string, path: string, opts: Call = {}) {
    const target = opts.account ?? acme;
    const headers: Record<string, string> = { 'x-deskbridge-account': target.subdomain, ...opts.headers };
    const as = opts.as === undefined ? target.owner : opts.as;
    if (as) headers.authorization = `Basic ${Buffer.from(`${as.user.email}/token:${as.token}`).toString('base64')}`;
    let body: string | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await app.request(`http://localhost${path}`, { method, headers, body });
    const text = await res.text();
    let json: any = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = { __text: text }; }
    return { status: res.status, json, headers: res.headers };
  }

  return { database, db: database.db, clock, config, app, engine, acme, globex, call, errors, close: () => database.close() };
}

export type World = Awaited<ReturnType<typeof createWorld>>;
