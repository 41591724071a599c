import { and, asc, eq, inArray } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import {
  audits, comments, ticketMetrics, TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES, tickets, VIA_CHANNELS, type Ticket,
} from '../../../db/schema/index.ts';
import { createTicket, findTicket, updateTicket, type TicketInput } from '../../core/tickets.ts';
import { auditShape, commentShape, loadAuditEvents, loadTicketExtras, ticketShape } from '../../core/ticket-shape.ts';
import { AppError } from '../../core/errors.ts';
import { ticketMetricShape } from '../../core/metrics/store.ts';
import { currentActor, requireRole } from '../auth.ts';
import { paginate } from '../pagination.ts';
import type { AppEnv, Deps } from '../types.ts';
import { idParam, jsonBody, parseQuery, zId, zTags, zText } from '../validate.ts';

const customField = z.object({
  id: zId,
  value: z.union([zText(65_535), z.number(), z.boolean(), z.array(zText(255)).max(500), z.null()]),
});
const comment = z.object({
  body: zText(65_535).optional(),
  html_body: zText(262_144).optional(),
  public: z.boolean().optional(),
  author_id: zId.optional(),
});
const isoDate = zText(40).refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 date and time');

const ticketFields = {
  subject: zText(255).optional(),
  comment: comment.optional(),
  requester_id: zId.optional(),
  requester: z.object({ name: zText(255).optional(), email: z.email() }).optional(),
  submitter_id: zId.optional(),
  assignee_id: zId.nullable().optional(),
  group_id: zId.nullable().optional(),
  organization_id: zId.nullable().optional(),
  status: z.enum(TICKET_STATUSES).optional(),
  priority: z.enum(TICKET_PRIORITIES).nullable().optional(),
  type: z.enum(TICKET_TYPES).nullable().optional(),
  tags: zTags.optional(),
  custom_fields: z.array(customField).max(500).optional(),
  fields: z.array(customField).max(500).optional(),
  external_id: zText(255).nullable().optional(),
  due_at: isoDate.nullable().optional(),
  via: z.object({ channel: z.enum(VIA_CHANNELS) }).optional(),
  via_followup_source_id: zId.optional(),
};
const ticketBody = z.object(ticketFields);
const createBody = ticketBody.extend({ comment });

function toInput(b: z.infer<typeof ticketBody>): TicketInput {
  const { fields, via, ...rest } = b;
  return { ...rest, custom_fields: b.custom_fields ?? fields, via_channel: via?.channel };
}

export function ticketRoutes({ database, clock }: Deps) {
  const app = new Hono<AppEnv>();
  const db = database.db;
  app.use('*', requireRole('agent'));

  const ctxOf = (c: { get: (k: 'account' | 'actor') => unknown }) => ({
    accountId: (c.get('account') as { id: number }).id, actor: currentActor(c as never), clock,
  });
  const shapeMany = async (accountId: number, base: string, rows: Ticket[]) => {
    const extras = await loadTicketExtras(db, accountId, rows.map((r) => r.id));
    return rows.map((t) => ticketShape(t, base, extras));
  };
  const one = async (accountId: number, base: string, t: Ticket) => (await shapeMany(accountId, base, [t]))[0];

  app.get('/', async (c) => {
    const account = c.get('account');
    const f = parseQuery(c, z.object({ status: z.enum(TICKET_STATUSES).optional() }).loose());
    const where = and(eq(tickets.accountId, account.id), f.status ? eq(tickets.status, f.status) : undefined);
    return paginate<Ticket>(c, db, 'tickets', { table: tickets, id: tickets.id, where }, (rows) => shapeMany(account.id, c.get('base'), rows));
  });

  app.get('/show_many', async (c) => {
    const account = c.get('account');
    const { ids } = parseQuery(c, z.object({ ids: z.string().regex(/^\d{1,15}(,\d{1,15}){0,99}$/, 'must be up to 100 comma-separated ids') }));
    const rows = await db.select().from(tickets).where(and(eq(tickets.accountId, account.id), inArray(tickets.id, ids.split(',').map(Number)))).orderBy(asc(tickets.id));
    return c.json({ tickets: await shapeMany(account.id, c.get('base'), rows) });
  });

  app.get('/:id', async (c) => {
    const account = c.get('account');
    const t = await findTicket(db, account.id, idParam(c));
    return c.json({ ticket: await one(account.id, c.get('base'), t) });
  });

  app.post('/', async (c) => {
    const body = await jsonBody(c, createBody, 'ticket');
    const ctx = ctxOf(c);
    const t = await db.transaction((tx) => createTicket(tx, ctx, toInput(body)));
    c.header('Location', `${c.get('base')}/api/v2/tickets/${t.id}.json`);
    return c.json({ ticket: await one(ctx.accountId, c.get('base'), t) }, 201);
  });

  app.put('/:id', async (c) => {
    const id = idParam(c);
    const ctx = ctxOf(c);
    await findTicket(db, ctx.accountId, id); // 404 before validating a body for a ticket that is not there
    const body = await jsonBody(c, ticketBody, 'ticket');
    const t = await db.transaction((tx) => updateTicket(tx, ctx, id, toInput(body)));
    if (t.id !== id) {
      // The requester replied to a closed ticket: a follow-up ticket was created instead.
      c.header('Location', `${c.get('base')}/api/v2/tickets/${t.id}.json`);
      return c.json({ ticket: await one(ctx.accountId, c.get('base'), t) }, 201);
    }
    return c.json({ ticket: await one(ctx.accountId, c.get('base'), t) });
  });

  app.get('/:id/comments', async (c) => {
    const account = c.get('account');
    const id = idParam(c);
    await findTicket(db, account.id, id);
    return paginate(c, db, 'comments', { table: comments, id: comments.id, where: and(eq(comments.accountId, account.id), eq(comments.ticketId, id)) },
      (rows: (typeof comments.$inferSelect)[]) => rows.map(commentShape));
  });

  app.get('/:id/audits', async (c) => {
    const account = c.get('account');
    const id = idParam(c);
    await findTicket(db, account.id, id);
    const { byAudit, commentsById } = await loadAuditEvents(db, account.id, id);
    return paginate(c, db, 'audits', { table: audits, id: audits.id, where: and(eq(audits.accountId, account.id), eq(audits.ticketId, id)) },
      (rows: (typeof audits.$inferSelect)[]) => rows.map((a) => auditShape(a, byAudit.get(a.id) ?? [], commentsById)));
  });

  app.get('/:id/metrics', async (c) => {
    const account = c.get('account');
    const t = await findTicket(db, account.id, idParam(c));
    const [m] = await db.select().from(ticketMetrics).where(and(eq(ticketMetrics.accountId, account.id), eq(ticketMetrics.ticketId, t.id)));
    if (!m) throw new AppError(404, 'RecordNotFound', 'This ticket has no metrics yet: run npm run metrics:rebuild');
    return c.json({ ticket_metric: ticketMetricShape(m, c.get('base')) });
  });

  return app;
}
