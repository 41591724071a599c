import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comments, ticketFields, tickets } from '../../db/schema/index.ts';
import { commentShape, loadTicketExtras, ticketShape } from '../../runner/core/ticket-shape.ts';
import { createTicket, findTicket, rateTicket, updateTicket } from '../../runner/core/tickets.ts';
import { buildExport } from '../../runner/exports/build.ts';
import { checkedLines } from '../../runner/exports/ticket-json.ts';
import { createWorld, type World } from '../helpers/world.ts';

/**
 * The JSON export builds its ticket lines in SQL (runner/exports/ticket-json.ts). These tests hold
 * that SQL to the API's own shape functions on tickets that use every part of the shape, with text
 * that needs escaping, so that the two cannot drift apart.
 */

let w: World;
let dir: string;
beforeAll(async () => {
  w = await createWorld();
  dir = mkdtempSync(path.join(tmpdir(), 'ticket-json-'));
});
afterAll(async () => {
  await w.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Text a JSON writer must escape: quotes, backslashes, control characters, line breaks, non-ASCII, astral planes, HTML. */
const NASTY = 'He said "hi" \\ C:\\path\n\tnext\r\nline \u0001\u001f\u007f é ß 日本 😀 </script><b>&amp;</b> \u2028\u2029 \'single\'';

async function expected(id: number, base: string) {
  const t = await findTicket(w.db, w.acme.id, id);
  const extras = await loadTicketExtras(w.db, w.acme.id, [id]);
  const cs = await w.db.select().from(comments).where(and(eq(comments.accountId, w.acme.id), eq(comments.ticketId, id))).orderBy(asc(comments.id));
  return { ticket: { ...ticketShape(t, base, extras, { generated: true }), comments: cs.map(commentShape) } };
}

async function exportLines(base: string) {
  const result = await buildExport({
    database: w.database, accountId: w.acme.id, exportId: Math.floor(Math.random() * 1e6), type: 'json', dataType: 'tickets',
    startTime: null, endTime: null, dir, requestedAt: new Date('2026-03-02T12:00:00Z'), ticketThreshold: 1_000_000,
    signal: new AbortController().signal, onProgress: () => {}, base,
  });
  const text = execFileSync('unzip', ['-p', path.join(dir, result.file.name)], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { ticket: { id: number } });
}

describe('SQL-built ticket lines', () => {
  it('equal ticketShape + commentShape for tickets using every part of the shape, with text that needs escaping', async () => {
    const field = async (type: (typeof ticketFields.$inferInsert)['type'], position: number, active = true) => {
      const options = type === 'tagger' || type === 'multiselect' ? [{ name: 'Gold "VIP"', value: 'gold' }, { name: 'Silver', value: 'silver' }] : [];
      const [f] = await w.db.insert(ticketFields).values({ accountId: w.acme.id, type, title: `F ${type}`, position, active, customFieldOptions: options }).returning();
      return f!.id;
    };
    // Positions out of id order, and an inactive field, which the shape leaves out.
    const text = await field('text', 5);
    const checkbox = await field('checkbox', 1);
    const tagger = await field('tagger', 3);
    const multi = await field('multiselect', 2);
    const integer = await field('integer', 4);
    const decimal = await field('decimal', 6);
    const date = await field('date', 7);
    const area = await field('textarea', 8);
    await field('text', 0, false);

    const ctx = w.acme.ctx();
    const requester = w.acme.endUser.user.id;
    const full = await createTicket(w.db, ctx, {
      subject: NASTY, comment: { body: NASTY, author_id: requester }, requester_id: requester, external_id: `ext-${NASTY}`,
      priority: 'urgent', type: 'task', due_at: '2026-04-01T10:30:45.678Z', tags: ['vip', 'über'], via_channel: 'email',
      custom_fields: [
        { id: text, value: NASTY }, { id: checkbox, value: false }, { id: tagger, value: 'gold' }, { id: multi, value: ['silver', 'gold'] },
        { id: integer, value: -42 }, { id: decimal, value: 0.1 }, { id: date, value: '2026-02-29'.replace('29', '28') }, { id: area, value: 'a\nb' },
      ],
    });
    await updateTicket(w.db, w.acme.ctx(w.acme.agent), full.id, { comment: { body: 'Private "note"', public: false }, status: 'solved', assignee_id: w.acme.agent.user.id });
    await rateTicket(w.db, ctx, full.id, 'good', `Merci ${NASTY}`);
    const [firstComment] = await w.db.select().from(comments).where(eq(comments.ticketId, full.id)).orderBy(asc(comments.id)).limit(1);
    // Metadata of its own, merged into {system, custom} by the shape; one key overrides `custom`.
    await w.db.update(comments).set({ metadata: { custom: { order: 12, note: NASTY }, flagged: true } }).where(eq(comments.id, firstComment!.id));

    const bare = await createTicket(w.db, ctx, { subject: '', comment: { body: 'x' }, requester_id: requester });
    const source = await createTicket(w.db, ctx, { subject: 'Closed one', comment: { body: 'done' }, requester_id: requester });
    await w.db.update(tickets).set({ status: 'closed' }).where(eq(tickets.id, source.id));
    const f1 = await createTicket(w.db, ctx, { subject: 'Follow-up 1', comment: { body: 'again' }, requester_id: requester, via_followup_source_id: source.id });
    const f2 = await createTicket(w.db, ctx, { subject: 'Follow-up 2', comment: { body: 'again' }, requester_id: requester, via_followup_source_id: source.id });

    for (const base of ['', 'https://acme.example.com']) {
      const lines = await exportLines(base);
      expect(lines.map((l) => l.ticket.id)).toEqual([full.id, bare.id, source.id, f1.id, f2.id]);
      for (const line of lines) expect(line).toEqual(await expected(line.ticket.id, base));
    }
    // The parts above are really exercised, not empty on both sides.
    const [line] = (await exportLines('')).filter((l) => l.ticket.id === full.id) as unknown as { ticket: Record<string, any> }[];
    expect(line!.ticket.custom_fields.map((f: { id: number }) => f.id)).toEqual([checkbox, multi, tagger, integer, text, decimal, date, area]);
    expect(line!.ticket.satisfaction_rating.score).toBe('good');
    expect(line!.ticket.comments).toHaveLength(2);
    expect(line!.ticket.comments[0].metadata).toEqual({ system: {}, custom: { order: 12, note: NASTY }, flagged: true });
    expect(line!.ticket.subject).toBe(NASTY);
    const [src] = (await exportLines('')).filter((l) => l.ticket.id === source.id) as unknown as { ticket: Record<string, any> }[];
    expect(src!.ticket.followup_ids).toEqual([f1.id, f2.id]);
  });
});

describe('checkedLines', () => {
  async function run(chunks: Buffer[], limit: number) {
    const oversized: number[] = [];
    let counted = 0;
    const out: Buffer[] = [];
    for await (const b of checkedLines((async function* () { yield* chunks; })(), limit, (id) => oversized.push(id), async (n) => { counted += n; })) out.push(b);
    return { text: Buffer.concat(out).toString(), oversized, counted };
  }
  const line = (id: number, comment: string) => `${JSON.stringify({ ticket: { id, subject: 's', comments: [{ body: comment }] } })}\n`;

  it('passes lines through whatever the chunking, and rewrites the ones over the limit without comments', async () => {
    const lines = [line(1, 'a'), line(2, 'b'.repeat(300)), line(3, 'c'), line(4, 'd'.repeat(500)), line(5, 'é')];
    const all = lines.join('');
    const expectedText = [lines[0], `${JSON.stringify({ ticket: { id: 2, subject: 's', comments: [] } })}\n`, lines[2],
      `${JSON.stringify({ ticket: { id: 4, subject: 's', comments: [] } })}\n`, lines[4]].join('');
    const bytes = Buffer.from(all);
    // Chunk sizes that split lines, the multi-byte é, and the oversized lines at every place.
    for (const size of [1, 7, 64, 100, 333, bytes.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const r = await run(chunks, 200);
      expect(r.text).toBe(expectedText);
      expect(r.oversized).toEqual([2, 4]);
      expect(r.counted).toBe(5);
    }
  });

  it('refuses output that ends in the middle of a line', async () => {
    await expect(run([Buffer.from('{"ticket":{"id":1}}\n{"tick')], 1000)).rejects.toThrow(/middle of a line/);
  });
});
