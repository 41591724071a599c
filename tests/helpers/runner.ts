import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import type { Job } from '../../db/schema/index.ts';
import type { Clock } from '../../runner/core/clock.ts';
import { createSecretBox } from '../../runner/core/crypto.ts';
import { createEngine, type EngineOptions } from '../../runner/engine/engine.ts';
import { createLogWriter } from '../../runner/logs/writer.ts';

export type StoredLogRow = { id: number; product: string; status: string; description: string; details: Record<string, unknown>; ticket_id: number | null; job_id: number | null };

const open: { close(): Promise<void> }[] = [];

/** Closes the log writers of every engine made since the last call: call before closing the database. */
export async function closeTestEngines() {
  await Promise.all(open.splice(0).map((w) => w.close()));
}

/** An engine over a test database, with a real log writer and its own encryption key. */
export function createTestEngine(database: Database, clock: Clock, opts: Partial<EngineOptions> & Pick<EngineOptions, 'connectors'>) {
  const logs = createLogWriter(database, { flushIntervalMs: 5 });
  open.push(logs);
  const secrets = opts.secrets ?? createSecretBox(randomBytes(32));
  const engine = createEngine({ database, clock, logs, secrets, pollMs: 20, onError: () => {}, ...opts });
  return { engine, logs, secrets };
}

export async function logRows(database: Database, where = sql`true`): Promise<StoredLogRow[]> {
  const rows = await database.rows<StoredLogRow>(sql`select id, product, status::text as status, description, details, ticket_id, job_id from integration_logs where ${where} order by ts, id`);
  return rows.map((r) => ({ ...r, id: Number(r.id), details: typeof r.details === 'string' ? JSON.parse(r.details) : r.details, ticket_id: r.ticket_id === null ? null : Number(r.ticket_id), job_id: r.job_id === null ? null : Number(r.job_id) }));
}

export async function jobRow(database: Database, id: number): Promise<Job> {
  const [row] = await database.db.query.jobs.findMany({ where: (j, { eq }) => eq(j.id, id) });
  if (!row) throw new Error(`job ${id} not found`);
  return row;
}

export async function countRows(database: Database, query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await database.rows<{ n: number }>(query);
  return Number(row?.n ?? 0);
}
