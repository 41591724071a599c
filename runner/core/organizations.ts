import { and, eq, ne, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { groupMemberships, groups, organizations, users, type Group, type Organization } from '../../db/schema/index.ts';
import { changeStamp, lockAccountForChange } from './change-barrier.ts';
import { requireActorRole, type Ctx } from './context.ts';
import { invalid, notFound } from './errors.ts';
import { epochSeconds, iso } from './format.ts';
import { diffSnapshots, organizationSnapshot, publishEvents } from './events.ts';

export type OrganizationInput = {
  name?: string | undefined;
  external_id?: string | null | undefined;
  domain_names?: string[] | undefined;
  tags?: string[] | undefined;
  details?: string | null | undefined;
  notes?: string | null | undefined;
  group_id?: number | null | undefined;
  shared_tickets?: boolean | undefined;
  shared_comments?: boolean | undefined;
};

export async function findOrganization(q: Queryable, accountId: number, id: number, opts: { withDeleted?: boolean } = {}): Promise<Organization> {
  const [o] = await q.select().from(organizations).where(and(
    eq(organizations.accountId, accountId), eq(organizations.id, id),
    opts.withDeleted ? undefined : sql`${organizations.deletedAt} is null`));
  if (!o) throw notFound('Organization');
  return o;
}

async function checkName(q: Queryable, accountId: number, name: string, exceptId?: number) {
  const [dup] = await q.select({ id: organizations.id }).from(organizations).where(and(
    eq(organizations.accountId, accountId), sql`lower(${organizations.name}) = lower(${name})`,
    sql`${organizations.deletedAt} is null`, exceptId ? ne(organizations.id, exceptId) : undefined));
  if (dup) throw invalid('name', `"${name}" has already been taken`);
}

async function checkGroup(q: Queryable, accountId: number, groupId: number | null | undefined) {
  if (groupId == null) return;
  const [g] = await q.select({ id: groups.id }).from(groups).where(and(eq(groups.accountId, accountId), eq(groups.id, groupId), eq(groups.deleted, false)));
  if (!g) throw invalid('group_id', `${groupId} is not a group of this account`);
}

function orgValues(input: OrganizationInput): Partial<typeof organizations.$inferInsert> {
  const v: Partial<typeof organizations.$inferInsert> = {};
  if (input.name !== undefined) v.name = input.name;
  if (input.external_id !== undefined) v.externalId = input.external_id;
  if (input.domain_names !== undefined) v.domainNames = input.domain_names.map((d) => d.toLowerCase());
  if (input.tags !== undefined) v.tags = input.tags;
  if (input.details !== undefined) v.details = input.details;
  if (input.notes !== undefined) v.notes = input.notes;
  if (input.group_id !== undefined) v.groupId = input.group_id;
  if (input.shared_tickets !== undefined) v.sharedTickets = input.shared_tickets;
  if (input.shared_comments !== undefined) v.sharedComments = input.shared_comments;
  return v;
}

export async function createOrganization(q: Queryable, ctx: Ctx, input: OrganizationInput & { name: string }): Promise<Organization> {
  requireActorRole(ctx.actor, 'admin', 'Only admins can create organizations');
  await lockAccountForChange(q, ctx.accountId);
  await checkName(q, ctx.accountId, input.name);
  await checkGroup(q, ctx.accountId, input.group_id);
  const now = ctx.clock.now();
  const [o] = await q.insert(organizations).values({
    accountId: ctx.accountId, name: input.name, ...orgValues(input), createdAt: now, updatedAt: now, generatedAt: changeStamp(),
  }).returning();
  await publishEvents(q, ctx.accountId, [{ type: 'organization.created', payload: { organization: organizationSnapshot(o!), actor_id: ctx.actor.id } }], now);
  return o!;
}

export async function updateOrganization(q: Queryable, ctx: Ctx, id: number, input: OrganizationInput): Promise<Organization> {
  requireActorRole(ctx.actor, 'admin', 'Only admins can change organizations');
  await lockAccountForChange(q, ctx.accountId);
  const current = await findOrganization(q, ctx.accountId, id);
  if (input.name !== undefined) await checkName(q, ctx.accountId, input.name, id);
  await checkGroup(q, ctx.accountId, input.group_id);
  const set = orgValues(input);
  if (Object.keys(set).length === 0) return current;
  const now = ctx.clock.now();
  const [o] = await q.update(organizations).set({ ...set, updatedAt: now, generatedAt: changeStamp() })
    .where(and(eq(organizations.accountId, ctx.accountId), eq(organizations.id, id))).returning();
  const changes = diffSnapshots(organizationSnapshot(current), organizationSnapshot(o!));
  if (changes.length) await publishEvents(q, ctx.accountId, [{ type: 'organization.updated', payload: { organization: organizationSnapshot(o!), actor_id: ctx.actor.id, changes } }], now);
  return o!;
}

/** Soft delete: the row stays (with deleted_at) for exports; its users are detached, as Zendesk does. */
export async function deleteOrganization(q: Queryable, ctx: Ctx, id: number): Promise<void> {
  requireActorRole(ctx.actor, 'admin', 'Only admins can delete organizations');
  await lockAccountForChange(q, ctx.accountId);
  await findOrganization(q, ctx.accountId, id);
  const now = ctx.clock.now();
  const [deleted] = await q.update(organizations).set({ deletedAt: now, updatedAt: now, generatedAt: changeStamp() })
    .where(and(eq(organizations.accountId, ctx.accountId), eq(organizations.id, id))).returning();
  await publishEvents(q, ctx.accountId, [{ type: 'organization.deleted', payload: { organization: organizationSnapshot(deleted!), actor_id: ctx.actor.id } }], now);
  await q.update(users).set({ organizationId: null, updatedAt: now, generatedAt: changeStamp() })
    .where(and(eq(users.accountId, ctx.accountId), eq(users.organizationId, id)));
}

export function organizationShape(o: Organization, base: string, opts: { generated?: boolean } = {}) {
  return {
    id: o.id,
    url: `${base}/api/v2/organizations/${o.id}.json`,
    name: o.name,
    external_id: o.externalId,
    domain_names: o.domainNames,
    details: o.details ?? '',
    notes: o.notes ?? '',
    group_id: o.groupId,
    shared_tickets: o.sharedTickets,
    shared_comments: o.sharedComments,
    tags: o.tags,
    created_at: iso(o.createdAt),
    updated_at: iso(o.updatedAt),
    deleted_at: iso(o.deletedAt),
    ...(opts.generated ? { generated_timestamp: epochSeconds(o.generatedAt) } : {}),
  };
}

export type GroupInput = { name?: string | undefined; description?: string | undefined; default?: boolean | undefined };

export async function findGroup(q: Queryable, accountId: number, id: number): Promise<Group> {
  const [g] = await q.select().from(groups).where(and(eq(groups.accountId, accountId), eq(groups.id, id)));
  if (!g) throw notFound('Group');
  return g;
}

export async function createGroup(q: Queryable, ctx: Ctx, input: GroupInput & { name: string }): Promise<Group> {
  requireActorRole(ctx.actor, 'admin', 'Only admins can create groups');
  const now = ctx.clock.now();
  const [g] = await q.insert(groups).values({
    accountId: ctx.accountId, name: input.name, description: input.description ?? '', isDefault: input.default ?? false, createdAt: now, updatedAt: now,
  }).returning();
  return g!;
}

export async function updateGroup(q: Queryable, ctx: Ctx, id: number, input: GroupInput): Promise<Group> {
  requireActorRole(ctx.actor, 'admin', 'Only admins can change groups');
  const current = await findGroup(q, ctx.accountId, id);
  const set: Partial<typeof groups.$inferInsert> = {};
  if (input.name !== undefined) set.name = input.name;
  if (input.description !== undefined) set.description = input.description;
  if (input.default !== undefined) set.isDefault = input.default;
  if (Object.keys(set).length === 0) return current;
  const [g] = await q.update(groups).set({ ...set, updatedAt: ctx.clock.now() })
    .where(and(eq(groups.accountId, ctx.accountId), eq(groups.id, id))).returning();
  return g!;
}

export async function addGroupMember(q: Queryable, ctx: Ctx, groupId: number, userId: number): Promise<void> {
  requireActorRole(ctx.actor, 'admin');
  const now = ctx.clock.now();
  await q.insert(groupMemberships).values({ accountId: ctx.accountId, groupId, userId, createdAt: now, updatedAt: now }).onConflictDoNothing();
}

export function groupShape(g: Group, base: string) {
  return {
    id: g.id,
    url: `${base}/api/v2/groups/${g.id}.json`,
    name: g.name,
    description: g.description,
    default: g.isDefault,
    deleted: g.deleted,
    created_at: iso(g.createdAt),
    updated_at: iso(g.updatedAt),
  };
}
