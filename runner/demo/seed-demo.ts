import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { asc, eq, sql } from 'drizzle-orm';
import type { Database, Queryable } from '../../db/client.ts';
import { accounts, groupMemberships, groups, ticketFields, users, type User } from '../../db/schema/index.ts';
import { createAccount, createApiToken, findAccountBySubdomain } from '../core/accounts.ts';
import { manualClock, type Clock, type ManualClock } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import { addGroupMember, createGroup, createOrganization } from '../core/organizations.ts';
import { randomToken } from '../core/secrets.ts';
import { createTicket, rateTicket, updateTicket } from '../core/tickets.ts';
import { createUser } from '../core/users.ts';
import { createSchedule } from '../core/schedules.ts';
import { toActor } from '../http/auth.ts';
import { COMPANIES, CUSTOMER_REPLIES, FIRST_NAMES, LAST_NAMES, NOTES, REPLIES, rng, SUBJECTS, type Rng } from './random.ts';

export type DemoOptions = {
  tickets: number;
  password?: string | undefined;
  apiToken?: string | undefined;
  /** Where the generated credentials are written for later reference (mode 600). */
  dataDir?: string | undefined;
  /** "Now" for the demo history; tickets spread over the 90 days before it. */
  now?: Date;
};

export type DemoCredentials = { subdomain: string; ownerEmail: string; agentEmail: string; password: string; apiToken: string };
export type DemoProgress = { total: number; done: number };

const MINUTE = 60_000;
const SEED = 20261123;

/**
 * Creates the demo account (users, organizations, groups, schedule, fields) on an empty database,
 * through the same domain functions the API uses. Returns null when the account already exists.
 * Tickets come after, from `seedDemoTickets`, which resumes where a previous run stopped.
 */
export async function seedDemoAccount(database: Database, opts: DemoOptions): Promise<DemoCredentials | null> {
  const { db } = database;
  if (await findAccountBySubdomain(db, 'demo')) return null;
  const password = opts.password ?? randomToken(9);
  const apiToken = opts.apiToken ?? randomToken(24);
  const end = opts.now ?? new Date();
  const clock = manualClock(new Date(end.getTime() - 91 * 24 * 60 * MINUTE));
  const r = rng(SEED);
  await db.transaction(async (tx) => {
    const { account, owner } = await createAccount(tx, clock, {
      subdomain: 'demo', name: 'Demo Shop', timeZone: 'Europe/Paris', owner: { name: 'Ada Admin', email: 'admin@demo.test', password },
    });
    await tx.update(accounts).set({ settings: { ...account.settings, demo: { total: opts.tickets, done: 0, end: end.toISOString() } } }).where(eq(accounts.id, account.id));
    await createApiToken(tx, clock, owner, 'Demo token', apiToken);
    const ctx: Ctx = { accountId: account.id, actor: toActor(owner), clock };
    const groups = [await createGroup(tx, ctx, { name: 'Support', default: true }), await createGroup(tx, ctx, { name: 'Billing' }), await createGroup(tx, ctx, { name: 'Escalations' })];
    const agents: User[] = [await createUser(tx, ctx, { name: 'Sam Agent', email: 'agent@demo.test', role: 'agent', password, time_zone: 'Europe/Paris' })];
    for (const [first, last] of [['Priya', 'Shah'], ['Tom', 'Becker'], ['Lina', 'Costa'], ['Marc', 'Lefèvre']] as const) {
      agents.push(await createUser(tx, ctx, { name: `${first} ${last}`, email: `${first.toLowerCase()}@demo.test`, role: 'agent', time_zone: 'Europe/Paris' }));
    }
    for (const [i, a] of [owner, ...agents].entries()) await addGroupMember(tx, ctx, groups[i % groups.length]!.id, a.id);
    const orgs = [];
    for (const name of COMPANIES) {
      const domain = `${name.toLowerCase().replace(/[^a-z]+/g, '')}.example`;
      orgs.push(await createOrganization(tx, ctx, { name, domain_names: [domain], tags: r.chance(0.3) ? ['vip'] : [] }));
    }
    for (let i = 0; i < 160; i++) {
      const first = r.pick(FIRST_NAMES), last = r.pick(LAST_NAMES);
      const org = r.chance(0.6) ? r.pick(orgs) : null;
      const domain = org ? org.domainNames[0]! : r.pick(['mail.example', 'inbox.example', 'post.example']);
      await createUser(tx, ctx, {
        name: `${first} ${last}`, email: `${first}.${last}.${i}@${domain}`.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase(),
        organization_id: org?.id ?? null, time_zone: r.pick(['Europe/Paris', 'America/New_York', 'Europe/London', null]),
      });
    }
    const holidayDay = new Date(end.getTime() - 30 * 24 * 60 * MINUTE).toISOString().slice(0, 10);
    await createSchedule(tx, ctx, {
      name: 'Support hours', time_zone: 'Europe/Paris', default: true,
      // Monday–Friday 09:00–12:00 and 13:00–18:00 (lunch break), minutes from Sunday 00:00.
      intervals: [1, 2, 3, 4, 5].flatMap((d) => [{ start_time: d * 1440 + 540, end_time: d * 1440 + 720 }, { start_time: d * 1440 + 780, end_time: d * 1440 + 1080 }]),
    }, [
      { name: 'Company day off', start_date: holidayDay, end_date: holidayDay },
      { name: 'Christmas', start_date: `${end.getUTCFullYear()}-12-25`, end_date: `${end.getUTCFullYear()}-12-26` },
    ]);
    await tx.insert(ticketFields).values([
      { accountId: account.id, type: 'tagger', title: 'Product', position: 1, customFieldOptions: [{ name: 'Web shop', value: 'web_shop' }, { name: 'Mobile app', value: 'mobile_app' }, { name: 'Marketplace', value: 'marketplace' }] },
      { accountId: account.id, type: 'text', title: 'Order number', position: 2 },
      { accountId: account.id, type: 'checkbox', title: 'Escalated', position: 3 },
      { accountId: account.id, type: 'textarea', title: 'Internal summary', position: 4 },
      { accountId: account.id, type: 'date', title: 'Follow-up date', position: 5 },
      { accountId: account.id, type: 'multiselect', title: 'Components', position: 6, customFieldOptions: [{ name: 'Payment', value: 'payment' }, { name: 'Shipping', value: 'shipping' }, { name: 'Account', value: 'account' }] },
    ]);
  });
  const creds: DemoCredentials = { subdomain: 'demo', ownerEmail: 'admin@demo.test', agentEmail: 'agent@demo.test', password, apiToken };
  if (opts.dataDir && !opts.dataDir.startsWith('memory:')) {
    mkdirSync(opts.dataDir, { recursive: true });
    writeFileSync(path.join(opts.dataDir, 'demo-credentials.json'), JSON.stringify(creds, null, 2), { mode: 0o600 });
  }
  return creds;
}

async function loadSetup(q: Queryable, accountId: number, clock: Clock): Promise<Setup> {
  const all = await q.select().from(users).where(eq(users.accountId, accountId)).orderBy(asc(users.id));
  const owner = all.find((u) => u.isOwner)!;
  const gs = await q.select().from(groups).where(eq(groups.accountId, accountId)).orderBy(asc(groups.id));
  const ms = await q.select().from(groupMemberships).where(eq(groupMemberships.accountId, accountId));
  const byId = new Map(all.map((u) => [u.id, u]));
  const members = new Map<number, User[]>();
  for (const m of ms) members.set(m.groupId, [...(members.get(m.groupId) ?? []), byId.get(m.userId)!]);
  const fields = await q.select().from(ticketFields).where(eq(ticketFields.accountId, accountId)).orderBy(asc(ticketFields.position));
  return {
    ctx: { accountId, actor: toActor(owner), clock }, groups: gs, members,
    agents: all.filter((u) => u.role !== 'end-user'), customers: all.filter((u) => u.role === 'end-user'), fields,
  };
}

/**
 * Creates the demo tickets still missing, a few per transaction so the embedded database keeps
 * answering requests meanwhile. Each ticket's randomness depends only on its index, so a run that
 * was interrupted resumes with the same data it would have made.
 */
export async function seedDemoTickets(database: Database, onProgress: (p: DemoProgress) => void = () => {}): Promise<DemoProgress | null> {
  const { db } = database;
  const account = await findAccountBySubdomain(db, 'demo');
  const state = account?.settings.demo as { total: number; done: number; end: string } | undefined;
  if (!account || !state) return null;
  const clock = manualClock(state.end);
  const setup = await loadSetup(db, account.id, clock);
  const end = new Date(state.end);
  let done = state.done;
  const perTx = 10;
  while (done < state.total) {
    const upto = Math.min(state.total, done + perTx);
    await db.transaction(async (tx) => {
      for (let i = done; i < upto; i++) await ticketLifecycle(tx, setup, rng(SEED + i), clock, end, i, state.total);
      await tx.update(accounts).set({ settings: sql`jsonb_set(${accounts.settings}, '{demo,done}', ${String(upto)}::jsonb)` }).where(eq(accounts.id, account.id));
    });
    done = upto;
    onProgress({ total: state.total, done });
    // PGlite answers in microtasks: without a macrotask turn, HTTP requests would starve until the end.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { total: state.total, done };
}

type Setup = { ctx: Ctx; groups: { id: number }[]; members: Map<number, User[]>; agents: User[]; customers: User[]; fields: { id: number; type: string }[] };

/** One ticket's life: created by a customer, triaged, answered, maybe put on hold, solved, reopened, rated, closed. */
async function ticketLifecycle(tx: Queryable, s: Setup, r: Rng, clock: ManualClock, end: Date, i: number, total: number) {
  const span = 90 * 24 * 60 * MINUTE;
  // Spread creation times evenly over 90 days, in office-ish hours more often than not.
  const createdAt = end.getTime() - span + Math.floor((i / Math.max(total, 1)) * span) + r.int(0, 60) * MINUTE;
  clock.set(new Date(createdAt));
  const ctx = s.ctx;
  const requester = r.pick(s.customers);
  const agentCreated = r.chance(0.1);
  const orderNo = String(r.int(10000, 99999));
  const [fProduct, fOrder, fEscalated, , , fComponents] = s.fields;
  const t = await createTicket(tx, ctx, {
    subject: r.pick(SUBJECTS).replace('{n}', orderNo),
    comment: agentCreated
      ? { body: `Calling you back about your order ${orderNo}.`, author_id: r.pick(s.agents).id, public: true }
      : { body: `Hello, about my order ${orderNo}: ${r.pick(CUSTOMER_REPLIES)}`, author_id: requester.id },
    requester_id: requester.id,
    submitter_id: agentCreated ? s.agents[1]!.id : requester.id,
    priority: r.pick(['low', 'normal', 'normal', 'high', 'urgent'] as const),
    type: r.pick(['question', 'incident', 'problem', 'task', null] as const),
    tags: r.chance(0.3) ? ['shipping'] : r.chance(0.3) ? ['billing', 'invoice'] : [],
    via_channel: agentCreated ? 'voice' : r.pick(['web', 'email', 'email', 'chat'] as const),
    custom_fields: [
      { id: fProduct!.id, value: r.pick(['web_shop', 'mobile_app', 'marketplace']) },
      { id: fOrder!.id, value: orderNo },
      ...(r.chance(0.3) ? [{ id: fComponents!.id, value: [r.pick(['payment', 'shipping', 'account'])] }] : []),
    ],
  });
  const step = async (minMinutes: number, maxMinutes: number) => {
    const next = clock.now().getTime() + r.int(minMinutes, maxMinutes) * MINUTE;
    if (next >= end.getTime() - MINUTE) return false;
    clock.set(new Date(next));
    return true;
  };
  const update = (input: Parameters<typeof updateTicket>[3]) => updateTicket(tx, ctx, t.id, { via_channel: 'web', ...input });

  if (!(await step(5, 240))) return;
  const group = r.pick(s.groups);
  const groupAgents = s.members.get(group.id) ?? s.agents;
  let agent = r.pick(groupAgents);
  await update({ group_id: group.id, assignee_id: agent.id });
  if (r.chance(0.15) && (await step(10, 600))) {
    // Reassignment: another group station, another assignee station.
    const g2 = r.pick(s.groups);
    agent = r.pick(s.members.get(g2.id) ?? s.agents);
    await update({ group_id: g2.id, assignee_id: agent.id, custom_fields: [{ id: fEscalated!.id, value: true }] });
  }
  if (r.chance(0.3) && (await step(1, 60))) await update({ comment: { body: r.pick(NOTES), public: false, author_id: agent.id } });
  if (!(await step(10, 1440))) return;
  await update({ comment: { body: r.pick(REPLIES), author_id: agent.id }, status: r.chance(0.5) ? 'pending' : 'open' });
  if (r.chance(0.15) && (await step(30, 1440))) {
    await update({ status: 'hold', comment: { body: 'Waiting on the warehouse.', public: false, author_id: agent.id } });
    if (!(await step(60, 2880))) return;
    await update({ status: 'open' });
  }
  if (r.chance(0.6) && (await step(30, 2880))) await update({ comment: { body: r.pick(CUSTOMER_REPLIES), author_id: requester.id } });
  if (r.chance(0.1)) return; // Still open today.
  if (!(await step(30, 2880))) return;
  await update({ status: 'solved', comment: { body: 'Glad we could help. Closing this for now.', author_id: agent.id } });
  if (r.chance(0.15) && (await step(60, 2880))) {
    // Reopen: the requester writes back on the solved ticket, then the agent solves it again.
    await update({ comment: { body: 'Sorry, the problem is back.', author_id: requester.id } });
    if (!(await step(30, 1440))) return;
    await update({ status: 'solved', comment: { body: r.pick(REPLIES), author_id: agent.id } });
  }
  if (r.chance(0.7) && (await step(60, 1440))) {
    const score = r.chance(0.25) ? 'offered' : r.chance(0.8) ? 'good' : 'bad';
    await rateTicket(tx, ctx, t.id, score, score === 'bad' ? 'Took too long.' : undefined);
  }
  // Solved tickets close after 4 days (SPEC M7).
  const solvedFor = end.getTime() - clock.now().getTime();
  if (solvedFor > 4 * 24 * 60 * MINUTE) {
    clock.set(new Date(clock.now().getTime() + 4 * 24 * 60 * MINUTE));
    await update({ status: 'closed', via_channel: 'rule' });
  }
}
