import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { organizations, users, type User, type UserRole } from '../../db/schema/index.ts';
import { changeStamp, lockAccountForChange } from './change-barrier.ts';
import { requireActorRole, type Ctx } from './context.ts';
import { AppError, invalid, notFound } from './errors.ts';
import { epochSeconds, iso } from './format.ts';
import { hashPassword } from './secrets.ts';
import { diffSnapshots, publishEvents, userSnapshot } from './events.ts';

export type UserInput = {
  name?: string | undefined;
  email?: string | undefined;
  role?: UserRole | undefined;
  organization_id?: number | null | undefined;
  external_id?: string | null | undefined;
  phone?: string | null | undefined;
  time_zone?: string | null | undefined;
  locale?: string | undefined;
  tags?: string[] | undefined;
  notes?: string | null | undefined;
  details?: string | null | undefined;
  verified?: boolean | undefined;
  suspended?: boolean | undefined;
  password?: string | undefined;
};

export async function findUser(q: Queryable, accountId: number, id: number): Promise<User> {
  const [u] = await q.select().from(users).where(and(eq(users.accountId, accountId), eq(users.id, id)));
  if (!u) throw notFound('User');
  return u;
}

export async function findUserByEmail(q: Queryable, accountId: number, email: string): Promise<User | undefined> {
  const [u] = await q.select().from(users).where(and(eq(users.accountId, accountId), eq(users.email, email.toLowerCase())));
  return u;
}

async function checkOrganization(q: Queryable, accountId: number, orgId: number | null | undefined) {
  if (orgId == null) return;
  const [o] = await q.select({ id: organizations.id }).from(organizations)
    .where(and(eq(organizations.accountId, accountId), eq(organizations.id, orgId), sql`${organizations.deletedAt} is null`));
  if (!o) throw invalid('organization_id', `${orgId} is not an organization of this account`);
}

/** Agents create end-users; only admins create or promote agents and admins. */
function checkRoleChange(ctx: Ctx, role: UserRole | undefined, target?: User) {
  if (target && target.role !== 'end-user') requireActorRole(ctx.actor, 'admin', 'Only admins can change agents and admins');
  if (role && role !== 'end-user') requireActorRole(ctx.actor, 'admin', 'Only admins can create agents and admins');
  requireActorRole(ctx.actor, 'agent');
}

export async function createUser(q: Queryable, ctx: Ctx, input: UserInput & { name: string; email: string }): Promise<User> {
  checkRoleChange(ctx, input.role);
  await lockAccountForChange(q, ctx.accountId);
  const email = input.email.toLowerCase();
  if (await findUserByEmail(q, ctx.accountId, email)) throw invalid('email', `${email} is already being used by another user`);
  await checkOrganization(q, ctx.accountId, input.organization_id);
  const now = ctx.clock.now();
  const [u] = await q.insert(users).values({
    accountId: ctx.accountId,
    name: input.name,
    email,
    role: input.role ?? 'end-user',
    organizationId: input.organization_id ?? null,
    externalId: input.external_id ?? null,
    phone: input.phone ?? null,
    timeZone: input.time_zone ?? null,
    locale: input.locale ?? 'en-US',
    tags: input.tags ?? [],
    notes: input.notes ?? null,
    details: input.details ?? null,
    verified: input.verified ?? true,
    suspended: input.suspended ?? false,
    passwordHash: input.password ? await hashPassword(input.password) : null,
    createdAt: now,
    updatedAt: now,
    generatedAt: changeStamp(),
  }).returning();
  await publishEvents(q, ctx.accountId, [{ type: 'user.created', payload: { user: userSnapshot(u!), actor_id: ctx.actor.id } }], now);
  return u!;
}

export async function updateUser(q: Queryable, ctx: Ctx, id: number, input: UserInput): Promise<User> {
  await lockAccountForChange(q, ctx.accountId);
  const current = await findUser(q, ctx.accountId, id);
  const self = current.id === ctx.actor.id;
  if (!self || input.role !== undefined) checkRoleChange(ctx, input.role, current);
  if (current.isOwner && input.role && input.role !== 'admin') throw new AppError(422, 'RecordInvalid', 'The account owner must stay an admin', { role: [{ description: 'The account owner must stay an admin' }] });
  if (input.email !== undefined) {
    const other = await findUserByEmail(q, ctx.accountId, input.email);
    if (other && other.id !== id) throw invalid('email', `${input.email.toLowerCase()} is already being used by another user`);
  }
  await checkOrganization(q, ctx.accountId, input.organization_id);
  const set: Partial<typeof users.$inferInsert> = {};
  if (input.name !== undefined) set.name = input.name;
  if (input.email !== undefined) set.email = input.email.toLowerCase();
  if (input.role !== undefined) set.role = input.role;
  if (input.organization_id !== undefined) set.organizationId = input.organization_id;
  if (input.external_id !== undefined) set.externalId = input.external_id;
  if (input.phone !== undefined) set.phone = input.phone;
  if (input.time_zone !== undefined) set.timeZone = input.time_zone;
  if (input.locale !== undefined) set.locale = input.locale;
  if (input.tags !== undefined) set.tags = input.tags;
  if (input.notes !== undefined) set.notes = input.notes;
  if (input.details !== undefined) set.details = input.details;
  if (input.verified !== undefined) set.verified = input.verified;
  if (input.suspended !== undefined) set.suspended = input.suspended;
  if (input.password !== undefined) set.passwordHash = await hashPassword(input.password);
  if (Object.keys(set).length === 0) return current;
  const now = ctx.clock.now();
  const [u] = await q.update(users)
    .set({ ...set, updatedAt: now, generatedAt: changeStamp() })
    .where(and(eq(users.accountId, ctx.accountId), eq(users.id, id))).returning();
  const changes = diffSnapshots(userSnapshot(current), userSnapshot(u!));
  if (changes.length) await publishEvents(q, ctx.accountId, [{ type: 'user.updated', payload: { user: userSnapshot(u!), actor_id: ctx.actor.id, changes } }], now);
  return u!;
}

/** Zendesk's user object. */
export function userShape(u: User, base: string, opts: { generated?: boolean } = {}) {
  return {
    id: u.id,
    url: `${base}/api/v2/users/${u.id}.json`,
    name: u.name,
    email: u.email,
    created_at: iso(u.createdAt),
    updated_at: iso(u.updatedAt),
    time_zone: u.timeZone,
    iana_time_zone: u.timeZone,
    phone: u.phone,
    locale: u.locale,
    organization_id: u.organizationId,
    role: u.role,
    verified: u.verified,
    external_id: u.externalId,
    tags: u.tags,
    details: u.details ?? '',
    notes: u.notes ?? '',
    active: u.active,
    suspended: u.suspended,
    default_group_id: u.defaultGroupId,
    last_login_at: iso(u.lastLoginAt),
    account_owner: u.isOwner,
    ...(opts.generated ? { generated_timestamp: epochSeconds(u.generatedAt) } : {}),
  };
}
