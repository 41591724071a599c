import { sql } from 'drizzle-orm';
import type { Database, Queryable } from '../../db/client.ts';

/**
 * Incremental exports page on `generated_at`. A transaction that stamped its rows earlier but commits
 * later would slip behind a reader's cursor and never be exported. To rule that out, every writer
 * holds a shared advisory lock for its account while it stamps rows with clock_timestamp(), and a
 * reader takes the exclusive lock for an instant to read a barrier time: every row stamped before the
 * barrier is committed, every row stamped after it is newer. Readers only return rows below it.
 */
const LOCK_SPACE = 727275;

/** Call first in any transaction that stamps `generated_at` (tickets, users, organizations). */
export async function lockAccountForChange(tx: Queryable, accountId: number): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock_shared(${LOCK_SPACE}, ${accountId}::int)`);
}

/** The stamp writers use, taken after the lock. */
export const changeStamp = () => sql`clock_timestamp()`;

/** The newest `generated_at` (exclusive) a reader may return: in ms since epoch. */
export async function readBarrier(database: Database, accountId: number): Promise<number> {
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_SPACE}, ${accountId}::int)`);
    const [row] = await database.rows<{ t: string }>(
      sql`select (extract(epoch from date_trunc('milliseconds', clock_timestamp())) * 1000)::bigint::text as t`, tx);
    return Number(row!.t);
  });
}
