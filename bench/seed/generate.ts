/**
 * Bulk, deterministic benchmark data: one account with agents, groups, organizations, end-users,
 * ticket fields, a schedule and N tickets with their comments, audits, audit events, custom field
 * values and satisfaction ratings, shaped exactly as runner/core/tickets.ts writes them. Stored
 * ticket metrics are not written: `npm run metrics:rebuild -- --account <subdomain>` computes them.
 *
 * Every generated row is a pure function of (seed, kind, index): the same options on a fresh
 * database give identical rows. Rows go in through COPY (postgres.js `.writable()` streams on
 * PostgreSQL, `COPY ... FROM '/dev/blob'` on PGlite), a batch of tickets at a time, so memory stays
 * bounded whatever the ticket count. Ids are taken from each table's identity sequence by reserving
 * a block per batch, so they are known while generating and later normal inserts continue after them.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import { eq, sql } from 'drizzle-orm';
import type postgres from 'postgres';
import type { Database } from '../../db/client.ts';
import {
  accounts, groups, ticketFields, users,
  type TicketPriority, type TicketStatus, type TicketType, type UserRole, type ViaChannel,
} from '../../db/schema/index.ts';
import { createAccount, createApiToken, findAccountBySubdomain } from '../../runner/core/accounts.ts';
import { manualClock } from '../../runner/core/clock.ts';
import type { Actor } from '../../runner/core/context.ts';
import { createSchedule, type HolidayInput } from '../../runner/core/schedules.ts';
import { randomToken } from '../../runner/core/secrets.ts';
import { COMPANIES, CUSTOMER_REPLIES, FIRST_NAMES, LAST_NAMES, NOTES, REPLIES, SUBJECTS } from '../../runner/demo/random.ts';

export type SeedOptions = {
  tickets: number;
  /** Account subdomain (default `bench`). */
  account?: string;
  seed?: number;
  /** Delete the account's rows first when it exists; without it an existing account is refused. */
  replace?: boolean;
  /** Fix the API token's value (default: random). */
  token?: string;
  /** End of the generated history (tickets spread over the 365 days before). Default: today 00:00 UTC. */
  now?: Date;
  /** Tickets generated per batch (one id reservation and one write per table per batch). */
  batchSize?: number;
  onProgress?: (p: SeedProgress) => void;
};

export type SeedProgress = { phase: 'replace' | 'setup' | 'users' | 'tickets' | 'finish' | 'analyze'; ticketsDone: number; tickets: number; rows: number; seconds: number };

export type SeedSummary = {
  accountId: number;
  subdomain: string;
  ownerEmail: string;
  apiToken: string;
  seed: number;
  now: string;
  /** Rows written per table by the generator. */
  counts: Record<string, number>;
  totalRows: number;
  seconds: number;
};

export class AccountExistsError extends Error {
  constructor(readonly subdomain: string) {
    super(`Account "${subdomain}" already exists: pass --replace to delete its data and seed it again`);
  }
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SPAN = 365 * DAY;

/** How many of each thing a data set of `tickets` tickets has. */
export function benchSizes(tickets: number) {
  const agents = Math.min(200, Math.max(5, Math.round(tickets / 2000)));
  return {
    agents,
    groups: Math.min(24, Math.max(3, Math.round(agents / 8))),
    organizations: Math.max(3, Math.round(tickets / 1000)),
    endUsers: Math.max(10, Math.round(tickets / 5)),
  };
}

/** Start of the current UTC day: the default end of the history, stable for a whole day. */
export function defaultNow(at = new Date()): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness: one independent stream per (seed, kind, index).

/**
 * mulberry32, the generator of runner/demo/random.ts's `rng()` (same seed, same numbers), as a
 * reseedable object: a stream per ticket then costs no closures, which matters at millions of tickets.
 */
export class Stream {
  private a = 0;
  constructor(seed = 0) { this.a = seed >>> 0; }
  reseed(seed: number): this { this.a = seed >>> 0; return this; }
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number { return min + Math.floor(this.next() * (max - min + 1)); }
  pick<T>(xs: readonly T[]): T { return xs[Math.floor(this.next() * xs.length)]!; }
  chance(p: number): boolean { return this.next() < p; }
}

const fmix32 = (h: number) => {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
};
const Kind = { Ticket: 1, EndUser: 2, Agent: 3, Org: 4, Membership: 5 } as const;
/** The seed of stream (seed, kind, index). */
export const streamSeed = (seed: number, kind: number, index: number) =>
  fmix32(fmix32(seed >>> 0) ^ fmix32(Math.imul(kind, 0x9e3779b1) ^ index) ^ Math.floor(index / 4294967296));

// ---------------------------------------------------------------------------------------------
// COPY text format.

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const esc = (s: string) => (NEEDS_ESCAPE.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : s);
const NULL = '\\N';
const nn = (v: number | null) => (v === null ? NULL : String(v));
/** text[] literal; the generator only puts plain words (letters, digits, dots, dashes) in arrays. */
const arr = (xs: readonly string[]) => `{${xs.join(',')}}`;
/** JSON text of a value, escaped for COPY. */
const jsonText = (v: unknown) => esc(JSON.stringify(v));

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const TIME_OF_DAY: string[] = [];
const dayPrefix = new Map<number, string>();
/** timestamptz text, UTC ("2026-01-05 09:00:00+00"): Date#toISOString costs ~1 µs, this far less. */
function ts(ms: number): string {
  const day = Math.floor(ms / DAY);
  let d = dayPrefix.get(day);
  if (d === undefined) dayPrefix.set(day, (d = new Date(day * DAY).toISOString().slice(0, 10)));
  if (!TIME_OF_DAY.length) for (let s = 0; s < 86400; s++) TIME_OF_DAY.push(`${pad2(Math.floor(s / 3600))}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}`);
  const rest = ms - day * DAY;
  const sec = Math.floor(rest / SECOND);
  const milli = rest - sec * SECOND;
  return milli ? `${d} ${TIME_OF_DAY[sec]}.${String(milli).padStart(3, '0')}+00` : `${d} ${TIME_OF_DAY[sec]}+00`;
}

// Same HTML as runner/core/tickets.ts gives a comment body.
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const htmlOf = (body: string) => `<div class="zd-comment" dir="auto">${body.split(/\n{2,}/).map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('')}</div>`;

/** A comment body and its HTML, escaped for COPY. Most bodies repeat (templates × names): cached. */
type CommentText = { body: string; html: string };
const textCache = new Map<string, CommentText>();
function commentText(body: string, cache = true): CommentText {
  let c = cache ? textCache.get(body) : undefined;
  if (!c) {
    c = { body: esc(body), html: esc(htmlOf(body)) };
    if (cache) {
      if (textCache.size >= 100_000) textCache.clear();
      textCache.set(body, c);
    }
  }
  return c;
}

const ascii = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

// ---------------------------------------------------------------------------------------------
// Bulk writers: the same COPY text goes to PostgreSQL streams or PGlite blobs.

type SeqTable = 'users' | 'organizations' | 'tickets' | 'comments' | 'audits' | 'audit_events' | 'satisfaction_ratings';

interface TableWriter {
  readonly table: string;
  rows: number;
  add(line: string): void;
}

interface BulkSink {
  open(table: string, columns: readonly string[]): Promise<TableWriter>;
  /** Hands buffered rows on and waits while the database is too far behind. */
  drain(): Promise<void>;
  /** Finishes every open table (their COPY commits). */
  close(): Promise<void>;
  abort(err: unknown): Promise<void>;
  /** Gives back the connection reservations used (after close). */
  release(): Promise<void>;
  reserve(counts: Partial<Record<SeqTable, number>>): Promise<Record<SeqTable, number>>;
}

const FLUSH_CHARS = 1 << 18;

type RawQuery = (text: string) => Promise<Record<string, string>[]>;

/**
 * Takes a block of ids from each sequence: [nextval, nextval + n - 1], the sequence moved past it in
 * the same statement. A concurrent insert could only slip in between the two calls of that statement.
 */
async function reserveIds(query: RawQuery, seqs: Map<SeqTable, string>, counts: Partial<Record<SeqTable, number>>) {
  const cols: string[] = [];
  for (const [table, n] of Object.entries(counts) as [SeqTable, number][]) {
    if (!n) continue;
    const s = seqs.get(table)!.replace(/'/g, "''");
    cols.push(`(setval('${s}', nextval('${s}') + ${n - 1}) - ${n - 1})::text as "${table}"`);
  }
  const out = {} as Record<SeqTable, number>;
  if (!cols.length) return out;
  const [row] = await query(`select ${cols.join(', ')}`);
  for (const [k, v] of Object.entries(row!)) out[k as SeqTable] = Number(v);
  return out;
}

async function sequenceNames(database: Database): Promise<Map<SeqTable, string>> {
  const tables: SeqTable[] = ['users', 'organizations', 'tickets', 'comments', 'audits', 'audit_events', 'satisfaction_ratings'];
  const [row] = await database.rows<Record<string, string>>(sql.raw(
    `select ${tables.map((t) => `pg_get_serial_sequence('public.${t}', 'id') as "${t}"`).join(', ')}`));
  return new Map(tables.map((t) => [t, row![t]!]));
}

class PostgresSink implements BulkSink {
  private writers: PgWriter[] = [];
  private control: Promise<postgres.ReservedSql> | null = null;
  constructor(private client: postgres.Sql, private seqs: Map<SeqTable, string>) {}

  /** Reservations run on their own connection, without waiting for a WAL flush each time. */
  private controlConnection() {
    this.control ??= this.client.reserve().then(async (c) => {
      await c.unsafe('set synchronous_commit = off');
      return c;
    });
    return this.control;
  }

  async open(table: string, columns: readonly string[]) {
    const stream = await this.client.unsafe(`copy ${table} (${columns.join(', ')}) from stdin`).writable();
    const w = new PgWriter(table, stream);
    this.writers.push(w);
    return w;
  }

  async drain() {
    // Up to 8 MiB waits in Node per table: PostgreSQL works while the next batch is generated.
    for (const w of this.writers) await w.drain(8 << 20);
  }

  async close() {
    const ws = this.writers;
    this.writers = [];
    await Promise.all(ws.map((w) => w.end()));
  }

  async release() {
    const control = this.control;
    this.control = null;
    if (!control) return;
    const c = await control;
    // The connection goes back to the application's pool: with its usual durability.
    await c.unsafe('reset synchronous_commit').catch(() => {});
    c.release();
  }

  async abort(err: unknown) {
    const ws = this.writers;
    this.writers = [];
    // Destroying a COPY stream sends CopyFail: the server rolls that COPY back.
    await Promise.all(ws.map((w) => w.destroy(err)));
    await this.release();
  }

  async reserve(counts: Partial<Record<SeqTable, number>>) {
    const control = await this.controlConnection();
    return reserveIds((text) => control.unsafe(text) as unknown as Promise<Record<string, string>[]>, this.seqs, counts);
  }
}

class PgWriter implements TableWriter {
  rows = 0;
  private parts: string[] = [];
  private size = 0;
  private error: unknown = null;
  constructor(readonly table: string, private stream: Writable) {
    stream.on('error', (e) => { this.error ??= e; });
  }

  add(line: string) {
    this.parts.push(line);
    this.size += line.length;
    this.rows++;
    if (this.size >= FLUSH_CHARS) this.flush();
  }

  private flush() {
    if (this.error) throw this.error;
    if (!this.parts.length) return;
    this.stream.write(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }

  async drain(limit: number) {
    this.flush();
    while (this.stream.writableLength > limit) {
      if (this.error) throw this.error;
      await once(this.stream, 'drain');
    }
  }

  async end() {
    this.flush();
    this.stream.end();
    await finished(this.stream);
    if (this.error) throw this.error;
  }

  async destroy(err: unknown) {
    if (this.stream.destroyed) return;
    this.stream.destroy(err instanceof Error ? err : new Error(String(err)));
    await finished(this.stream).catch(() => {});
  }
}

class PgliteSink implements BulkSink {
  private writers: PgliteWriter[] = [];
  constructor(private client: PGlite, private seqs: Map<SeqTable, string>) {}

  async open(table: string, columns: readonly string[]) {
    const w = new PgliteWriter(table, columns, this.client);
    this.writers.push(w);
    return w;
  }

  async drain() {
    for (const w of this.writers) await w.flush(4 << 20);
  }

  async close() {
    const ws = this.writers;
    this.writers = [];
    for (const w of ws) await w.flush(0);
  }

  async release() {}

  async abort() {
    this.writers = [];
  }

  reserve(counts: Partial<Record<SeqTable, number>>) {
    return reserveIds(async (text) => (await this.client.query<Record<string, string>>(text)).rows, this.seqs, counts);
  }
}

class PgliteWriter implements TableWriter {
  rows = 0;
  private parts: string[] = [];
  private size = 0;
  constructor(readonly table: string, private columns: readonly string[], private client: PGlite) {}

  add(line: string) {
    this.parts.push(line);
    this.size += line.length;
    this.rows++;
  }

  /** Loads the buffered rows once they pass `min` characters (0: whatever is buffered). */
  async flush(min: number) {
    if (!this.parts.length || this.size < min) return;
    const blob = new Blob(this.parts);
    this.parts = [];
    this.size = 0;
    await this.client.query(`copy ${this.table} (${this.columns.join(', ')}) from '/dev/blob'`, [], { blob });
  }
}

/** COPY streams open at once (6 ticket tables) + the reservation connection. */
const PG_CONNECTIONS = 7;

function sinkFor(database: Database, seqs: Map<SeqTable, string>): BulkSink {
  const client = (database.db as unknown as { $client: unknown }).$client;
  if (database.kind === 'postgres') {
    const pg = client as postgres.Sql;
    const max = (pg.options as { max?: number }).max ?? 10;
    if (max < PG_CONNECTIONS + 1) throw new Error(`The bulk seed needs a pool of at least ${PG_CONNECTIONS + 1} connections (createDb maxConnections), this one has ${max}`);
    return new PostgresSink(pg, seqs);
  }
  return new PgliteSink(client as PGlite, seqs);
}

// ---------------------------------------------------------------------------------------------
// Columns written (the others take their defaults).

const COLS = {
  organizations: ['id', 'account_id', 'name', 'domain_names', 'tags', 'deleted_at', 'generated_at', 'created_at', 'updated_at'],
  users: ['id', 'account_id', 'name', 'email', 'role', 'organization_id', 'time_zone', 'locale', 'generated_at', 'created_at', 'updated_at'],
  group_memberships: ['account_id', 'group_id', 'user_id', 'created_at', 'updated_at'],
  tickets: ['id', 'account_id', 'subject', 'description', 'status', 'priority', 'type', 'requester_id', 'submitter_id', 'assignee_id', 'group_id',
    'organization_id', 'tags', 'due_at', 'via_channel', 'is_public', 'generated_at', 'created_at', 'updated_at'],
  audits: ['id', 'account_id', 'ticket_id', 'author_id', 'author_role', 'via_channel', 'created_at'],
  comments: ['id', 'account_id', 'ticket_id', 'audit_id', 'author_id', 'author_role', 'body', 'html_body', 'public', 'via_channel', 'created_at'],
  audit_events: ['id', 'account_id', 'audit_id', 'ticket_id', 'type', 'field_name', 'value', 'previous_value', 'comment_id'],
  ticket_field_values: ['account_id', 'ticket_id', 'field_id', 'value'],
  satisfaction_ratings: ['id', 'account_id', 'ticket_id', 'requester_id', 'assignee_id', 'group_id', 'score', 'comment', 'created_at', 'updated_at'],
} as const;

// ---------------------------------------------------------------------------------------------
// Texts.

const GROUP_NAMES = ['Support', 'Billing', 'Escalations', 'Shipping', 'Returns', 'Technical', 'VIP care', 'Partners', 'Onboarding', 'Payments', 'Tier 2', 'Tier 3'];
const MAIL_DOMAINS = ['mail.example', 'inbox.example', 'post.example', 'webmail.example'];
const TIME_ZONES = ['Europe/Paris', 'Europe/Paris', 'America/New_York', 'Europe/London', 'Europe/Berlin', null] as const;
const LOCALES = ['en-US', 'en-US', 'en-US', 'fr-FR', 'de-DE', 'en-GB'] as const;
const OPENERS = ['Hello,', 'Hi there,', 'Good morning,', 'Hello team,', 'Bonjour,'];
const DETAILS = [
  'I ordered it two weeks ago and the tracking page has not changed since.',
  'I already tried the steps in your help center, without luck.',
  "This is the second time it happens this month, and I'm starting to worry.",
  'Could you please look into it as soon as possible?',
  'The checkout showed a different total than my bank statement.',
  'My colleague had the same problem last week.',
  'I attached a screenshot of the error message "Something went wrong".',
  'Happy to give you a call if that is easier.',
];
const SOLVE_REPLIES = ['Glad we could help. Closing this for now.', 'Happy this is sorted! Let us know if anything else comes up.', 'All done on our side: the ticket will close automatically in a few days.'];
const HOLD_NOTES = ['Waiting on the warehouse.', 'Waiting for the carrier to confirm the claim.', 'On hold until billing answers.'];
const REOPEN_REPLIES = ['Sorry, the problem is back.', 'It happened again this morning.', 'Actually it is still not working.'];
const BAD_COMMENTS = ['Took too long.', 'I had to write three times.', 'The answer did not help.'];
const PRODUCTS = ['web_shop', 'mobile_app', 'marketplace'] as const;
const COMPONENTS = ['payment', 'shipping', 'account'] as const;
const PRIORITIES: readonly TicketPriority[] = ['low', 'normal', 'normal', 'normal', 'high', 'urgent'];
const TYPES: readonly (TicketType | null)[] = ['question', 'question', 'incident', 'problem', 'task', null];
const VIAS: readonly ViaChannel[] = ['web', 'email', 'email', 'chat', 'messaging'];

// ---------------------------------------------------------------------------------------------
// The account's people, computed once (small arrays even at 1M tickets).

type World = {
  seed: number;
  accountId: number;
  ownerId: number;
  end: number;
  start: number;
  tickets: number;
  agentBase: number;
  agentFirst: string[];
  endUserBase: number;
  endUsers: number;
  endUserOrg: Int32Array; // organization id, 0 for none
  endUserFirst: Uint8Array; // index in FIRST_NAMES
  groupIds: number[];
  groupAgents: number[][]; // agent ids per group (same order as groupIds)
  fields: { product: number; orderNo: number; escalated: number; components: number };
};

type EndUserRow = { first: number; last: number; name: string; email: string; org: number; timeZone: string | null; locale: string; createdAt: number };

function endUserRow(r: Stream, seed: number, j: number, aliveOrgs: { id: number; domain: string }[], start: number): EndUserRow {
  r.reseed(streamSeed(seed, Kind.EndUser, j));
  const first = r.int(0, FIRST_NAMES.length - 1), last = r.int(0, LAST_NAMES.length - 1);
  const org = r.chance(0.6) ? r.pick(aliveOrgs) : null;
  const domain = org ? org.domain : r.pick(MAIL_DOMAINS);
  return {
    first, last,
    name: `${FIRST_NAMES[first]} ${LAST_NAMES[last]}`,
    email: ascii(`${FIRST_NAMES[first]}.${LAST_NAMES[last]}.${j + 1}@${domain}`),
    org: org?.id ?? 0,
    timeZone: r.pick(TIME_ZONES),
    locale: r.pick(LOCALES),
    createdAt: start - r.int(1, 730) * DAY - r.int(0, 86399) * SECOND,
  };
}

// ---------------------------------------------------------------------------------------------
// One batch of tickets, planned with batch-local ids, then written with the reserved ones.
// Audits, events and comments live in parallel arrays: at 30 rows a ticket, objects would keep
// the garbage collector busier than the generation itself.

type TicketRow = {
  subject: string; description: string; status: TicketStatus; priority: TicketPriority; type: TicketType | null; requester: number;
  assignee: number | null; group: number | null; org: number | null; tags: string; dueAt: number | null; via: ViaChannel; createdAt: number; updatedAt: number;
};

class Batch {
  tickets: TicketRow[] = [];
  // audits
  auTicket: number[] = [];
  auAt: number[] = [];
  auAuthor: number[] = [];
  /** "author_role\tvia_channel" */
  auRoleVia: string[] = [];
  // audit events: "type\tfield_name\tvalue\tprevious_value", COPY-escaped
  evAudit: number[] = [];
  evTicket: number[] = [];
  evComment: number[] = [];
  evText: string[] = [];
  // comments
  cmAudit: number[] = [];
  cmTicket: number[] = [];
  cmAuthor: number[] = [];
  cmText: CommentText[] = [];
  cmPublic: boolean[] = [];
  // ticket field values: "field_id\tvalue"
  fieldTicket: number[] = [];
  fields: string[] = [];
  ratings: { t: number; requester: number; assignee: number | null; group: number | null; score: 'offered' | 'good' | 'bad'; comment: string | null; at: number }[] = [];
}

const STATUS_JSON = Object.fromEntries(['new', 'open', 'pending', 'hold', 'solved', 'closed'].map((s) => [s, `"${s}"`])) as Record<TicketStatus, string>;
const WORD_JSON = (xs: readonly string[]) => Object.fromEntries(xs.map((s) => [s, `"${s}"`])) as Record<string, string>;
const PRIORITY_JSON = WORD_JSON(['low', 'normal', 'high', 'urgent']);
const TYPE_JSON = WORD_JSON(['question', 'incident', 'problem', 'task']);
const PRODUCT_JSON = WORD_JSON(PRODUCTS);
const TAG_SETS = [
  { text: '{}', json: null },
  { text: '{shipping}', json: '["shipping"]' },
  { text: '{billing,invoice}', json: '["billing","invoice"]' },
] as const;
const COMPONENT_SETS = [...COMPONENTS.map((c) => `["${c}"]`), '["payment","shipping"]'];
const ROLE_VIA = (role: UserRole, via: ViaChannel) => `${role}\t${via}`;

/** One ticket's life, as the domain functions would have recorded it (see runner/demo/seed-demo.ts). */
class Planner {
  private r = new Stream();
  private b!: Batch;
  private t = 0;
  private x!: TicketRow;
  private cur = 0;
  private comments = 0;
  private audit = -1;
  private comment = -1;
  constructor(private w: World) {}

  /** An optional next step: false (and the story stops) when it would fall after the end. */
  private step(minMinutes: number, maxMinutes: number): boolean {
    const next = this.cur + this.r.int(minMinutes, maxMinutes) * MINUTE + this.r.int(0, 59) * SECOND;
    if (next >= this.w.end - MINUTE) return false;
    this.cur = next;
    return true;
  }

  /** A step that must happen: squeezed before the end when time runs out. */
  private must(minMinutes: number, maxMinutes: number) {
    const next = this.cur + this.r.int(minMinutes, maxMinutes) * MINUTE + this.r.int(0, 59) * SECOND;
    this.cur = next < this.w.end - MINUTE ? next : this.cur + Math.max(1, Math.floor((this.w.end - this.cur) * (0.2 + 0.6 * this.r.next())));
  }

  /** Starts an audit (and its comment) at the current time: writeAudit's audit → comment → events. */
  private begin(author: number, role: UserRole, via: ViaChannel, comment: CommentText | null = null, isPublic = true) {
    const b = this.b;
    this.audit = b.auTicket.length;
    b.auTicket.push(this.t);
    b.auAt.push(this.cur);
    b.auAuthor.push(author);
    b.auRoleVia.push(ROLE_VIA(role, via));
    this.comment = -1;
    if (comment) {
      this.comment = b.cmAudit.length;
      b.cmAudit.push(this.audit);
      b.cmTicket.push(this.t);
      b.cmAuthor.push(author);
      b.cmText.push(comment);
      b.cmPublic.push(isPublic);
      this.comments++;
    }
    this.x.updatedAt = this.cur;
  }

  private event(text: string) {
    const b = this.b;
    b.evAudit.push(this.audit);
    b.evTicket.push(this.t);
    b.evComment.push(-1);
    b.evText.push(text);
  }

  private create(field: string, value: string) { this.event(`Create\t${field}\t${value}\t${NULL}`); }
  private change(field: string, value: string, prev: string) { this.event(`Change\t${field}\t${value}\t${prev}`); }

  /** Ends the audit: the Comment event comes after the field events. */
  private end() {
    if (this.comment < 0) return;
    const b = this.b;
    b.evAudit.push(this.audit);
    b.evTicket.push(this.t);
    b.evComment.push(this.comment);
    b.evText.push(`Comment\t${NULL}\t${NULL}\t${NULL}`);
  }

  // updateTicket's change(): an event only when the value differs, in its field order.
  private status(s: TicketStatus) {
    if (this.x.status === s) return;
    this.change('status', STATUS_JSON[s], STATUS_JSON[this.x.status]);
    this.x.status = s;
  }
  private group(id: number) {
    if (this.x.group === id) return;
    this.change('group_id', String(id), nn(this.x.group));
    this.x.group = id;
  }
  private assignee(id: number) {
    if (this.x.assignee === id) return;
    this.change('assignee_id', String(id), nn(this.x.assignee));
    this.x.assignee = id;
  }

  private agentReply(agent: number, reqFirst: string, text: string) {
    return commentText(`Hi ${reqFirst},\n\n${text}\n\nBest regards,\n${this.w.agentFirst[agent - this.w.agentBase]}`);
  }

  plan(i: number, b: Batch) {
    const { w, r } = this;
    r.reseed(streamSeed(w.seed, Kind.Ticket, i));
    const end = w.end;
    this.b = b;
    this.comments = 0;
    // Evenly spread over the year, in index order: ticket ids grow with created_at.
    const createdAt = w.start + Math.floor(((i + r.next()) * SPAN) / w.tickets / SECOND) * SECOND;
    this.cur = createdAt;

    // Requesters are skewed: a few customers write much more often than the rest.
    const j = Math.min(w.endUsers - 1, Math.floor(w.endUsers * r.next() ** 1.6));
    const requester = w.endUserBase + j;
    const reqFirst = FIRST_NAMES[w.endUserFirst[j]!]!;
    const orgId = w.endUserOrg[j]! || null;
    const orderNo = String(r.int(100000, 999999));
    const subject = r.pick(SUBJECTS).replace('{n}', orderNo);
    const d1 = r.pick(DETAILS);
    const d2 = r.chance(0.5) ? ` ${r.pick(DETAILS)}` : '';
    const description = `${r.pick(OPENERS)}\n\nAbout my order ${orderNo}: ${r.pick(CUSTOMER_REPLIES)} ${d1}${d2}\n\nThanks,\n${reqFirst}`;
    const priority = r.pick(PRIORITIES);
    const type = r.pick(TYPES);
    const tags = r.chance(0.3) ? TAG_SETS[1] : r.chance(0.3) ? TAG_SETS[2] : TAG_SETS[0];
    const via = r.pick(VIAS);
    const dueAt = type === 'task' ? Math.floor((createdAt + r.int(3, 14) * DAY) / HOUR) * HOUR : null;
    const product = r.pick(PRODUCTS);
    const components = r.chance(0.3) ? (r.chance(0.7) ? COMPONENT_SETS[r.int(0, 2)]! : COMPONENT_SETS[3]!) : null;

    this.t = b.tickets.length;
    const first = commentText(description, false);
    this.x = {
      subject, description: first.body, status: 'new', priority, type, requester, assignee: null, group: null, org: orgId, tags: tags.text, dueAt, via, createdAt, updatedAt: createdAt,
    };
    b.tickets.push(this.x);

    // Created by the requester (createTicket): Create events for the non-null fields, then the comment.
    this.begin(requester, 'end-user', via, first);
    this.create('subject', jsonText(subject));
    this.create('status', STATUS_JSON.new);
    this.create('priority', PRIORITY_JSON[priority]!);
    if (type) this.create('type', TYPE_JSON[type]!);
    this.create('requester_id', String(requester));
    if (orgId) this.create('organization_id', String(orgId));
    if (tags.json) this.create('tags', tags.json);
    if (dueAt !== null) this.create('due_at', `"${new Date(dueAt).toISOString()}"`);
    this.create(String(w.fields.product), PRODUCT_JSON[product]!);
    this.create(String(w.fields.orderNo), `"${orderNo}"`);
    if (components) this.create(String(w.fields.components), components);
    this.end();
    this.field(w.fields.product, PRODUCT_JSON[product]!);
    this.field(w.fields.orderNo, `"${orderNo}"`);
    if (components) this.field(w.fields.components, components);

    if (!this.step(5, 240)) {
      // Not triaged yet: the requester nudges.
      this.must(1, 120);
      this.begin(requester, 'end-user', 'email', commentText(`Any news about order ${orderNo}?`, false));
      this.end();
      return;
    }
    let g = r.int(0, w.groupIds.length - 1);
    let agent = r.pick(w.groupAgents[g]!);
    this.begin(agent, 'agent', 'web');
    this.group(w.groupIds[g]!);
    this.assignee(agent);
    this.status('open');
    this.end();
    if (r.chance(0.1) && this.step(10, 600)) {
      // Escalated to another group and agent.
      g = (g + r.int(1, w.groupIds.length - 1)) % w.groupIds.length;
      const members = w.groupAgents[g]!;
      let next = r.pick(members);
      if (next === agent && members.length > 1) next = members[(members.indexOf(next) + 1) % members.length]!;
      this.begin(agent, 'agent', 'web');
      this.group(w.groupIds[g]!);
      this.assignee(next);
      this.change(String(w.fields.escalated), 'true', NULL);
      this.end();
      this.field(w.fields.escalated, 'true');
      agent = next;
    }
    if (r.chance(0.25) && this.step(1, 60)) {
      this.begin(agent, 'agent', 'web', commentText(r.pick(NOTES)), false);
      this.end();
    }
    this.must(10, 1440);
    this.begin(agent, 'agent', 'web', this.agentReply(agent, reqFirst, r.pick(REPLIES)));
    this.status(r.chance(0.6) ? 'pending' : 'open');
    this.end();

    const fate = r.next();
    if (fate < 0.04) return; // Forgotten: still open or pending.
    if (fate < 0.12) {
      if (!this.step(30, 1440)) return;
      const note = this.comments < 3 && r.chance(0.5);
      this.begin(agent, 'agent', 'web', note ? commentText(r.pick(HOLD_NOTES)) : null, false);
      this.status('hold');
      this.end();
      if (r.chance(0.3) || !this.step(60, 2880)) return;
      this.begin(agent, 'agent', 'web');
      this.status('open');
      this.end();
    }
    if (this.comments < 3 && r.chance(0.35) && this.step(30, 2880)) {
      // The requester answers: a pending ticket reopens (updateTicket's rule).
      this.begin(requester, 'end-user', 'email', commentText(r.pick(CUSTOMER_REPLIES)));
      if (this.x.status === 'pending') this.status('open');
      this.end();
    }
    if (!this.step(30, 2880)) return;
    const solveText = this.comments < 3 && r.chance(0.7) ? this.agentReply(agent, reqFirst, r.pick(SOLVE_REPLIES)) : null;
    this.begin(agent, 'agent', 'web', solveText);
    this.status('solved');
    this.end();
    let solvedAt = this.cur;
    if (r.chance(0.1) && this.step(60, 2880)) {
      if (this.comments < 3) this.begin(requester, 'end-user', 'email', commentText(r.pick(REOPEN_REPLIES)));
      else this.begin(agent, 'agent', 'web');
      this.status('open');
      this.end();
      if (!this.step(30, 1440)) return;
      this.begin(agent, 'agent', 'web');
      this.status('solved');
      this.end();
      solvedAt = this.cur;
    }
    if (r.chance(0.5) && this.step(60, 1440)) {
      // rateTicket: no audit, but the ticket's updated_at moves.
      const roll = r.next();
      const score = roll < 0.15 ? 'offered' : roll < 0.85 ? 'good' : 'bad';
      b.ratings.push({ t: this.t, requester, assignee: this.x.assignee, group: this.x.group, score, comment: score === 'bad' ? r.pick(BAD_COMMENTS) : null, at: this.cur });
      this.x.updatedAt = this.cur;
    }
    // Solved tickets close 96 hours after their last solve (SPEC M7), at the next run of the
    // auto-close job (every 10 minutes): runner/core/auto-close.ts, the owner via a rule.
    const closeAt = solvedAt + 4 * DAY + r.int(0, 599) * SECOND;
    if (closeAt < end - MINUTE) {
      this.cur = closeAt;
      this.begin(w.ownerId, 'admin', 'rule');
      this.status('closed');
      this.end();
    }
  }

  private field(id: number, value: string) {
    this.b.fieldTicket.push(this.t);
    this.b.fields.push(`${id}\t${value}`);
  }
}

type Ids = Record<SeqTable, number>;

function writeBatch(w: World, b: Batch, ids: Ids, out: Record<keyof typeof COLS, TableWriter>) {
  const acc = w.accountId;
  const t0 = ids.tickets, a0 = ids.audits, c0 = ids.comments, e0 = ids.audit_events;
  for (let t = 0; t < b.tickets.length; t++) {
    const x = b.tickets[t]!;
    const updated = ts(x.updatedAt);
    out.tickets.add(`${t0 + t}\t${acc}\t${esc(x.subject)}\t${x.description}\t${x.status}\t${x.priority}\t${x.type ?? NULL}\t${x.requester}\t${x.requester}\t${nn(x.assignee)}\t${nn(x.group)}\t${nn(x.org)}\t${x.tags}\t${x.dueAt === null ? NULL : ts(x.dueAt)}\t${x.via}\tt\t${updated}\t${ts(x.createdAt)}\t${updated}\n`);
  }
  const auTs: string[] = new Array(b.auTicket.length);
  for (let a = 0; a < b.auTicket.length; a++) {
    const at = (auTs[a] = ts(b.auAt[a]!));
    out.audits.add(`${a0 + a}\t${acc}\t${t0 + b.auTicket[a]!}\t${b.auAuthor[a]}\t${b.auRoleVia[a]}\t${at}\n`);
  }
  for (let c = 0; c < b.cmAudit.length; c++) {
    const a = b.cmAudit[c]!;
    const text = b.cmText[c]!;
    // role and via are the audit's, as writeAudit gives them to its comment.
    const [role, via] = b.auRoleVia[a]!.split('\t');
    out.comments.add(`${c0 + c}\t${acc}\t${t0 + b.cmTicket[c]!}\t${a0 + a}\t${b.cmAuthor[c]}\t${role}\t${text.body}\t${text.html}\t${b.cmPublic[c] ? 't' : 'f'}\t${via}\t${auTs[a]}\n`);
  }
  for (let e = 0; e < b.evAudit.length; e++) {
    const c = b.evComment[e]!;
    out.audit_events.add(`${e0 + e}\t${acc}\t${a0 + b.evAudit[e]!}\t${t0 + b.evTicket[e]!}\t${b.evText[e]}\t${c < 0 ? NULL : c0 + c}\n`);
  }
  for (let f = 0; f < b.fields.length; f++) out.ticket_field_values.add(`${acc}\t${t0 + b.fieldTicket[f]!}\t${b.fields[f]}\n`);
  for (let k = 0; k < b.ratings.length; k++) {
    const x = b.ratings[k]!;
    const at = ts(x.at);
    out.satisfaction_ratings.add(`${ids.satisfaction_ratings + k}\t${acc}\t${t0 + x.t}\t${x.requester}\t${nn(x.assignee)}\t${nn(x.group)}\t${x.score}\t${x.comment === null ? NULL : esc(x.comment)}\t${at}\t${at}\n`);
  }
}

// ---------------------------------------------------------------------------------------------

/** Deletes every row of an account: each table with an account_id column, then the account. */
export async function deleteAccountData(database: Database, accountId: number): Promise<void> {
  const tables = await database.rows<{ table_name: string }>(sql`
    select c.table_name from information_schema.columns c join information_schema.tables t using (table_schema, table_name)
    where c.table_schema = 'public' and c.column_name = 'account_id' and t.table_type = 'BASE TABLE' order by c.table_name`);
  const others = await database.rows<{ n: string }>(sql`select count(*)::text as n from accounts where id <> ${accountId}`);
  const names = tables.map((t) => `"${t.table_name.replace(/"/g, '""')}"`);
  await database.db.transaction(async (tx) => {
    if (Number(others[0]!.n) === 0) {
      // The only account: TRUNCATE is far faster than deleting millions of rows (sequences keep going).
      await tx.execute(sql.raw(`truncate ${[...names, 'accounts'].join(', ')}`));
    } else {
      for (const n of names) await tx.execute(sql.raw(`delete from ${n} where account_id = ${Number(accountId)}`));
      await tx.execute(sql`delete from accounts where id = ${accountId}`);
    }
  });
}

/**
 * Seeds a benchmark account (see the file comment). Refuses (AccountExistsError) when the account
 * exists, unless `replace`. On PostgreSQL the pool needs 8 connections (6 COPY streams, the id
 * reservations and one to spare) and nothing else should insert into the account meanwhile.
 */
export async function seedBench(database: Database, opts: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const tickets = opts.tickets;
  if (!Number.isInteger(tickets) || tickets < 1) throw new Error('tickets must be a positive integer');
  const subdomain = opts.account ?? 'bench';
  const seed = opts.seed ?? 42;
  const end = (opts.now ?? defaultNow()).getTime();
  const start = end - SPAN;
  const batchSize = opts.batchSize ?? (database.kind === 'postgres' ? 500 : 1000);
  const sizes = benchSizes(tickets);
  const { db } = database;
  const counts: Record<string, number> = {};
  let rowsDone = 0;
  const seconds = () => (performance.now() - started) / 1000;
  const progress = (phase: SeedProgress['phase'], ticketsDone: number) => opts.onProgress?.({ phase, ticketsDone, tickets, rows: rowsDone, seconds: seconds() });

  const sink = sinkFor(database, await sequenceNames(database));
  const existing = await findAccountBySubdomain(db, subdomain);
  if (existing) {
    if (!opts.replace) throw new AccountExistsError(subdomain);
    progress('replace', 0);
    await deleteAccountData(database, existing.id);
  }

  // The account, its owner and token go through the domain functions, on a clock set in the past.
  progress('setup', 0);
  const clock = manualClock(new Date(start - 900 * DAY));
  const ownerEmail = `admin@${subdomain}.test`;
  const { account, owner, apiToken, groupIds, fields } = await db.transaction(async (tx) => {
    const { account, owner } = await createAccount(tx, clock, {
      subdomain, name: `Bench ${subdomain}`, timeZone: 'Europe/Paris', owner: { name: 'Ada Admin', email: ownerEmail },
    });
    // The owner's generated_at is the simulated change time too, so reruns give identical rows.
    await tx.update(users).set({ generatedAt: owner.createdAt }).where(eq(users.id, owner.id));
    await tx.update(accounts).set({ settings: { ...account.settings, bench: { seed, tickets, now: new Date(end).toISOString() } } }).where(eq(accounts.id, account.id));
    const apiToken = await createApiToken(tx, clock, owner, 'Benchmark token', opts.token ?? randomToken(24));
    const at = new Date(start - 850 * DAY);
    const gs = await tx.insert(groups).values(Array.from({ length: sizes.groups }, (_, k) => ({
      accountId: account.id, name: k < GROUP_NAMES.length ? GROUP_NAMES[k]! : `${GROUP_NAMES[k % GROUP_NAMES.length]} ${Math.floor(k / GROUP_NAMES.length) + 1}`,
      isDefault: k === 0, createdAt: at, updatedAt: at,
    }))).returning({ id: groups.id });
    const fs = await tx.insert(ticketFields).values([
      { accountId: account.id, type: 'tagger' as const, title: 'Product', position: 1, customFieldOptions: [{ name: 'Web shop', value: 'web_shop' }, { name: 'Mobile app', value: 'mobile_app' }, { name: 'Marketplace', value: 'marketplace' }] },
      { accountId: account.id, type: 'text' as const, title: 'Order number', position: 2 },
      { accountId: account.id, type: 'checkbox' as const, title: 'Escalated', position: 3 },
      { accountId: account.id, type: 'textarea' as const, title: 'Internal summary', position: 4 },
      { accountId: account.id, type: 'date' as const, title: 'Follow-up date', position: 5 },
      { accountId: account.id, type: 'multiselect' as const, title: 'Components', position: 6, customFieldOptions: [{ name: 'Payment', value: 'payment' }, { name: 'Shipping', value: 'shipping' }, { name: 'Account', value: 'account' }] },
    ].map((f) => ({ ...f, createdAt: at, updatedAt: at }))).returning({ id: ticketFields.id });
    // Business hours through the domain function, which also records the schedule version metrics use.
    const holidays: HolidayInput[] = [];
    for (let y = new Date(start).getUTCFullYear(); y <= new Date(end).getUTCFullYear(); y++) {
      holidays.push(
        { name: 'New Year', start_date: `${y}-01-01`, end_date: `${y}-01-01` },
        { name: 'Bastille Day', start_date: `${y}-07-14`, end_date: `${y}-07-14` },
        { name: 'Christmas', start_date: `${y}-12-25`, end_date: `${y}-12-26` },
      );
    }
    const actor: Actor = { id: owner.id, accountId: account.id, role: owner.role, isOwner: owner.isOwner, email: owner.email, name: owner.name };
    await createSchedule(tx, { accountId: account.id, actor, clock: manualClock(at) }, {
      name: 'Support hours', time_zone: 'Europe/Paris', default: true,
      // Monday–Friday 09:00–12:00 and 13:00–18:00, minutes from Sunday 00:00.
      intervals: [1, 2, 3, 4, 5].flatMap((d) => [{ start_time: d * 1440 + 540, end_time: d * 1440 + 720 }, { start_time: d * 1440 + 780, end_time: d * 1440 + 1080 }]),
    }, holidays);
    counts.schedule_holidays = holidays.length;
    return { account, owner, apiToken, groupIds: gs.map((g) => g.id), fields: fs.map((f) => f.id) };
  });
  counts.accounts = 1;
  counts.api_tokens = 1;
  counts.groups = groupIds.length;
  counts.ticket_fields = fields.length;
  counts.schedules = 1;

  try {
    // Organizations, agents, end-users and group memberships.
    progress('users', 0);
    const ids0 = await sink.reserve({ organizations: sizes.organizations, users: sizes.agents + sizes.endUsers });
    const orgW = await sink.open('organizations', COLS.organizations);
    const aliveOrgs: { id: number; domain: string }[] = [];
    for (let k = 0; k < sizes.organizations; k++) {
      const r = new Stream(streamSeed(seed, Kind.Org, k));
      const n = Math.floor(k / COMPANIES.length);
      const base = COMPANIES[k % COMPANIES.length]!;
      const name = n ? `${base} ${n + 1}` : base;
      const domain = `${base.toLowerCase().replace(/[^a-z]+/g, '')}${n ? `-${n + 1}` : ''}.example`;
      const created = start - 800 * DAY + k * HOUR;
      const deleted = k >= 3 && r.chance(0.05) ? start + r.int(0, 364) * DAY + r.int(0, 86399) * SECOND : null;
      const id = ids0.organizations + k;
      if (deleted === null) aliveOrgs.push({ id, domain });
      const changed = ts(deleted ?? created);
      orgW.add(`${id}\t${account.id}\t${esc(name)}\t${arr([domain])}\t${arr(r.chance(0.3) ? ['vip'] : [])}\t${deleted === null ? NULL : ts(deleted)}\t${changed}\t${ts(created)}\t${changed}\n`);
    }
    const userW = await sink.open('users', COLS.users);
    const memberW = await sink.open('group_memberships', COLS.group_memberships);
    const agentBase = ids0.users;
    const agentFirst: string[] = [];
    const groupAgents: number[][] = groupIds.map(() => []);
    const memberAt = ts(start - 850 * DAY);
    memberW.add(`${account.id}\t${groupIds[0]}\t${owner.id}\t${memberAt}\t${memberAt}\n`);
    for (let k = 0; k < sizes.agents; k++) {
      const r = new Stream(streamSeed(seed, Kind.Agent, k));
      const first = r.pick(FIRST_NAMES), last = r.pick(LAST_NAMES);
      agentFirst.push(first);
      const id = agentBase + k;
      const created = ts(start - 840 * DAY + k * HOUR);
      userW.add(`${id}\t${account.id}\t${esc(`${first} ${last}`)}\t${esc(ascii(`${first}.${last}.${k + 1}@${subdomain}.test`))}\tagent\t${NULL}\tEurope/Paris\ten-US\t${created}\t${created}\t${created}\n`);
      const gs = [k % groupIds.length];
      const m = new Stream(streamSeed(seed, Kind.Membership, k));
      if (groupIds.length > 1 && m.chance(0.3)) gs.push((k + m.int(1, groupIds.length - 1)) % groupIds.length);
      for (const g of gs) {
        groupAgents[g]!.push(id);
        memberW.add(`${account.id}\t${groupIds[g]}\t${id}\t${created}\t${created}\n`);
      }
    }
    const endUserBase = agentBase + sizes.agents;
    const endUserOrg = new Int32Array(sizes.endUsers);
    const endUserFirst = new Uint8Array(sizes.endUsers);
    const ur = new Stream();
    for (let j = 0; j < sizes.endUsers; j++) {
      const u = endUserRow(ur, seed, j, aliveOrgs, start);
      endUserOrg[j] = u.org;
      endUserFirst[j] = u.first;
      const created = ts(u.createdAt);
      userW.add(`${endUserBase + j}\t${account.id}\t${esc(u.name)}\t${esc(u.email)}\tend-user\t${u.org || NULL}\t${u.timeZone ?? NULL}\t${u.locale}\t${created}\t${created}\t${created}\n`);
      if ((j & 8191) === 8191) await sink.drain();
    }
    await sink.drain();
    counts.organizations = orgW.rows;
    counts.users = userW.rows + 1;
    counts.group_memberships = memberW.rows;
    rowsDone = orgW.rows + userW.rows + memberW.rows;
    await sink.close();

    // Tickets, a batch at a time: plan with local ids, reserve the id blocks, write.
    const world: World = {
      seed, accountId: account.id, ownerId: owner.id, end, start, tickets, agentBase, agentFirst, endUserBase, endUsers: sizes.endUsers,
      endUserOrg, endUserFirst, groupIds, groupAgents,
      fields: { product: fields[0]!, orderNo: fields[1]!, escalated: fields[2]!, components: fields[5]! },
    };
    const out = {} as Record<keyof typeof COLS, TableWriter>;
    for (const table of ['tickets', 'audits', 'comments', 'audit_events', 'ticket_field_values', 'satisfaction_ratings'] as const) {
      out[table] = await sink.open(table, COLS[table]);
    }
    const planner = new Planner(world);
    progress('tickets', 0);
    for (let from = 0; from < tickets; from += batchSize) {
      const to = Math.min(tickets, from + batchSize);
      const b = new Batch();
      for (let i = from; i < to; i++) planner.plan(i, b);
      const ids = await sink.reserve({
        tickets: b.tickets.length, audits: b.auTicket.length, comments: b.cmAudit.length, audit_events: b.evAudit.length, satisfaction_ratings: b.ratings.length,
      });
      writeBatch(world, b, ids, out);
      rowsDone += b.tickets.length + b.auTicket.length + b.cmAudit.length + b.evAudit.length + b.fields.length + b.ratings.length;
      await sink.drain();
      progress('tickets', to);
    }
    progress('finish', tickets);
    for (const w of Object.values(out)) counts[w.table] = w.rows;
    await sink.close();
    await sink.release();
  } catch (err) {
    await sink.abort(err);
    throw err;
  }

  progress('analyze', tickets);
  await database.db.execute(sql.raw('analyze users, organizations, tickets, comments, audits, audit_events, ticket_field_values, satisfaction_ratings, group_memberships'));
  const order = ['accounts', 'users', 'api_tokens', 'organizations', 'groups', 'group_memberships', 'ticket_fields', 'schedules', 'schedule_holidays',
    'tickets', 'comments', 'audits', 'audit_events', 'ticket_field_values', 'satisfaction_ratings'];
  const sorted = Object.fromEntries(order.filter((t) => t in counts).map((t) => [t, counts[t]!]));
  const totalRows = Object.values(sorted).reduce((s, n) => s + n, 0);
  return {
    accountId: account.id, subdomain, ownerEmail, apiToken, seed, now: new Date(end).toISOString(), counts: sorted, totalRows, seconds: seconds(),
  };
}
