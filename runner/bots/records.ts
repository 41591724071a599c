import { and, eq, ne } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Queryable } from '../../db/client.ts';
import type { Clock } from '../core/clock.ts';

/** Bot steps, custom actions and action flows: account-owned rows with a name unique in the account. */
type NamedTable = PgTable & { id: PgColumn; accountId: PgColumn; name: PgColumn };

/** The id of another row of the account already holding `name`, if any. */
export async function nameTakenBy(q: Queryable, table: NamedTable, accountId: number, name: string, currentId?: number): Promise<number | undefined> {
  const [clash] = await q.select({ id: table.id }).from(table as PgTable)
    .where(and(eq(table.accountId, accountId), eq(table.name, name), currentId === undefined ? undefined : ne(table.id, currentId)));
  return clash?.id as number | undefined;
}

/** Inserts the row (no `currentId`) or updates the account's row of that id; stamps the times. */
export async function writeRecord<R>(q: Queryable, table: NamedTable, accountId: number, values: Record<string, unknown>, clock: Clock, currentId?: number): Promise<R> {
  const now = clock.now();
  const rows = currentId === undefined
    ? await q.insert(table).values({ ...values, accountId, createdAt: now, updatedAt: now }).returning()
    : await q.update(table).set({ ...values, updatedAt: now }).where(and(eq(table.accountId, accountId), eq(table.id, currentId))).returning();
  return (rows as R[])[0]!;
}

/** Deletes the account's row of that id; false when there was none. */
export async function deleteRecord(q: Queryable, table: NamedTable, accountId: number, id: number): Promise<boolean> {
  const gone = await q.delete(table).where(and(eq(table.accountId, accountId), eq(table.id, id))).returning({ id: table.id });
  return gone.length > 0;
}
