import { and, eq, gt } from 'drizzle-orm';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { sessions, users, type User, type UserRole } from '../../db/schema/index.ts';
import { findAccountBySubdomain, findTokenUser } from '../core/accounts.ts';
import { hasRole, type Actor } from '../core/context.ts';
import { AppError } from '../core/errors.ts';
import { sha256 } from '../core/secrets.ts';
import type { AppEnv, Deps } from './types.ts';

export const SESSION_COOKIE = 'deskbridge_session';

export const toActor = (u: User): Actor => ({ id: u.id, accountId: u.accountId, role: u.role, isOwner: u.isOwner, email: u.email, name: u.name });

/**
 * Picks the account a request is for: `X-Deskbridge-Account` (when allowed), else the Host's
 * subdomain under BASE_DOMAIN, else DEFAULT_ACCOUNT.
 */
export function tenancy({ database, config }: Deps): MiddlewareHandler<AppEnv> {
  return async function tenancyMiddleware(c, next) {
    const header = config.ALLOW_ACCOUNT_HEADER ? c.req.header('x-deskbridge-account') : undefined;
    let subdomain = header?.trim().toLowerCase();
    if (!subdomain && config.BASE_DOMAIN) {
      const host = (c.req.header('host') ?? '').split(':')[0]!.toLowerCase();
      if (host.endsWith(`.${config.BASE_DOMAIN}`)) subdomain = host.slice(0, -config.BASE_DOMAIN.length - 1);
    }
    subdomain ||= config.DEFAULT_ACCOUNT;
    const account = /^[a-z0-9][a-z0-9-]{0,62}$/.test(subdomain) ? await findAccountBySubdomain(database.db, subdomain) : undefined;
    if (!account) throw new AppError(404, 'AccountNotFound', 'No help desk answers at this address');
    c.set('account', account);
    const proto = c.req.header('x-forwarded-proto') ?? new URL(c.req.url).protocol.replace(':', '');
    c.set('base', `${proto}://${c.req.header('host') ?? new URL(c.req.url).host}`);
    await next();
  };
}

const unauthenticated = () => new AppError(401, 'Unauthorized', "Couldn't authenticate you");

/** Resolves the caller from `email/token:TOKEN` basic auth or the session cookie; anonymous stays null. */
export function authenticate({ database, clock }: Deps): MiddlewareHandler<AppEnv> {
  return async function authenticateMiddleware(c, next) {
    const account = c.get('account');
    const header = c.req.header('authorization');
    let user: User | undefined;
    if (header) {
      const [scheme, value] = header.split(' ', 2);
      if (scheme?.toLowerCase() !== 'basic' || !value) throw unauthenticated();
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const login = decoded.slice(0, colon);
      if (colon < 0 || !login.endsWith('/token')) {
        throw new AppError(401, 'Unauthorized', "Couldn't authenticate you: use an API token as email/token:TOKEN");
      }
      user = await findTokenUser(database.db, account.id, login.slice(0, -'/token'.length), decoded.slice(colon + 1));
      if (!user) throw unauthenticated();
    } else {
      const cookie = getCookie(c, SESSION_COOKIE);
      if (cookie) {
        const [row] = await database.db.select({ user: users }).from(sessions)
          .innerJoin(users, eq(users.id, sessions.userId))
          .where(and(eq(sessions.idHash, sha256(cookie)), eq(sessions.accountId, account.id), gt(sessions.expiresAt, clock.now())));
        user = row?.user;
      }
    }
    if (user && (user.suspended || !user.active)) throw new AppError(401, 'Unauthorized', 'This user is suspended');
    c.set('actor', user ? toActor(user) : null);
    await next();
  };
}

export function currentActor(c: Context<AppEnv>): Actor {
  const actor = c.get('actor');
  if (!actor) throw unauthenticated();
  return actor;
}

/** Role gate for a route group: anonymous → 401, too low a role → 403. */
export function requireRole(min: UserRole): MiddlewareHandler<AppEnv> {
  return async function requireRoleMiddleware(c, next) {
    const actor = currentActor(c);
    if (!hasRole(actor, min)) throw new AppError(403, 'Forbidden', `You do not have access to this resource (${min} role needed)`);
    await next();
  };
}
