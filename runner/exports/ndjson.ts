import { sql, type SQL } from 'drizzle-orm';
import type { Organization, User, UserRole } from '../../db/schema/index.ts';
import { organizationShape } from '../core/organizations.ts';
import { userShape } from '../core/users.ts';
import { ms, toDate, type Snapshot } from './snapshot.ts';

/** A JSON line of a ticket may not exceed this many bytes with its comments (SPEC E9). */
export const TICKET_JSON_LIMIT = 1_048_576;
export const COMMENTS_LEFT_OUT = "The ticket's comments were left out because its data exceeds the 1 MB limit";

/** Which rows of a table an export takes: the account's, in a generated_at range. */
export type Scope = { accountId: number; base: string; from: Date | null; to: Date | null; fence: Date | null };

/** `generated_at` in [from, to), below the PGlite fence (see snapshot.ts). */
export function inRange(s: Scope, column: SQL = sql`generated_at`, account: SQL = sql`account_id`): SQL {
  const parts: SQL[] = [sql`${account} = ${s.accountId}`];
  if (s.from) parts.push(sql`${column} >= to_timestamp(${s.from.getTime()}::float8 / 1000)`);
  if (s.to) parts.push(sql`${column} < to_timestamp(${s.to.getTime()}::float8 / 1000)`);
  if (s.fence) parts.push(sql`${column} < to_timestamp(${s.fence.getTime()}::float8 / 1000)`);
  return sql.join(parts, sql` and `);
}

type Row = Record<string, unknown>;
const num = (v: unknown) => (v == null ? null : Number(v));

/** The active custom fields, in the order the API lists them in `custom_fields`. */
export async function activeFieldIds(snap: Snapshot, accountId: number): Promise<number[]> {
  const rows = await snap.rows<{ id: number }>(sql`select id::float8 as id from ticket_fields
    where account_id = ${accountId} and active order by position, id`);
  return rows.map((r) => r.id);
}

/** Sink for the tickets whose comments were left out (SPEC E9). */
export type Oversized = (ticketId: number) => void;
export type Counter = (rows: number) => Promise<void>;

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
