import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import type { Clock } from '../core/clock.ts';

/** Dead jobs stay visible this long (an admin may still retry them); succeeded ones as long as the log. */
export const DEAD_JOB_RETENTION_DAYS = 30;

/** Deletes finished jobs past retention. Queued and running jobs are never touched. */
export async function purgeFinishedJobs(database: Database, clock: Clock, retentionDays: number): Promise<number> {
  const now = clock.now().getTime();
  const succeededBefore = new Date(now - retentionDays * 86_400_000);
  const deadBefore = new Date(now - Math.max(retentionDays, DEAD_JOB_RETENTION_DAYS) * 86_400_000);
  const rows = await database.rows<{ id: number }>(sql`
    delete from jobs
    where (state = 'succeeded' and finished_at < ${succeededBefore.toISOString()}::timestamptz) or (state = 'dead' and finished_at < ${deadBefore.toISOString()}::timestamptz)
    returning id`);
  return rows.length;
}
