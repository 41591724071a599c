import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, deleteOrganization } from '../../runner/core/organizations.ts';
import { createWorld, type World } from '../helpers/world.ts';

let w: World;
const TOTAL = 2500;
let ids: number[] = [];

beforeAll(async () => {
  w = await createWorld();
  // The rows are inserted in bulk: this file tests reading them, the ticket tests cover writing.
  // Half share one stamp (ties broken by id), half get distinct stamps.
  const rows = await w.database.rows<{ id: string }>(sql`
    insert into tickets (account_id, subject, description, requester_id, submitter_id, generated_at, created_at, updated_at)
    select ${w.acme.id}, 'Ticket ' || g, 'body', ${w.acme.endUser.user.id}, ${w.acme.endUser.user.id},
           case when g % 2 = 0 then timestamptz '2026-03-01 10:00:00Z' else clock_timestamp() end, now(), now()
    from generate_series(1, ${TOTAL}) g returning id`);
  ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
});
afterAll(async () => { await w.close(); });

type Page = { tickets: { id: number; subject: string; generated_timestamp: number }[]; after_cursor: string; after_url: string; end_of_stream: boolean };

async function drain(url: string, between?: () => Promise<unknown>, key = 'tickets') {
  const seen: { id: number; subject: string }[] = [];
  let next = url;
  let pages = 0;
  for (;;) {
    const [res] = await Promise.all([w.call('GET', next), between?.()]);
    expect(res.status).toBe(200);
    const page = res.json as Page;
    pages++;
    seen.push(...(res.json[key] as Page['tickets']));
    next = new URL(page.after_url).pathname + new URL(page.after_url).search;
    if (page.end_of_stream) return { seen, next, pages };
  }
}

describe('incremental ticket export (cursor)', () => {
  it('pages through 2,500 tickets with no gaps and no duplicates', async () => {
    const { seen, pages } = await drain('/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=1000');
    expect(pages).toBe(3);
    expect(seen.map((t) => t.id).sort((a, b) => a - b)).toEqual(ids);
  });

  it('while tickets are being updated: every ticket appears, repeats only after an update, and the last version seen is current', async () => {
    const updated = new Set<number>();
    let n = 0;
    const updateSome = async () => {
      // Updates land both behind and ahead of the reader's position.
      for (const id of [ids[(n * 37) % TOTAL]!, ids[TOTAL - 1 - ((n * 53) % TOTAL)]!, ids[(n * 101 + 7) % TOTAL]!]) {
        const res = await w.call('PUT', `/api/v2/tickets/${id}.json`, { body: { ticket: { subject: `Updated ${n} #${id}` } } });
        expect(res.status).toBe(200);
        updated.add(id);
      }
      n++;
    };
    const first = await drain('/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=100', updateSome);
    // Catch up from the last cursor once the writers stopped, as a polling client does.
    const rest = await drain(first.next);
    const seen = [...first.seen, ...rest.seen];

    expect(new Set(seen.map((t) => t.id))).toEqual(new Set(ids));
    const counts = new Map<number, number>();
    for (const t of seen) counts.set(t.id, (counts.get(t.id) ?? 0) + 1);
    const repeated = [...counts].filter(([, c]) => c > 1).map(([id]) => id);
    expect(repeated.every((id) => updated.has(id))).toBe(true);
    const lastSeen = new Map(seen.map((t) => [t.id, t.subject]));
    const current = await w.database.rows<{ id: string; subject: string }>(sql`select id, subject from tickets where account_id = ${w.acme.id}`);
    for (const row of current) expect(lastSeen.get(Number(row.id))).toBe(row.subject);
    expect(updated.size).toBeGreaterThan(30);
  });

  it('returns an empty page with end_of_stream and the same cursor when nothing changed', async () => {
    const { next } = await drain('/api/v2/incremental/tickets/cursor.json?start_time=0');
    const res = await w.call('GET', next);
    expect(res.json.tickets).toEqual([]);
    expect(res.json.end_of_stream).toBe(true);
    expect(res.json.after_cursor).toBe(new URL('http://x' + next).searchParams.get('cursor'));
  });

  it('filters on generated_timestamp, not creation', async () => {
    // From the next whole second, so that the fixtures made just before (over 1,000 tickets on a fast
    // machine, more than one page) fall before the window and only the update is in it.
    const since = Math.floor(Date.now() / 1000) + 1;
    await new Promise((r) => setTimeout(r, since * 1000 - Date.now() + 5));
    const target = ids[5]!;
    await w.call('PUT', `/api/v2/tickets/${target}.json`, { body: { ticket: { priority: 'urgent' } } });
    const res = await w.call('GET', `/api/v2/incremental/tickets/cursor.json?start_time=${since}`);
    expect(res.json.tickets.map((t: any) => t.id)).toContain(target);
    expect(res.json.tickets.every((t: any) => t.generated_timestamp >= since)).toBe(true);
  });

  it('validates its parameters', async () => {
    expect((await w.call('GET', '/api/v2/incremental/tickets/cursor.json')).status).toBe(400);
    const big = await w.call('GET', '/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=1001');
    expect(big.status).toBe(400);
    expect(big.json.details).toHaveProperty('per_page');
    expect((await w.call('GET', '/api/v2/incremental/tickets/cursor.json?cursor=garbage')).status).toBe(400);
  });
});

describe('incremental users and organizations', () => {
  it('users cursor export lists every user of the account once', async () => {
    const { seen } = await drain('/api/v2/incremental/users/cursor.json?start_time=0&per_page=2', undefined, 'users');
    const emails = seen.map((u: any) => u.email).sort();
    expect(emails).toEqual(['admin@acme.test', 'agent@acme.test', 'erin@customer-acme.test', 'owner@acme.test']);
  });

  it('organizations (time-based) include deleted ones with deleted_at and follow next_page', async () => {
    const keep = await createOrganization(w.db, w.acme.ctx(), { name: 'Keep Co' });
    const gone = await createOrganization(w.db, w.acme.ctx(), { name: 'Gone Co' });
    await deleteOrganization(w.db, w.acme.ctx(), gone.id);
    const first = await w.call('GET', '/api/v2/incremental/organizations.json?start_time=0&per_page=1');
    expect(first.json.organizations).toHaveLength(1);
    expect(first.json.end_of_stream).toBe(false);
    const second = await w.call('GET', new URL(first.json.next_page).pathname + new URL(first.json.next_page).search);
    const all = [...first.json.organizations, ...second.json.organizations];
    expect(all.map((o: any) => o.id).sort()).toEqual([keep.id, gone.id].sort());
    expect(all.find((o: any) => o.id === gone.id).deleted_at).not.toBeNull();
    expect(second.json.end_of_stream).toBe(true);
    // Deleted organizations are gone from the regular list.
    const list = await w.call('GET', '/api/v2/organizations.json');
    expect(list.json.organizations.map((o: any) => o.id)).toEqual([keep.id]);
  });
});

// Two connections are needed to hold a writer open while a reader pages: PGlite has one.
describe.runIf(Boolean(process.env.DATABASE_URL))('late commits are not skipped (PostgreSQL)', () => {
  it('a reader waits for a writer that stamped rows before it, then sees them', async () => {
    const { next } = await drain('/api/v2/incremental/tickets/cursor.json?start_time=0');
    const conn = postgres(process.env.DATABASE_URL!.replace(/\/[^/]*$/, `/${await currentDbName()}`), { max: 1 });
    const target = ids[10]!;
    let committed = false;
    const writer = conn.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock_shared(727275, ${w.acme.id}::int)`;
      await tx`update tickets set subject = 'late writer', generated_at = clock_timestamp() where id = ${target}`;
      await new Promise((r) => setTimeout(r, 300));
      committed = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    // Another ticket changes and commits after the late writer stamped its row: a reader without the
    // barrier would see only this one, move its cursor past the late row and never export it.
    const other = ids[20]!;
    expect((await w.call('PUT', `/api/v2/tickets/${other}.json`, { body: { ticket: { subject: 'early committer' } } })).status).toBe(200);
    const { seen } = await drain(next);
    expect(committed).toBe(true);
    await writer;
    await conn.end();
    const { seen: later } = await drain(next);
    expect(seen.map((t) => [t.id, t.subject])).toEqual(expect.arrayContaining([[other, 'early committer'], [target, 'late writer']]));
    expect(later.map((t) => t.id)).toContain(target);
  });
});

async function currentDbName() {
  const [row] = await w.database.rows<{ d: string }>(sql`select current_database() as d`);
  return row!.d;
}

describe('start_time in the future', () => {
  it('is refused with a clear message', async () => {
    const res = await w.call('GET', `/api/v2/incremental/tickets/cursor.json?start_time=${Math.floor(Date.now() / 1000) + 86_400}`);
    expect(res.status).toBe(400);
    expect(res.json.description).toMatch(/future/);
  });
});
