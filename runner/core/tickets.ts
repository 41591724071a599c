import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import {
  auditEvents, audits, comments, groups, organizations, satisfactionRatings, ticketFieldValues, tickets, users,
  type SatisfactionScore, type Ticket, type TicketPriority, type TicketStatus, type TicketType, type User, type ViaChannel,
} from '../../db/schema/index.ts';
import { changeStamp, lockAccountForChange } from './change-barrier.ts';
import { hasRole, requireActorRole, type Ctx } from './context.ts';
import { AppError, invalid, notFound } from './errors.ts';
import { validateCustomFields, type CustomFieldInput } from './ticket-fields.ts';
import { createUser, findUser, findUserByEmail } from './users.ts';
import { refreshTicketMetrics } from './metrics/store.ts';
import { publishEvents, ticketSnapshot } from './events.ts';

export type CommentInput = { body?: string | undefined; html_body?: string | undefined; public?: boolean | undefined; author_id?: number | undefined };

export type TicketInput = {
  subject?: string | undefined;
  comment?: CommentInput | undefined;
  requester_id?: number | undefined;
  requester?: { name?: string | undefined; email: string } | undefined;
  submitter_id?: number | undefined;
  assignee_id?: number | null | undefined;
  group_id?: number | null | undefined;
  organization_id?: number | null | undefined;
  status?: TicketStatus | undefined;
  priority?: TicketPriority | null | undefined;
  type?: TicketType | null | undefined;
  tags?: string[] | undefined;
  custom_fields?: CustomFieldInput[] | undefined;
  external_id?: string | null | undefined;
  due_at?: string | null | undefined;
  via_channel?: ViaChannel | undefined;
  /** Makes the new ticket a follow-up of this closed ticket (Zendesk's via_followup_source_id). */
  via_followup_source_id?: number | undefined;
};

type EventRow = { type: 'Create' | 'Change' | 'Comment'; fieldName?: string; value?: unknown; previousValue?: unknown };

/** Fields a closed ticket still accepts (SPEC M7): everything else is refused. */
const CLOSED_EDITABLE = new Set(['tags', 'subject', 'priority']);

export async function findTicket(q: Queryable, accountId: number, id: number, opts: { forUpdate?: boolean } = {}): Promise<Ticket> {
  const query = q.select().from(tickets).where(and(eq(tickets.accountId, accountId), eq(tickets.id, id)));
  const [t] = opts.forUpdate ? await query.for('update') : await query;
  if (!t) throw notFound('Ticket');
  return t;
}

async function checkAgent(q: Queryable, accountId: number, field: string, id: number | null | undefined): Promise<User | null> {
  if (id == null) return null;
  const [u] = await q.select().from(users).where(and(eq(users.accountId, accountId), eq(users.id, id)));
  if (!u) throw invalid(field, `${id} is not a user of this account`);
  if (!hasRole(u, 'agent')) throw invalid(field, `${u.name} is not an agent`);
  return u;
}

async function checkExists(q: Queryable, accountId: number, field: 'group_id' | 'organization_id', id: number | null | undefined) {
  if (id == null) return;
  const table = field === 'group_id' ? groups : organizations;
  const alive = field === 'group_id' ? eq(groups.deleted, false) : sql`${organizations.deletedAt} is null`;
  const [row] = await q.select({ id: table.id }).from(table).where(and(eq(table.accountId, accountId), eq(table.id, id), alive));
  if (!row) throw invalid(field, `${id} is not ${field === 'group_id' ? 'a group' : 'an organization'} of this account`);
}

async function resolveUser(q: Queryable, ctx: Ctx, field: string, id: number): Promise<User> {
  try {
    return await findUser(q, ctx.accountId, id);
  } catch {
    throw invalid(field, `${id} is not a user of this account`);
  }
}

async function resolveRequester(q: Queryable, ctx: Ctx, input: TicketInput): Promise<User> {
  if (input.requester_id != null) return resolveUser(q, ctx, 'requester_id', input.requester_id);
  if (input.requester) {
    const existing = await findUserByEmail(q, ctx.accountId, input.requester.email);
    if (existing) return existing;
    return createUser(q, ctx, { name: input.requester.name ?? input.requester.email.split('@')[0]!, email: input.requester.email });
  }
  return resolveUser(q, ctx, 'requester_id', ctx.actor.id);
}

function parseDue(value: string | null | undefined): Date | null | undefined {
  if (value === undefined || value === null) return value;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw invalid('due_at', 'must be an ISO-8601 date and time');
  return d;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const htmlOf = (body: string) => `<div class="zd-comment" dir="auto">${body.split(/\n{2,}/).map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('')}</div>`;
const textOf = (html: string) => html.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]*>/g, '').replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').trim();

function commentBodies(c: CommentInput): { body: string; html: string } | null {
  if (c.body !== undefined && c.body.trim() !== '') return { body: c.body, html: htmlOf(c.body) };
  if (c.html_body !== undefined && textOf(c.html_body) !== '') return { body: textOf(c.html_body), html: c.html_body };
  return null;
}

async function writeAudit(q: Queryable, ctx: Ctx, ticketId: number, author: User, via: ViaChannel, events: EventRow[], comment: { body: string; html: string; public: boolean } | null, at: Date) {
  const [audit] = await q.insert(audits).values({
    accountId: ctx.accountId, ticketId, authorId: author.id, authorRole: author.role, viaChannel: via, createdAt: at,
  }).returning({ id: audits.id });
  let commentId: number | null = null;
  if (comment) {
    const [c] = await q.insert(comments).values({
      accountId: ctx.accountId, ticketId, auditId: audit!.id, authorId: author.id, authorRole: author.role,
      body: comment.body, htmlBody: comment.html, public: comment.public, viaChannel: via, createdAt: at,
    }).returning({ id: comments.id });
    commentId = c!.id;
  }
  const rows = events.map((e) => ({
    accountId: ctx.accountId, auditId: audit!.id, ticketId, type: e.type, fieldName: e.fieldName ?? null,
    value: e.value ?? null, previousValue: e.previousValue ?? null, commentId: e.type === 'Comment' ? commentId : null,
  }));
  if (comment) rows.push({ accountId: ctx.accountId, auditId: audit!.id, ticketId, type: 'Comment', fieldName: null, value: null, previousValue: null, commentId });
  if (rows.length) await q.insert(auditEvents).values(rows);
  return { auditId: audit!.id, commentId };
}

async function writeFieldValues(q: Queryable, accountId: number, ticketId: number, fields: CustomFieldInput[]) {
  for (const f of fields) {
    if (f.value === null || (Array.isArray(f.value) && f.value.length === 0)) {
      await q.delete(ticketFieldValues).where(and(eq(ticketFieldValues.ticketId, ticketId), eq(ticketFieldValues.fieldId, f.id)));
    } else {
      await q.insert(ticketFieldValues).values({ accountId, ticketId, fieldId: f.id, value: f.value })
        .onConflictDoUpdate({ target: [ticketFieldValues.ticketId, ticketFieldValues.fieldId], set: { value: f.value } });
    }
  }
}

async function currentFieldValues(q: Queryable, ticketId: number): Promise<Map<number, unknown>> {
  const rows = await q.select().from(ticketFieldValues).where(eq(ticketFieldValues.ticketId, ticketId));
  return new Map(rows.map((r) => [r.fieldId, r.value]));
}

/** Creates a ticket with its first comment and a "Create" audit (SPEC C3). */
export async function createTicket(q: Queryable, ctx: Ctx, input: TicketInput): Promise<Ticket> {
  requireActorRole(ctx.actor, 'agent', 'Only agents can create tickets through this endpoint');
  await lockAccountForChange(q, ctx.accountId);
  const bodies = input.comment ? commentBodies(input.comment) : null;
  if (!bodies) throw invalid('comment', 'is required: a ticket needs a first comment with a body');
  if (input.status === 'closed') throw invalid('status', 'cannot be closed when the ticket is created');
  const requester = await resolveRequester(q, ctx, input);
  const submitter = input.submitter_id != null ? await resolveUser(q, ctx, 'submitter_id', input.submitter_id) : await resolveUser(q, ctx, 'submitter_id', ctx.actor.id);
  const author = input.comment?.author_id != null ? await resolveUser(q, ctx, 'comment.author_id', input.comment.author_id) : submitter;
  let assignee = await checkAgent(q, ctx.accountId, 'assignee_id', input.assignee_id);
  await checkExists(q, ctx.accountId, 'group_id', input.group_id);
  const organizationId = input.organization_id !== undefined ? input.organization_id : requester.organizationId;
  await checkExists(q, ctx.accountId, 'organization_id', organizationId);
  const customFields = await validateCustomFields(q, ctx.accountId, input.custom_fields ?? []);
  let source: Ticket | null = null;
  if (input.via_followup_source_id != null) {
    source = await findTicket(q, ctx.accountId, input.via_followup_source_id).catch(() => null);
    if (!source) throw invalid('via_followup_source_id', `${input.via_followup_source_id} is not a ticket of this account`);
    if (source.status !== 'closed') throw invalid('via_followup_source_id', 'must be a closed ticket: reply on the ticket itself while it is not closed');
  }
  let status: TicketStatus = input.status ?? (assignee ? 'open' : 'new');
  if (status === 'new' && assignee) status = 'open';
  if (status === 'solved' && !assignee) {
    if (!hasRole(ctx.actor, 'agent')) throw invalid('assignee_id', 'is required to solve a ticket');
    assignee = await resolveUser(q, ctx, 'assignee_id', ctx.actor.id);
  }
  const isPublic = author.role === 'end-user' ? true : (input.comment?.public ?? true);
  const now = ctx.clock.now();
  const via = input.via_channel ?? 'api';
  const [t] = await q.insert(tickets).values({
    accountId: ctx.accountId,
    externalId: input.external_id ?? null,
    subject: input.subject ?? bodies.body.slice(0, 80),
    description: bodies.body,
    status,
    priority: input.priority ?? null,
    type: input.type ?? null,
    requesterId: requester.id,
    submitterId: submitter.id,
    assigneeId: assignee?.id ?? null,
    groupId: input.group_id ?? null,
    organizationId: organizationId ?? null,
    tags: normalizeTags(input.tags ?? []),
    dueAt: parseDue(input.due_at) ?? null,
    viaChannel: via,
    viaSource: source ? { from: { ticket_id: source.id, subject: source.subject }, to: {}, rel: 'follow_up' } : undefined,
    followupSourceId: source?.id ?? null,
    isPublic,
    createdAt: now,
    updatedAt: now,
    generatedAt: changeStamp(),
  }).returning();
  const ticket = t!;
  const events: EventRow[] = [];
  const created: [string, unknown][] = [
    ['subject', ticket.subject], ['status', ticket.status], ['priority', ticket.priority], ['type', ticket.type],
    ['requester_id', ticket.requesterId], ['assignee_id', ticket.assigneeId], ['group_id', ticket.groupId],
    ['organization_id', ticket.organizationId], ['tags', ticket.tags.length ? ticket.tags : null], ['due_at', ticket.dueAt?.toISOString() ?? null],
  ];
  for (const [fieldName, value] of created) if (value != null) events.push({ type: 'Create', fieldName, value });
  for (const f of customFields) if (f.value !== null) events.push({ type: 'Create', fieldName: String(f.id), value: f.value });
  await writeAudit(q, ctx, ticket.id, author, via, events, { ...bodies, public: isPublic }, now);
  await writeFieldValues(q, ctx.accountId, ticket.id, customFields);
  await refreshTicketMetrics(q, ctx.accountId, ticket.id, now);
  await publishEvents(q, ctx.accountId, [{ type: 'ticket.created', payload: { ticket: ticketSnapshot(ticket), actor_id: ctx.actor.id }, ticketId: ticket.id }], now);
  return ticket;
}

export function normalizeTags(tags: string[]): string[] {
  // Zendesk tags are lower-case words without spaces; duplicates collapse.
  return [...new Set(tags.flatMap((t) => t.toLowerCase().trim().split(/\s+/)).filter(Boolean))];
}

/**
 * Applies an update, writing one audit with a Change event per changed field and a Comment event
 * when a comment is added. An update that changes nothing writes nothing.
 */
export async function updateTicket(q: Queryable, ctx: Ctx, id: number, input: TicketInput): Promise<Ticket> {
  requireActorRole(ctx.actor, 'agent', 'Only agents can update tickets through this endpoint');
  await lockAccountForChange(q, ctx.accountId);
  const current = await findTicket(q, ctx.accountId, id, { forUpdate: true });
  const bodies = input.comment ? commentBodies(input.comment) : null;
  if (input.comment && !bodies) throw invalid('comment', 'body must not be empty');
  const author = input.comment?.author_id != null ? await resolveUser(q, ctx, 'comment.author_id', input.comment.author_id) : await resolveUser(q, ctx, 'author_id', ctx.actor.id);
  // A closed ticket is never reopened (SPEC M7): the requester's reply starts a follow-up ticket.
  if (current.status === 'closed' && bodies && author.id === current.requesterId && author.role === 'end-user') {
    return createTicket(q, ctx, {
      subject: current.subject.startsWith('Re: ') ? current.subject : `Re: ${current.subject}`,
      comment: { body: bodies.body, author_id: author.id }, requester_id: author.id, submitter_id: author.id,
      group_id: current.groupId, organization_id: current.organizationId, priority: current.priority, type: current.type, tags: current.tags,
      via_channel: input.via_channel ?? 'web', via_followup_source_id: current.id,
    });
  }

  const next: Partial<typeof tickets.$inferInsert> = {};
  const events: EventRow[] = [];
  const change = <K extends keyof Ticket>(field: string, key: K, value: Ticket[K]) => {
    const prev = current[key];
    const same = Array.isArray(prev) && Array.isArray(value) ? prev.join('\u0000') === value.join('\u0000')
      : prev instanceof Date && value instanceof Date ? prev.getTime() === value.getTime() : prev === value;
    if (same) return;
    (next as Record<string, unknown>)[key] = value;
    const ser = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
    events.push({ type: 'Change', fieldName: field, value: ser(value), previousValue: ser(prev) });
  };

  if (input.subject !== undefined) change('subject', 'subject', input.subject);
  if (input.priority !== undefined) change('priority', 'priority', input.priority);
  if (input.type !== undefined) change('type', 'type', input.type);
  if (input.tags !== undefined) change('tags', 'tags', normalizeTags(input.tags));
  if (input.external_id !== undefined) change('external_id', 'externalId', input.external_id);
  if (input.due_at !== undefined) change('due_at', 'dueAt', parseDue(input.due_at) ?? null);
  if (input.requester_id !== undefined) change('requester_id', 'requesterId', (await resolveUser(q, ctx, 'requester_id', input.requester_id)).id);
  if (input.group_id !== undefined) { await checkExists(q, ctx.accountId, 'group_id', input.group_id); change('group_id', 'groupId', input.group_id); }
  if (input.organization_id !== undefined) { await checkExists(q, ctx.accountId, 'organization_id', input.organization_id); change('organization_id', 'organizationId', input.organization_id); }
  let assigneeId = current.assigneeId;
  if (input.assignee_id !== undefined) {
    await checkAgent(q, ctx.accountId, 'assignee_id', input.assignee_id);
    assigneeId = input.assignee_id;
    change('assignee_id', 'assigneeId', assigneeId);
  }

  let status: TicketStatus = input.status ?? current.status;
  if (input.status === 'new' && current.status !== 'new') throw invalid('status', 'cannot go back to new');
  if (input.status === 'closed' && current.status !== 'closed' && current.status !== 'solved') throw invalid('status', 'only a solved ticket can be closed');
  // A requester's reply reopens a ticket that waits on them or was solved (Zendesk's behaviour).
  if (bodies && input.status === undefined && author.id === current.requesterId && author.role === 'end-user' && (status === 'pending' || status === 'solved')) status = 'open';
  if (status === 'new' && assigneeId != null) status = 'open';
  if (status === 'solved' && assigneeId == null) {
    assigneeId = ctx.actor.id;
    change('assignee_id', 'assigneeId', assigneeId);
  }
  change('status', 'status', status);

  let customFields: CustomFieldInput[] = [];
  if (input.custom_fields?.length) {
    customFields = await validateCustomFields(q, ctx.accountId, input.custom_fields);
    const before = await currentFieldValues(q, id);
    customFields = customFields.filter((f) => JSON.stringify(before.get(f.id) ?? null) !== JSON.stringify(f.value));
    for (const f of customFields) events.push({ type: 'Change', fieldName: String(f.id), value: f.value, previousValue: before.get(f.id) ?? null });
  }

  if (current.status === 'closed') {
    const refused = events.map((e) => e.fieldName!).filter((f) => !CLOSED_EDITABLE.has(f));
    if (bodies || refused.length) {
      throw new AppError(422, 'RecordInvalid', `Ticket #${id} is closed: only tags, subject and priority can change${bodies ? '; a reply needs a follow-up ticket' : ''}`,
        { status: [{ description: 'closed prevents ticket update' }] });
    }
  }

  if (!events.length && !bodies) return current;
  const now = ctx.clock.now();
  const isPublic = bodies ? (author.role === 'end-user' ? true : (input.comment?.public ?? true)) : true;
  const [t] = await q.update(tickets).set({ ...next, updatedAt: now, generatedAt: changeStamp() })
    .where(and(eq(tickets.accountId, ctx.accountId), eq(tickets.id, id))).returning();
  const { commentId } = await writeAudit(q, ctx, id, author, input.via_channel ?? 'api', events, bodies ? { ...bodies, public: isPublic } : null, now);
  await writeFieldValues(q, ctx.accountId, id, customFields);
  await refreshTicketMetrics(q, ctx.accountId, id, now);
  await publishEvents(q, ctx.accountId, ticketUpdateEvents(t!, ctx.actor.id, events, bodies && commentId !== null ? { id: commentId, body: bodies.body, public: isPublic, author_id: author.id } : null), now);
  return t!;
}

/** ticket.updated (with the changed fields), ticket.status_changed and ticket.commented, as they apply. */
function ticketUpdateEvents(t: Ticket, actorId: number, events: EventRow[], comment: { id: number; body: string; public: boolean; author_id: number } | null) {
  const ticket = ticketSnapshot(t);
  const changes = events.filter((e) => e.type === 'Change').map((e) => ({ field: e.fieldName!, from: e.previousValue ?? null, to: e.value ?? null }));
  const out: Parameters<typeof publishEvents>[2] = [{ type: 'ticket.updated', payload: { ticket, actor_id: actorId, changes }, ticketId: t.id }];
  const status = changes.find((c) => c.field === 'status');
  if (status) out.push({ type: 'ticket.status_changed', payload: { ticket, actor_id: actorId, from: String(status.from), to: String(status.to) }, ticketId: t.id });
  if (comment) out.push({ type: 'ticket.commented', payload: { ticket, actor_id: actorId, comment }, ticketId: t.id });
  return out;
}

/** Records the requester's satisfaction rating (one per ticket; a new score replaces the old). */
export async function rateTicket(q: Queryable, ctx: Ctx, ticketId: number, score: SatisfactionScore, comment?: string): Promise<void> {
  await lockAccountForChange(q, ctx.accountId);
  const t = await findTicket(q, ctx.accountId, ticketId, { forUpdate: true });
  if ((score === 'good' || score === 'bad') && t.status !== 'solved' && t.status !== 'closed') throw invalid('score', 'can only be given on a solved ticket');
  const now = ctx.clock.now();
  const [existing] = await q.select({ id: satisfactionRatings.id }).from(satisfactionRatings)
    .where(and(eq(satisfactionRatings.accountId, ctx.accountId), eq(satisfactionRatings.ticketId, ticketId)));
  if (existing) {
    await q.update(satisfactionRatings).set({ score, comment: comment ?? null, updatedAt: now }).where(eq(satisfactionRatings.id, existing.id));
  } else {
    await q.insert(satisfactionRatings).values({
      accountId: ctx.accountId, ticketId, requesterId: t.requesterId, assigneeId: t.assigneeId, groupId: t.groupId, score, comment: comment ?? null, createdAt: now, updatedAt: now,
    });
  }
  await q.update(tickets).set({ updatedAt: now, generatedAt: changeStamp() }).where(eq(tickets.id, ticketId));
}
