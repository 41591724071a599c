import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, sql, type Database } from '../../db/client.ts';
import { AccountExistsError, seedBench, Stream, type SeedSummary } from '../../bench/seed/generate.ts';
import { rng } from '../../runner/demo/random.ts';
import { findTokenUser } from '../../runner/core/accounts.ts';

const TICKETS = 1500;
const NOW = new Date('2026-11-01T00:00:00Z');
const TOKEN = 'bench-test-token-0123456789';

/** Fresh, empty databases: in-memory PGlite, or new PostgreSQL databases when DATABASE_URL is set. */
type Backend = { open(): Promise<Database>; cleanup(): Promise<void> };

function pgliteBackend(): Backend {
  const opened: Database[] = [];
  return {
    async open() {
      const d = await createDb({});
      opened.push(d);
      return d;
    },
    async cleanup() {
      await Promise.all(opened.map((d) => d.close()));
    },
  };
}

function postgresBackend(url: string): Backend {
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  const created: { name: string; db: Database }[] = [];
  return {
    async open() {
      const name = `deskbridge_seed_${randomBytes(5).toString('hex')}`;
      await admin.unsafe(`create database ${name}`);
      const u = new URL(url);
      u.pathname = `/${name}`;
      const db = await createDb({ url: u.toString() });
      created.push({ name, db });
      return db;
    },
    async cleanup() {
      for (const { name, db } of created) {
        await db.close();
        await admin.unsafe(`drop database if exists ${name} with (force)`);
      }
      await admin.end({ timeout: 5 });
    },
  };
}

const backends: [name: string, make: () => Backend][] = [
  ['PGlite', pgliteBackend],
  ...(process.env.DATABASE_URL ? [['PostgreSQL', () => postgresBackend(process.env.DATABASE_URL!)] as [string, () => Backend]] : []),
];

/** md5 of a query's rows in id order: equal hashes, equal rows. */
async function tableHash(d: Database, query: string): Promise<string> {
  const [row] = await d.rows<{ h: string | null }>(sql.raw(`select md5(coalesce(string_agg(q::text, '|' order by q.id), '')) as h from (${query}) q`));
  return row!.h!;
}

const HASHED: Record<string, string> = {
  accounts: 'select id, subdomain, name, time_zone, settings, created_at from accounts',
  users: 'select id, name, email, role, is_owner, organization_id, time_zone, locale, generated_at, created_at, updated_at from users',
  organizations: 'select id, name, domain_names, tags, deleted_at, generated_at, created_at from organizations',
  groups: 'select id, name, is_default from groups',
  group_memberships: 'select group_id * 1000000 + user_id as id, group_id, user_id, created_at from group_memberships',
  tickets: 'select * from tickets',
  comments: 'select * from comments',
  audits: 'select * from audits',
  audit_events: 'select * from audit_events',
  ticket_field_values: 'select ticket_id * 1000 + field_id as id, value from ticket_field_values',
  satisfaction_ratings: 'select * from satisfaction_ratings',
  api_tokens: 'select id, user_id, token_hash, created_at from api_tokens',
};

async function hashes(d: Database): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [table, query] of Object.entries(HASHED)) out[table] = await tableHash(d, query);
  return out;
}

type Row = Record<string, unknown>;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
/** jsonb columns are selected as ::text, so both drivers hand over the same JSON text. */
const json = (v: unknown) => (v === null || v === undefined ? null : JSON.parse(v as string));

describe.each(backends)('bulk seed on %s', (_name, make) => {
  let backend: Backend;
  let first: Database;
  let summary: SeedSummary;

  beforeAll(async () => {
    backend = make();
    first = await backend.open();
    summary = await seedBench(first, { tickets: TICKETS, seed: 42, now: NOW, token: TOKEN });
  }, 180_000);

  afterAll(async () => {
    await backend?.cleanup();
  }, 60_000);

  it('writes the counts it reports', async () => {
    for (const table of ['tickets', 'comments', 'audits', 'audit_events', 'users', 'organizations', 'ticket_field_values', 'satisfaction_ratings', 'group_memberships']) {
      const [row] = await first.rows<{ n: string }>(sql.raw(`select count(*)::text as n from ${table} where account_id = ${summary.accountId}`));
      expect(Number(row!.n), table).toBe(summary.counts[table]);
    }
    expect(summary.counts.tickets).toBe(TICKETS);
    expect(summary.totalRows).toBe(Object.values(summary.counts).reduce((s, n) => s + n, 0));
  });

  it('creates the owner and a working API token', async () => {
    expect(summary.ownerEmail).toBe('admin@bench.test');
    expect(summary.apiToken).toBe(TOKEN);
    const user = await findTokenUser(first.db, summary.accountId, summary.ownerEmail, TOKEN);
    expect(user?.role).toBe('admin');
    const [account] = await first.rows<Row>(sql`select time_zone from accounts where id = ${summary.accountId}`);
    expect(account!.time_zone).toBe('Europe/Paris');
  });

  it('gives every ticket a Create audit, consistent changes and 2–3 comments', async () => {
    const acc = summary.accountId;
    const tickets = await first.rows<Row>(sql`select * from tickets where account_id = ${acc} order by id`);
    const audits = await first.rows<Row>(sql`select * from audits where account_id = ${acc} order by id`);
    const events = await first.rows<Row>(sql`select id, audit_id, ticket_id, type, field_name, value::text as value, previous_value::text as previous_value, comment_id from audit_events where account_id = ${acc} order by id`);
    const comments = await first.rows<Row>(sql`select * from comments where account_id = ${acc} order by id`);
    const values = await first.rows<Row>(sql`select ticket_id, field_id, value::text as value from ticket_field_values where account_id = ${acc}`);
    const people = await first.rows<Row>(sql`select id, role from users where account_id = ${acc}`);
    const roleOf = new Map(people.map((u) => [num(u.id), u.role]));
    const group = <T extends Row>(rows: T[], key: string) => {
      const m = new Map<number, T[]>();
      for (const r of rows) {
        const k = num(r[key])!;
        let l = m.get(k);
        if (!l) m.set(k, (l = []));
        l.push(r);
      }
      return m;
    };
    const auditsOf = group(audits, 'ticket_id');
    const eventsOf = group(events, 'audit_id');
    const commentsOf = group(comments, 'ticket_id');
    const valuesOf = group(values, 'ticket_id');
    const commentById = new Map(comments.map((c) => [num(c.id), c]));
    const statuses = new Set<string>();

    for (const t of tickets) {
      const id = num(t.id)!;
      const as = auditsOf.get(id) ?? [];
      expect(as.length, `ticket ${id} audits`).toBeGreaterThanOrEqual(2);
      // The Create audit: the ticket's first state, written by the requester with the first comment.
      const create = as[0]!;
      expect(num(create.author_id)).toBe(num(t.requester_id));
      expect(create.author_role).toBe('end-user');
      expect(new Date(create.created_at as string).getTime()).toBe(new Date(t.created_at as string).getTime());
      const createEvents = eventsOf.get(num(create.id)!)!;
      expect(createEvents.every((e) => e.type === 'Create' || e.type === 'Comment')).toBe(true);
      const state = new Map<string, unknown>();
      for (const e of createEvents) if (e.type === 'Create') state.set(e.field_name as string, json(e.value));
      expect(state.get('subject')).toBe(t.subject);
      expect(state.get('status')).toBe('new');
      expect(state.get('priority')).toBe(t.priority);
      expect(state.get('type') ?? null).toBe(t.type);
      expect(state.get('requester_id')).toBe(num(t.requester_id));
      expect(state.get('organization_id') ?? null).toBe(num(t.organization_id));
      expect(state.has('assignee_id') || state.has('group_id')).toBe(false);
      const commentEvent = createEvents.at(-1)!;
      expect(commentEvent.type).toBe('Comment');
      const firstComment = commentById.get(num(commentEvent.comment_id))!;
      expect(num(firstComment.ticket_id)).toBe(id);
      expect(num(firstComment.audit_id)).toBe(num(create.id));
      expect(firstComment.body).toBe(t.description);
      expect(firstComment.author_role).toBe('end-user');

      // Later audits: each Change event starts from the current value; replaying them gives the ticket.
      let last = new Date(create.created_at as string).getTime();
      let solvedAt = Infinity;
      for (const a of as.slice(1)) {
        const at = new Date(a.created_at as string).getTime();
        expect(at).toBeGreaterThanOrEqual(last);
        last = at;
        const evs = eventsOf.get(num(a.id)!) ?? [];
        expect(evs.length, `audit ${a.id} is not empty`).toBeGreaterThan(0);
        expect(a.author_role).toBe(roleOf.get(num(a.author_id)));
        for (const e of evs) {
          if (e.type === 'Comment') {
            const c = commentById.get(num(e.comment_id))!;
            expect(num(c.audit_id)).toBe(num(a.id));
            expect(num(c.author_id)).toBe(num(a.author_id));
            expect(c.author_role).toBe(a.author_role);
            continue;
          }
          expect(e.type).toBe('Change');
          expect(json(e.previous_value)).toEqual(state.get(e.field_name as string) ?? null);
          state.set(e.field_name as string, json(e.value));
          if (e.field_name === 'status' && json(e.value) === 'solved') solvedAt = at;
          if (e.field_name === 'status' && json(e.value) === 'closed') {
            // The auto-close job: the owner, via a rule, 96 hours after the last solve.
            expect([a.via_channel, a.author_role]).toEqual(['rule', 'admin']);
            expect(at - solvedAt).toBeGreaterThanOrEqual(96 * 3600_000);
          }
        }
      }
      expect(state.get('status')).toBe(t.status);
      expect(state.get('assignee_id') ?? null).toBe(num(t.assignee_id));
      expect(state.get('group_id') ?? null).toBe(num(t.group_id));
      expect(new Date(t.updated_at as string).getTime()).toBeGreaterThanOrEqual(last);
      expect(new Date(t.generated_at as string).getTime()).toBe(new Date(t.updated_at as string).getTime());
      // Custom field values are the replayed ones.
      for (const v of valuesOf.get(id) ?? []) expect(json(v.value)).toEqual(state.get(String(num(v.field_id))));
      if (t.status !== 'new') expect(t.assignee_id).not.toBeNull();
      statuses.add(t.status as string);

      const cs = commentsOf.get(id)!;
      expect(cs.length, `ticket ${id} comments`).toBeGreaterThanOrEqual(2);
      expect(cs.length).toBeLessThanOrEqual(3);
      expect(num(cs[0]!.id)).toBe(num(firstComment.id));
      for (const c of cs.slice(1)) if (c.author_role === 'end-user') expect(c.public).toBe(true);
    }
    // The history has every lifecycle stage ("new" only in the last hours: too few tickets here to be sure).
    for (const s of ['closed', 'hold', 'open', 'pending', 'solved']) expect(statuses).toContain(s);
  }, 120_000);

  it('rates about half of the solved tickets', async () => {
    const [r] = await first.rows<{ rated: string; solved: string }>(sql`
      select (select count(*) from satisfaction_ratings where account_id = ${summary.accountId})::text as rated,
             (select count(*) from tickets where account_id = ${summary.accountId} and status in ('solved', 'closed'))::text as solved`);
    const ratio = Number(r!.rated) / Number(r!.solved);
    expect(ratio).toBeGreaterThan(0.35);
    expect(ratio).toBeLessThan(0.65);
  });

  it('spreads tickets over the year before `now`, some organizations soft-deleted', async () => {
    const [r] = await first.rows<{ min: string; max: string; deleted: string }>(sql`
      select min(created_at)::text as min, max(updated_at)::text as max,
             (select count(*) from organizations where deleted_at is not null)::text as deleted
      from tickets where account_id = ${summary.accountId}`);
    expect(new Date(r!.min).getTime()).toBeGreaterThanOrEqual(NOW.getTime() - 365 * 86400_000);
    expect(new Date(r!.min).getTime()).toBeLessThan(NOW.getTime() - 364 * 86400_000);
    expect(new Date(r!.max).getTime()).toBeLessThanOrEqual(NOW.getTime());
  });

  it('leaves the identity sequences after the seeded ids', async () => {
    const [before] = await first.rows<{ id: string }>(sql`select max(id)::text as id from tickets`);
    const [row] = await first.rows<{ id: string }>(sql`insert into tickets (account_id, requester_id, submitter_id) values (${summary.accountId}, 1, 1) returning id::text as id`);
    expect(Number(row!.id)).toBe(Number(before!.id) + 1);
    await first.rows(sql`delete from tickets where id = ${Number(row!.id)}`);
  });

  it('refuses an existing account unless asked to replace it', async () => {
    await expect(seedBench(first, { tickets: 10, seed: 42, now: NOW })).rejects.toBeInstanceOf(AccountExistsError);
  });

  it('gives identical rows for the same seed and different rows for another', async () => {
    const again = await backend.open();
    await seedBench(again, { tickets: TICKETS, seed: 42, now: NOW, token: TOKEN });
    const other = await backend.open();
    await seedBench(other, { tickets: TICKETS, seed: 7, now: NOW, token: TOKEN });
    const [h1, h2, h3] = await Promise.all([hashes(first), hashes(again), hashes(other)]);
    expect(h2).toEqual(h1);
    expect(h3.tickets).not.toBe(h1.tickets);
    expect(h3.comments).not.toBe(h1.comments);
    expect(h3.audit_events).not.toBe(h1.audit_events);
  }, 180_000);

  it('replaces an account with `replace`, leaving the other accounts alone', async () => {
    const count = async (d: Database, account: string) => {
      const [row] = await d.rows<{ n: string }>(sql`select count(*)::text as n from tickets t join accounts a on a.id = t.account_id where a.subdomain = ${account}`);
      return Number(row!.n);
    };
    // Next to another account: its rows are deleted.
    await seedBench(first, { tickets: 200, account: 'acme', seed: 1, now: NOW });
    const s = await seedBench(first, { tickets: 100, account: 'acme', seed: 1, now: NOW, replace: true });
    expect(s.counts.tickets).toBe(100);
    expect(await count(first, 'acme')).toBe(100);
    expect(await count(first, 'bench')).toBe(TICKETS);
    const [orphans] = await first.rows<{ n: string }>(sql`select count(*)::text as n from audit_events where account_id not in (select id from accounts)`);
    expect(Number(orphans!.n)).toBe(0);
    // Alone in its database: its tables are truncated.
    const d = await backend.open();
    await seedBench(d, { tickets: 200, account: 'solo', seed: 1, now: NOW });
    await seedBench(d, { tickets: 50, account: 'solo', seed: 1, now: NOW, replace: true });
    expect(await count(d, 'solo')).toBe(50);
  }, 120_000);
});

describe('Stream', () => {
  it('is runner/demo/random.ts’s generator', () => {
    for (const seed of [0, 1, 42, 0xdeadbeef]) {
      const a = rng(seed), b = new Stream(seed);
      for (let i = 0; i < 100; i++) expect(b.next()).toBe(a.next());
    }
  });
});
