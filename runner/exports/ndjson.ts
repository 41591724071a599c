import { sql, type SQL } from 'drizzle-orm';
import type {
  Comment, Organization, satisfactionRatings, SatisfactionScore, Ticket, TicketPriority, TicketStatus, TicketType, User, UserRole, ViaChannel,
} from '../../db/schema/index.ts';
import { organizationShape } from '../core/organizations.ts';
import { commentShape, ticketShape, type TicketExtras } from '../core/ticket-shape.ts';
import { userShape } from '../core/users.ts';
import { idArray, ms, readAhead, toDate, type Snapshot } from './snapshot.ts';

/** A JSON line of a ticket may not exceed this many bytes with its comments (SPEC E9). */
export const TICKET_JSON_LIMIT = 1_048_576;
export const COMMENTS_LEFT_OUT = "The ticket's comments were left out because its data exceeds the 1 MB limit";

/** Which rows of a table an export takes: the account's, in a generated_at range. */
export type Scope = { accountId: number; base: string; from: Date | null; to: Date | null; fence: Date | null };

/** `generated_at` in [from, to), below the PGlite fence (see snapshot.ts). */
export function inRange(s: Scope, column: SQL = sql`generated_at`): SQL {
  const parts: SQL[] = [sql`account_id = ${s.accountId}`];
  if (s.from) parts.push(sql`${column} >= to_timestamp(${s.from.getTime()}::float8 / 1000)`);
  if (s.to) parts.push(sql`${column} < to_timestamp(${s.to.getTime()}::float8 / 1000)`);
  if (s.fence) parts.push(sql`${column} < to_timestamp(${s.fence.getTime()}::float8 / 1000)`);
  return sql.join(parts, sql` and `);
}

type Row = Record<string, unknown>;
const num = (v: unknown) => (v == null ? null : Number(v));
const json = <T>(v: unknown): T => JSON.parse(v as string) as T;

const ticketColumns = sql`id, account_id::float8 as account_id, external_id, subject, description, status::text as status,
  priority::text as priority, type::text as type, requester_id::float8 as requester_id, submitter_id::float8 as submitter_id,
  assignee_id::float8 as assignee_id, group_id::float8 as group_id, organization_id::float8 as organization_id, tags,
  ${ms(sql`due_at`)} as due_at, via_channel::text as via_channel, via_source::text as via_source, is_public,
  followup_source_id::float8 as followup_source_id, ${ms(sql`generated_at`)} as generated_at,
  ${ms(sql`created_at`)} as created_at, ${ms(sql`updated_at`)} as updated_at`;

/** The account's tickets of the scope, in id order (the query Batches pages). */
export const ticketQuery = (s: Scope) => sql`select ${ticketColumns} from tickets where ${inRange(s)} order by id`;

function toTicket(r: Row): Ticket {
  return {
    id: Number(r.id), accountId: r.account_id as number, externalId: r.external_id as string | null,
    subject: r.subject as string, description: r.description as string, status: r.status as TicketStatus,
    priority: r.priority as TicketPriority | null, type: r.type as TicketType | null,
    requesterId: r.requester_id as number, submitterId: r.submitter_id as number, assigneeId: num(r.assignee_id),
    groupId: num(r.group_id), organizationId: num(r.organization_id), tags: r.tags as string[], dueAt: toDate(r.due_at),
    viaChannel: r.via_channel as ViaChannel, viaSource: json(r.via_source), isPublic: r.is_public as boolean,
    followupSourceId: num(r.followup_source_id), generatedAt: toDate(r.generated_at)!, createdAt: toDate(r.created_at)!, updatedAt: toDate(r.updated_at)!,
  };
}

function toComment(r: Row): Comment {
  return {
    id: r.id as number, accountId: r.account_id as number, ticketId: r.ticket_id as number, auditId: r.audit_id as number,
    authorId: r.author_id as number, authorRole: r.author_role as UserRole, body: r.body as string, htmlBody: r.html_body as string,
    public: r.public as boolean, viaChannel: r.via_channel as ViaChannel, metadata: json(r.metadata), createdAt: toDate(r.created_at)!,
  };
}

type Rating = typeof satisfactionRatings.$inferSelect;
function toRating(r: Row): Rating {
  return {
    id: r.id as number, accountId: r.account_id as number, ticketId: r.ticket_id as number, requesterId: r.requester_id as number,
    assigneeId: num(r.assignee_id), groupId: num(r.group_id), score: r.score as SatisfactionScore, comment: r.comment as string | null,
    reason: r.reason as string | null, createdAt: toDate(r.created_at)!, updatedAt: toDate(r.updated_at)!,
  };
}

/** The active custom fields, in the order the API lists them in `custom_fields`. */
export async function activeFieldIds(snap: Snapshot, accountId: number): Promise<number[]> {
  const rows = await snap.rows<{ id: number }>(sql`select id::float8 as id from ticket_fields
    where account_id = ${accountId} and active order by position, id`);
  return rows.map((r) => r.id);
}

/** What ticketShape needs beyond the rows, for one batch: one query per kind (as loadTicketExtras). */
export async function loadExtras(snap: Snapshot, accountId: number, fieldIds: number[], ids: number[]): Promise<TicketExtras> {
  const scope = sql`account_id = ${accountId} and ticket_id = any(${idArray(ids)})`;
  const [values, ratings, followups] = await Promise.all([
    snap.rows(sql`select ticket_id::float8 as ticket_id, field_id::float8 as field_id, value::text as value from ticket_field_values where ${scope}`),
    snap.rows(sql`select id::float8 as id, account_id::float8 as account_id, ticket_id::float8 as ticket_id, requester_id::float8 as requester_id,
      assignee_id::float8 as assignee_id, group_id::float8 as group_id, score::text as score, comment, reason,
      ${ms(sql`created_at`)} as created_at, ${ms(sql`updated_at`)} as updated_at from satisfaction_ratings where ${scope}`),
    snap.rows(sql`select id::float8 as id, followup_source_id::float8 as source from tickets
      where account_id = ${accountId} and followup_source_id = any(${idArray(ids)}) order by id`),
  ]);
  const extras: TicketExtras = { fieldIds, values: new Map(), ratings: new Map(), followups: new Map() };
  for (const v of values) {
    const t = v.ticket_id as number;
    let m = extras.values.get(t);
    if (!m) extras.values.set(t, (m = new Map()));
    m.set(v.field_id as number, json(v.value));
  }
  for (const r of ratings) extras.ratings.set(r.ticket_id as number, toRating(r));
  for (const f of followups) {
    const source = f.source as number;
    extras.followups.set(source, [...(extras.followups.get(source) ?? []), f.id as number]);
  }
  return extras;
}

async function loadComments(snap: Snapshot, accountId: number, ids: number[]): Promise<Map<number, Comment[]>> {
  const rows = await snap.rows(sql`select id::float8 as id, account_id::float8 as account_id, ticket_id::float8 as ticket_id,
    audit_id::float8 as audit_id, author_id::float8 as author_id, author_role::text as author_role, body, html_body, public,
    via_channel::text as via_channel, metadata::text as metadata, ${ms(sql`created_at`)} as created_at
    from comments where account_id = ${accountId} and ticket_id = any(${idArray(ids)}) order by ticket_id, id`);
  const byTicket = new Map<number, Comment[]>();
  for (const r of rows) {
    const c = toComment(r);
    let list = byTicket.get(c.ticketId);
    if (!list) byTicket.set(c.ticketId, (list = []));
    list.push(c);
  }
  return byTicket;
}

/** Sink for the tickets whose comments were left out (SPEC E9). */
export type Oversized = (ticketId: number) => void;
export type Counter = (rows: number) => Promise<void>;

/**
 * `{"ticket":{…}}` lines, the ticket exactly as the API shapes it with its generated_timestamp and
 * its comments (ordered by id). A line over 1 MB is written again without comments.
 */
export async function* ticketLines(snap: Snapshot, scope: Scope, fieldIds: number[], oversized: Oversized, counted: Counter): AsyncIterable<string> {
  const batches = readAhead(snap.batches(ticketQuery(scope)), async (rows) => {
    const ids = rows.map((r) => Number(r.id));
    const [extras, comments] = await Promise.all([loadExtras(snap, scope.accountId, fieldIds, ids), loadComments(snap, scope.accountId, ids)]);
    return { rows, extras, comments };
  });
  for await (const { rows, extras, comments } of batches) {
    let out = '';
    for (const r of rows) {
      const ticket = ticketShape(toTicket(r), scope.base, extras, { generated: true });
      let line = JSON.stringify({ ticket: { ...ticket, comments: (comments.get(ticket.id) ?? []).map(commentShape) } });
      // Cheap test first: a string of n UTF-16 units holds at most 3n UTF-8 bytes.
      if (line.length * 3 > TICKET_JSON_LIMIT && Buffer.byteLength(line) > TICKET_JSON_LIMIT) {
        line = JSON.stringify({ ticket: { ...ticket, comments: [] } });
        oversized(ticket.id);
      }
      out += `${line}\n`;
    }
    yield out;
    await counted(rows.length);
  }
}

/** The second file of a JSON export with oversized tickets. */
export function errorLines(ticketIds: number[]): string {
  return ticketIds.map((id) => `${JSON.stringify({ ticket_id: id, error: COMMENTS_LEFT_OUT })}\n`).join('');
}

export const userQuery = (s: Scope) => sql`select id, account_id::float8 as account_id, name, email, role::text as role,
  is_owner, organization_id::float8 as organization_id, default_group_id::float8 as default_group_id, external_id, phone, time_zone,
  locale, tags, notes, details, verified, active, suspended, ${ms(sql`last_login_at`)} as last_login_at,
  ${ms(sql`generated_at`)} as generated_at, ${ms(sql`created_at`)} as created_at, ${ms(sql`updated_at`)} as updated_at
  from users where ${inRange(s)} order by id`;

function toUser(r: Row): User {
  return {
    id: Number(r.id), accountId: r.account_id as number, name: r.name as string, email: r.email as string, role: r.role as UserRole,
    isOwner: r.is_owner as boolean,
    passwordHash: null, // never read into an export
    organizationId: num(r.organization_id), defaultGroupId: num(r.default_group_id), externalId: r.external_id as string | null,
    phone: r.phone as string | null, timeZone: r.time_zone as string | null, locale: r.locale as string, tags: r.tags as string[],
    notes: r.notes as string | null, details: r.details as string | null, verified: r.verified as boolean, active: r.active as boolean,
    suspended: r.suspended as boolean, lastLoginAt: toDate(r.last_login_at), generatedAt: toDate(r.generated_at)!,
    createdAt: toDate(r.created_at)!, updatedAt: toDate(r.updated_at)!,
  };
}

export async function* userLines(snap: Snapshot, scope: Scope, counted: Counter): AsyncIterable<string> {
  for await (const rows of snap.batches(userQuery(scope))) {
    yield rows.map((r) => `${JSON.stringify({ user: userShape(toUser(r), scope.base, { generated: true }) })}\n`).join('');
    await counted(rows.length);
  }
}

/** Deleted organizations included, with their deleted_at (SPEC E7). */
export const organizationQuery = (s: Scope) => sql`select id, account_id::float8 as account_id, name, external_id,
  domain_names, tags, details, notes, group_id::float8 as group_id, shared_tickets, shared_comments, ${ms(sql`deleted_at`)} as deleted_at,
  ${ms(sql`generated_at`)} as generated_at, ${ms(sql`created_at`)} as created_at, ${ms(sql`updated_at`)} as updated_at
  from organizations where ${inRange(s)} order by id`;

function toOrganization(r: Row): Organization {
  return {
    id: Number(r.id), accountId: r.account_id as number, name: r.name as string, externalId: r.external_id as string | null,
    domainNames: r.domain_names as string[], tags: r.tags as string[], details: r.details as string | null, notes: r.notes as string | null,
    groupId: num(r.group_id), sharedTickets: r.shared_tickets as boolean, sharedComments: r.shared_comments as boolean,
    deletedAt: toDate(r.deleted_at), generatedAt: toDate(r.generated_at)!, createdAt: toDate(r.created_at)!, updatedAt: toDate(r.updated_at)!,
  };
}

export async function* organizationLines(snap: Snapshot, scope: Scope, counted: Counter): AsyncIterable<string> {
  for await (const rows of snap.batches(organizationQuery(scope))) {
    yield rows.map((r) => `${JSON.stringify({ organization: organizationShape(toOrganization(r), scope.base, { generated: true }) })}\n`).join('');
    await counted(rows.length);
  }
}
