import { and, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, Queryable } from '../../db/client.ts';
import {
  customerEvents, customerProfiles, organizations, tickets, users,
  type CustomerEventRow, type CustomerProfileRow, type ProfileIdentifier,
} from '../../db/schema/index.ts';
import type { Clock } from '../core/clock.ts';
import type { Actor, Ctx } from '../core/context.ts';
import { AppError } from '../core/errors.ts';
import { organizationSnapshot, ticketSnapshot, userSnapshot } from '../core/events.ts';
import { createOrganization, updateOrganization } from '../core/organizations.ts';
import { createUser, updateUser } from '../core/users.ts';
import {
  PermanentError, type CustomerEvent, type CustomerProfile, type DeskbridgeData, type OrganizationChanges, type UserChanges,
} from '../sdk/index.ts';

/**
 * Who changes records on behalf of a connector: not a person, so no user row. Zendesk writes -1 as
 * the author of system changes; domain events of these changes carry `actor_id: -1` the same way,
 * which lets a connector tell integration changes from people's. The admin role lets it pass
 * runner/core's checks (creating organizations); SDK inputs carry no role, so it cannot promote anyone.
 */
export const INTEGRATION_ACTOR_ID = -1;

export function integrationActor(accountId: number, name: string): Actor {
  return { id: INTEGRATION_ACTOR_ID, accountId, role: 'admin', isOwner: false, email: '', name };
}

export type DataOptions = {
  database: Database; clock: Clock; accountId: number;
  /** Names the actor (e.g. "Shopify integration"). */
  actorName: string;
  /** Called after a change that published domain events (the engine wakes its loop to dispatch them). */
  onChange?: () => void;
};

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);
const userChanges = z.object({
  name: text(255).min(1, 'must not be empty').optional(),
  email: z.email('must be a valid email address').max(254).nullable().optional(),
  phone: text(50).nullable().optional(),
  organization_id: z.number().int().positive().nullable().optional(),
  tags: z.array(text(255)).max(500).optional(),
  external_id: text(255).nullable().optional(),
});
const orgChanges = z.object({
  name: text(255).min(1, 'must not be empty').optional(),
  domain_names: z.array(text(253)).max(100).optional(),
  tags: z.array(text(255)).max(500).optional(),
  external_id: text(255).nullable().optional(),
  notes: text(65_535).nullable().optional(),
});
const identifier = z.object({ type: text(64).min(1), value: text(1024).min(1) });
const profileInput = z.object({
  user_id: z.number().int().positive(), source: text(64).min(1), type: text(64).min(1), name: text(255).nullable().optional(),
  identifiers: z.array(identifier).min(1, 'needs at least one identifier').max(20), attributes: z.record(z.string(), z.unknown()).optional(),
});
const eventInput = z.object({
  user_id: z.number().int().positive(), profile_id: z.string().regex(/^\d{1,15}$/, 'is not a profile id').nullable().optional(),
  source: text(64).min(1), type: text(64).min(1), description: text(1024).min(1),
  properties: z.record(z.string(), z.unknown()).optional(), created_at: z.iso.datetime({ offset: true }).optional(),
});

/** A connector's mistake (bad input, a rule of runner/core) will not fix itself: the job is dead at once. */
function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.join('.') || '(input)'} ${i.message}`).join('; ');
  throw new PermanentError(`Invalid ${what}: ${issues}`, 'InvalidInput');
}

async function permanentOnRefusal<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof AppError && err.status < 500) throw new PermanentError(err.message, err.code);
    throw err;
  }
}

/** Email identifiers match case-insensitively, as user emails do. */
const normalize = (ids: ProfileIdentifier[]) => ids.map((i) => ({ type: i.type, value: i.type === 'email' ? i.value.toLowerCase() : i.value }));
const holdsAny = (ids: ProfileIdentifier[]): SQL =>
  or(...ids.map((i) => sql`${customerProfiles.identifiers} @> ${JSON.stringify([i])}::jsonb`))!;

export function profileShape(p: CustomerProfileRow): CustomerProfile {
  return {
    id: String(p.id), user_id: p.userId, source: p.source, type: p.type, name: p.name, identifiers: p.identifiers,
    attributes: p.attributes, created_at: p.createdAt.toISOString(), updated_at: p.updatedAt.toISOString(),
  };
}

export function eventShape(e: CustomerEventRow): CustomerEvent {
  return {
    id: String(e.id), user_id: e.userId, profile_id: e.profileId === null ? null : String(e.profileId), source: e.source, type: e.type,
    description: e.description, properties: e.properties, created_at: e.createdAt.toISOString(), received_at: e.receivedAt.toISOString(),
  };
}

async function requireUser(q: Queryable, accountId: number, userId: number): Promise<void> {
  const [u] = await q.select({ id: users.id }).from(users).where(and(eq(users.accountId, accountId), eq(users.id, userId)));
  if (!u) throw new PermanentError(`User ${userId} does not exist in this account`, 'UserMissing');
}

/**
 * `ctx.data`: the job's account's records. Writes go through runner/core (same rules, audits and
 * domain events as the API) as the integration actor, one transaction per call.
 */
export function createDeskbridgeData(opts: DataOptions): DeskbridgeData {
  const { database, clock, accountId } = opts;
  const db = database.db;
  const ctx: Ctx = { accountId, actor: integrationActor(accountId, opts.actorName), clock };
  const change = async <T>(run: (tx: Queryable) => Promise<T>): Promise<T> => {
    const out = await permanentOnRefusal(() => db.transaction(run));
    opts.onChange?.();
    return out;
  };

  return {
    users: {
      async get(id) {
        const [u] = await db.select().from(users).where(and(eq(users.accountId, accountId), eq(users.id, id)));
        return u ? userSnapshot(u) : null;
      },
      async find(by) {
        const conds = [
          by.email !== undefined ? sql`${users.email} = lower(${by.email})` : undefined,
          by.name !== undefined ? eq(users.name, by.name) : undefined,
          by.external_id !== undefined ? eq(users.externalId, by.external_id) : undefined,
          by.phone !== undefined ? eq(users.phone, by.phone) : undefined,
        ].filter(Boolean);
        if (conds.length === 0) throw new PermanentError('users.find needs at least one of email, name, external_id, phone', 'InvalidInput');
        const rows = await db.select().from(users).where(and(eq(users.accountId, accountId), ...conds)).orderBy(users.id).limit(100);
        return rows.map(userSnapshot);
      },
      async create(input) {
        const { email, ...rest } = parse(userChanges.extend({ name: userChanges.shape.name.unwrap() }), input, 'user');
        if (!email) throw new PermanentError(`Cannot create user "${rest.name}": deskbridge users need an email address`, 'EmailRequired');
        return userSnapshot(await change((tx) => createUser(tx, ctx, { ...rest, email, role: 'end-user' })));
      },
      async update(id, changes: UserChanges) {
        const { email, ...rest } = parse(userChanges, changes, 'user changes');
        if (email === null) throw new PermanentError(`Cannot remove the email of user ${id}: deskbridge users need one`, 'EmailRequired');
        return userSnapshot(await change((tx) => updateUser(tx, ctx, id, { ...rest, ...(email !== undefined ? { email } : {}) })));
      },
    },
    organizations: {
      async get(id) {
        const [o] = await db.select().from(organizations).where(and(eq(organizations.accountId, accountId), eq(organizations.id, id)));
        return o ? organizationSnapshot(o) : null;
      },
      async find(by) {
        const conds = [
          by.name !== undefined ? sql`lower(${organizations.name}) = lower(${by.name})` : undefined,
          by.external_id !== undefined ? eq(organizations.externalId, by.external_id) : undefined,
        ].filter(Boolean);
        if (conds.length === 0) throw new PermanentError('organizations.find needs a name or an external_id', 'InvalidInput');
        const rows = await db.select().from(organizations)
          .where(and(eq(organizations.accountId, accountId), isNull(organizations.deletedAt), ...conds)).orderBy(organizations.id).limit(100);
        return rows.map(organizationSnapshot);
      },
      async create(input) {
        const body = parse(orgChanges.extend({ name: orgChanges.shape.name.unwrap() }), input, 'organization');
        return organizationSnapshot(await change((tx) => createOrganization(tx, ctx, body)));
      },
      async update(id, changes: OrganizationChanges) {
        const body = parse(orgChanges, changes, 'organization changes');
        return organizationSnapshot(await change((tx) => updateOrganization(tx, ctx, id, body)));
      },
    },
    tickets: {
      async get(id) {
        const [t] = await db.select().from(tickets).where(and(eq(tickets.accountId, accountId), eq(tickets.id, id)));
        return t ? ticketSnapshot(t) : null;
      },
    },
    profiles: {
      async upsert(input) {
        const body = parse(profileInput, input, 'profile');
        const ids = normalize(body.identifiers);
        const row = await db.transaction(async (tx) => {
          await requireUser(tx, accountId, body.user_id);
          // Two jobs about one customer (customers/create and orders/create arrive together) must not
          // both create it: the lookup and the insert are serialised per account, source and type.
          await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`profiles:${accountId}:${body.source}:${body.type}`}))`);
          const [found] = await tx.select().from(customerProfiles)
            .where(and(eq(customerProfiles.accountId, accountId), eq(customerProfiles.source, body.source), eq(customerProfiles.type, body.type), holdsAny(ids)))
            .orderBy(customerProfiles.id).limit(1);
          const now = clock.now();
          if (!found) {
            const [created] = await tx.insert(customerProfiles).values({
              accountId, userId: body.user_id, source: body.source, type: body.type, name: body.name ?? null,
              identifiers: ids, attributes: body.attributes ?? {}, createdAt: now, updatedAt: now,
            }).returning();
            return created!;
          }
          const merged = [...found.identifiers];
          for (const i of ids) if (!merged.some((m) => m.type === i.type && m.value === i.value)) merged.push(i);
          const [updated] = await tx.update(customerProfiles).set({
            userId: body.user_id, identifiers: merged, attributes: { ...found.attributes, ...body.attributes },
            ...(body.name !== undefined ? { name: body.name } : {}), updatedAt: now,
          }).where(eq(customerProfiles.id, found.id)).returning();
          return updated!;
        });
        return profileShape(row);
      },
      async find(by) {
        const id = parse(identifier, by.identifier, 'identifier');
        const [row] = await db.select().from(customerProfiles).where(and(
          eq(customerProfiles.accountId, accountId), eq(customerProfiles.source, by.source),
          by.type !== undefined ? eq(customerProfiles.type, by.type) : undefined, holdsAny(normalize([id])),
        )).orderBy(customerProfiles.id).limit(1);
        return row ? profileShape(row) : null;
      },
    },
    events: {
      async record(input) {
        const body = parse(eventInput, input, 'event');
        const profileId = body.profile_id == null ? null : Number(body.profile_id);
        await requireUser(db, accountId, body.user_id);
        if (profileId !== null) {
          const [p] = await db.select({ id: customerProfiles.id }).from(customerProfiles)
            .where(and(eq(customerProfiles.accountId, accountId), eq(customerProfiles.id, profileId)));
          if (!p) throw new PermanentError(`Profile ${profileId} does not exist in this account`, 'ProfileMissing');
        }
        const now = clock.now();
        const [row] = await db.insert(customerEvents).values({
          accountId, userId: body.user_id, profileId, source: body.source, type: body.type, description: body.description,
          properties: body.properties ?? {}, createdAt: body.created_at ? new Date(body.created_at) : now, receivedAt: now,
        }).returning();
        return eventShape(row!);
      },
    },
  };
}
