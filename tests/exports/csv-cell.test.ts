import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { cell, sqlCell } from '../../runner/exports/csv.ts';
import { createTestDatabase } from '../helpers/db.ts';

/** The CSV records are quoted by SQL (sqlCell), the header by TypeScript (cell): the same rules. */
let database: Database;
beforeAll(async () => { database = await createTestDatabase(); });
afterAll(async () => { await database.close(); });

const tricky = fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '"', ',', "'", 'a', 'Z', ' ', 'é', '😀', '\\'), maxLength: 12 });

describe('CSV cell quoting', () => {
  it('is the same in SQL as in TypeScript, for any text and for null', async () => {
    const samples = fc.sample(tricky, 300);
    samples.push('', '=1+1', '-', '"', '\r\n', '@x,"y"');
    const values = sql.join(samples.map((s, i) => sql`(${i}::int, ${s}::text)`), sql`, `);
    const rows = await database.rows<{ i: number; out: string }>(sql`select v.i, ${sqlCell(sql`v.s`)} as out from (values ${values}) as v(i, s)`);
    for (const r of rows) expect(r.out, JSON.stringify(samples[r.i])).toBe(cell(samples[r.i]));
    const [nullRow] = await database.rows<{ out: string }>(sql`select ${sqlCell(sql`null::text`)} as out`);
    expect(nullRow!.out).toBe(cell(null));
  });
});
