import { and, eq, isNull } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { groups, organizations, ticketFields, USER_ROLES, users, type Group, type Organization, type User } from '../../../db/schema/index.ts';
import { isValidTimeZone } from '../../core/accounts.ts';
import {
  createGroup, createOrganization, deleteOrganization, findGroup, findOrganization, groupShape, organizationShape, updateGroup, updateOrganization,
} from '../../core/organizations.ts';
import { ticketFieldShape } from '../../core/ticket-fields.ts';
import { createUser, findUser, updateUser, userShape } from '../../core/users.ts';
import { currentActor, requireRole } from '../auth.ts';
import { paginate } from '../pagination.ts';
import type { AppEnv, Deps } from '../types.ts';
import { idParam, jsonBody, parseQuery, zId, zTags, zText } from '../validate.ts';

const userFields = z.object({
  name: zText(255).min(1, 'must not be empty').optional(),
  email: z.email('must be a valid email address').max(254).optional(),
  role: z.enum(USER_ROLES).optional(),
  organization_id: zId.nullable().optional(),
  external_id: zText(255).nullable().optional(),
  phone: zText(50).nullable().optional(),
  time_zone: zText(64).refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Paris').nullable().optional(),
  locale: zText(20).optional(),
  tags: zTags.optional(),
  notes: zText(65_535).nullable().optional(),
  details: zText(65_535).nullable().optional(),
  verified: z.boolean().optional(),
  suspended: z.boolean().optional(),
  password: zText(128).min(8, 'must be at least 8 characters').optional(),
});
const newUser = userFields.extend({ name: zText(255).min(1, 'must not be empty'), email: z.email('must be a valid email address').max(254) });

const orgFields = z.object({
  name: zText(255).min(1, 'must not be empty').optional(),
  external_id: zText(255).nullable().optional(),
  domain_names: z.array(zText(253)).max(100).optional(),
  tags: zTags.optional(),
  details: zText(65_535).nullable().optional(),
  notes: zText(65_535).nullable().optional(),
  group_id: zId.nullable().optional(),
  shared_tickets: z.boolean().optional(),
  shared_comments: z.boolean().optional(),
});
const groupFields = z.object({ name: zText(255).min(1, 'must not be empty').optional(), description: zText(1024).optional(), default: z.boolean().optional() });

const ctxOf = (c: Context<AppEnv>, clock: Deps['clock']) => ({ accountId: c.get('account').id, actor: currentActor(c), clock });

export function userRoutes({ database, clock }: Deps) {
  const app = new Hono<AppEnv>();
  const db = database.db;

  // Any signed-in user may read themselves; Zendesk answers anonymous callers with an empty user.
  app.get('/me', async (c) => {
    const actor = c.get('actor');
    if (!actor) return c.json({ user: { id: null, name: 'Anonymous user', email: 'invalid@example.com', role: 'end-user' } });
    return c.json({ user: userShape(await findUser(db, actor.accountId, actor.id), c.get('base')) });
  });

  app.use('*', requireRole('agent'));
  app.get('/', async (c) => {
    const account = c.get('account');
    const f = parseQuery(c, z.object({ role: z.enum(USER_ROLES).optional() }).loose());
    const where = and(eq(users.accountId, account.id), f.role ? eq(users.role, f.role) : undefined);
    return paginate<User>(c, db, 'users', { table: users, id: users.id, where }, (rows) => rows.map((u) => userShape(u, c.get('base'))));
  });
  app.get('/:id', async (c) => c.json({ user: userShape(await findUser(db, c.get('account').id, idParam(c)), c.get('base')) }));
  app.post('/', async (c) => {
    const body = await jsonBody(c, newUser, 'user');
    const ctx = ctxOf(c, clock);
    const u = await db.transaction((tx) => createUser(tx, ctx, body));
    return c.json({ user: userShape(u, c.get('base')) }, 201);
  });
  app.put('/:id', async (c) => {
    const id = idParam(c);
    const ctx = ctxOf(c, clock);
    await findUser(db, ctx.accountId, id);
    const body = await jsonBody(c, userFields, 'user');
    const u = await db.transaction((tx) => updateUser(tx, ctx, id, body));
    return c.json({ user: userShape(u, c.get('base')) });
  });
  return app;
}

export function organizationRoutes({ database, clock }: Deps) {
  const app = new Hono<AppEnv>();
  const db = database.db;
  app.use('*', requireRole('agent'));
  app.get('/', async (c) => {
    const account = c.get('account');
    const where = and(eq(organizations.accountId, account.id), isNull(organizations.deletedAt));
    return paginate<Organization>(c, db, 'organizations', { table: organizations, id: organizations.id, where }, (rows) => rows.map((o) => organizationShape(o, c.get('base'))));
  });
  app.get('/:id', async (c) => c.json({ organization: organizationShape(await findOrganization(db, c.get('account').id, idParam(c)), c.get('base')) }));
  app.post('/', async (c) => {
    const body = await jsonBody(c, orgFields.extend({ name: zText(255).min(1, 'must not be empty') }), 'organization');
    const ctx = ctxOf(c, clock);
    const o = await db.transaction((tx) => createOrganization(tx, ctx, body));
    return c.json({ organization: organizationShape(o, c.get('base')) }, 201);
  });
  app.put('/:id', async (c) => {
    const id = idParam(c);
    const ctx = ctxOf(c, clock);
    await findOrganization(db, ctx.accountId, id);
    const body = await jsonBody(c, orgFields, 'organization');
    const o = await db.transaction((tx) => updateOrganization(tx, ctx, id, body));
    return c.json({ organization: organizationShape(o, c.get('base')) });
  });
  app.delete('/:id', async (c) => {
    const id = idParam(c);
    const ctx = ctxOf(c, clock);
    await db.transaction((tx) => deleteOrganization(tx, ctx, id));
    return c.body(null, 204);
  });
  return app;
}

export function groupRoutes({ database, clock }: Deps) {
  const app = new Hono<AppEnv>();
  const db = database.db;
  app.use('*', requireRole('agent'));
  app.get('/', async (c) => {
    const where = and(eq(groups.accountId, c.get('account').id), eq(groups.deleted, false));
    return paginate<Group>(c, db, 'groups', { table: groups, id: groups.id, where }, (rows) => rows.map((g) => groupShape(g, c.get('base'))));
  });
  app.get('/:id', async (c) => c.json({ group: groupShape(await findGroup(db, c.get('account').id, idParam(c)), c.get('base')) }));
  app.post('/', async (c) => {
    const body = await jsonBody(c, groupFields.extend({ name: zText(255).min(1, 'must not be empty') }), 'group');
    const g = await createGroup(db, ctxOf(c, clock), body);
    return c.json({ group: groupShape(g, c.get('base')) }, 201);
  });
  app.put('/:id', async (c) => {
    const id = idParam(c);
    const ctx = ctxOf(c, clock);
    await findGroup(db, ctx.accountId, id);
    const body = await jsonBody(c, groupFields, 'group');
    return c.json({ group: groupShape(await updateGroup(db, ctx, id, body), c.get('base')) });
  });
  return app;
}

export function ticketFieldRoutes({ database }: Deps) {
  const app = new Hono<AppEnv>();
  app.use('*', requireRole('agent'));
  app.get('/', async (c) => {
    const rows = await database.db.select().from(ticketFields).where(eq(ticketFields.accountId, c.get('account').id)).orderBy(ticketFields.position, ticketFields.id);
    return c.json({ ticket_fields: rows.map((f) => ticketFieldShape(f, c.get('base'))), next_page: null, previous_page: null, count: rows.length });
  });
  app.get('/:id', async (c) => {
    const [f] = await database.db.select().from(ticketFields).where(and(eq(ticketFields.accountId, c.get('account').id), eq(ticketFields.id, idParam(c))));
    if (!f) return c.json({ error: 'RecordNotFound', description: 'Ticket field not found' }, 404);
    return c.json({ ticket_field: ticketFieldShape(f, c.get('base')) });
  });
  return app;
}
