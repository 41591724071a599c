import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { accounts, apiTokens, users, type Account, type User } from '../../db/schema/index.ts';
import type { Clock } from './clock.ts';
import { AppError, invalid } from './errors.ts';
import { emailDomain } from './format.ts';
import { hashPassword, randomToken, sha256 } from './secrets.ts';
import { changeStamp } from './change-barrier.ts';

export type NewAccount = {
  subdomain: string;
  name: string;
  timeZone?: string;
  owner: { name: string; email: string; password?: string | undefined };
};

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Creates an account with its owner (an admin). Export stays off; its approved domain is the owner's (SPEC E2/E3). */
export async function createAccount(q: Queryable, clock: Clock, input: NewAccount): Promise<{ account: Account; owner: User }> {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(input.subdomain)) throw invalid('subdomain', 'must be lower-case letters, digits and dashes');
  const tz = input.timeZone ?? 'UTC';
  if (!isValidTimeZone(tz)) throw invalid('time_zone', `${tz} is not an IANA time zone`);
  const [dup] = await q.select({ id: accounts.id }).from(accounts).where(eq(accounts.subdomain, input.subdomain));
  if (dup) throw new AppError(409, 'Conflict', `The subdomain ${input.subdomain} is taken`);
  const now = clock.now();
  const email = input.owner.email.toLowerCase();
  const [account] = await q.insert(accounts).values({
    subdomain: input.subdomain, name: input.name, timeZone: tz,
    settings: { export: { enabled: false, approvedDomain: emailDomain(email) } },
    createdAt: now, updatedAt: now,
  }).returning();
  const [owner] = await q.insert(users).values({
    accountId: account!.id, name: input.owner.name, email, role: 'admin', isOwner: true,
    passwordHash: input.owner.password ? await hashPassword(input.owner.password) : null,
    createdAt: now, updatedAt: now, generatedAt: changeStamp(),
  }).returning();
  return { account: account!, owner: owner! };
}

/**
 * Issues an API token for a user (used as `email/token:TOKEN`). Only its SHA-256 is stored;
 * pass `token` to fix its value (scripted set-ups), otherwise a random one is made.
 */
export async function createApiToken(q: Queryable, clock: Clock, user: Pick<User, 'id' | 'accountId'>, description: string, token = randomToken()): Promise<string> {
  const now = clock.now();
  await q.insert(apiTokens).values({ accountId: user.accountId, userId: user.id, description, tokenHash: sha256(token), createdAt: now, updatedAt: now });
  return token;
}

export async function findAccountBySubdomain(q: Queryable, subdomain: string): Promise<Account | undefined> {
  const [a] = await q.select().from(accounts).where(eq(accounts.subdomain, subdomain));
  return a;
}

export async function findTokenUser(q: Queryable, accountId: number, email: string, token: string): Promise<User | undefined> {
  const [row] = await q.select({ user: users, tokenId: apiTokens.id }).from(apiTokens)
    .innerJoin(users, and(eq(users.id, apiTokens.userId), eq(users.accountId, apiTokens.accountId)))
    .where(and(eq(apiTokens.accountId, accountId), eq(apiTokens.tokenHash, sha256(token)), eq(users.email, email.toLowerCase())));
  return row?.user;
}
