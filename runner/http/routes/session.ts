import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { sessions, users } from '../../../db/schema/index.ts';
import { findUserByEmail } from '../../core/users.ts';
import { AppError } from '../../core/errors.ts';
import { randomToken, sha256, verifyPassword } from '../../core/secrets.ts';
import { SESSION_COOKIE } from '../auth.ts';
import { createRateLimiter } from '../rate-limit.ts';
import type { AppEnv, Deps } from '../types.ts';
import { toFieldErrors } from '../validate.ts';

const credentials = z.object({ email: z.email('must be a valid email address').max(254), password: z.string().min(1, 'is required').max(128) });

/**
 * Login form + session cookie (httpOnly, SameSite=Lax); 10 failed tries per email and address per
 * 15 minutes, and 30 per email from all addresses together: X-Forwarded-For is the client's to
 * choose, so a per-address limit alone would let a guesser rotate it.
 */
export function sessionRoutes({ database, config, clock }: Deps) {
  const app = new Hono<AppEnv>();
  const db = database.db;
  const limiter = createRateLimiter({ limit: 10, windowMs: 15 * 60_000, now: () => clock.now().getTime() });
  const perEmail = createRateLimiter({ limit: 30, windowMs: 15 * 60_000, now: () => clock.now().getTime() });

  app.post('/login', async (c) => {
    const type = c.req.header('content-type') ?? '';
    let raw: unknown;
    if (type.includes('application/json')) {
      raw = await c.req.json().catch(() => { throw new AppError(400, 'InvalidJSON', 'The request body is not valid JSON'); });
    } else {
      raw = Object.fromEntries(Object.entries(await c.req.parseBody()).map(([k, v]) => [k, typeof v === 'string' ? v : '']));
    }
    const parsed = credentials.safeParse(raw);
    if (!parsed.success) throw new AppError(422, 'RecordInvalid', 'Enter an email address and a password', toFieldErrors(parsed.error));
    const account = c.get('account');
    const ip = c.req.header('x-forwarded-for')?.split(',')[0]?.trim() ?? 'local';
    const emailKey = `${account.id}:${parsed.data.email.toLowerCase()}`;
    const key = `${emailKey}:${ip}`;
    const wait = Math.max(limiter.hit(key), perEmail.hit(emailKey));
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      throw new AppError(429, 'TooManyRequests', `Too many sign-in attempts. Try again in ${Math.ceil(wait / 60)} minute(s).`);
    }
    const user = await findUserByEmail(db, account.id, parsed.data.email);
    const ok = await verifyPassword(parsed.data.password, user?.passwordHash ?? null);
    if (!user || !ok || user.suspended || !user.active) throw new AppError(401, 'InvalidCredentials', 'Invalid email or password');
    limiter.reset(key);
    perEmail.reset(emailKey);
    const token = randomToken();
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + config.SESSION_TTL_HOURS * 3600_000);
    await db.insert(sessions).values({ idHash: sha256(token), accountId: account.id, userId: user.id, expiresAt, createdAt: now, updatedAt: now });
    await db.update(users).set({ lastLoginAt: now }).where(eq(users.id, user.id));
    setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure: config.COOKIE_SECURE, path: '/', expires: expiresAt });
    return c.json({ user: { id: user.id, name: user.name, email: user.email, role: user.role, account_owner: user.isOwner } });
  });

  app.post('/logout', async (c) => {
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie) await db.delete(sessions).where(eq(sessions.idHash, sha256(cookie)));
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  app.get('/session', (c) => {
    const actor = c.get('actor');
    const account = c.get('account');
    return c.json({
      account: { subdomain: account.subdomain, name: account.name, time_zone: account.timeZone },
      user: actor ? { id: actor.id, name: actor.name, email: actor.email, role: actor.role, account_owner: actor.isOwner } : null,
    });
  });
  return app;
}
