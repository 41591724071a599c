import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../db/client.ts';
import { systemClock } from '../../runner/core/clock.ts';
import { createSecretBox } from '../../runner/core/crypto.ts';
import { createEngine } from '../../runner/engine/engine.ts';
import { enqueue } from '../../runner/engine/queue.ts';
import { createLogWriter } from '../../runner/logs/writer.ts';
import { createPostgresDatabase } from '../helpers/db.ts';
import { jobRow, logRows } from '../helpers/runner.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const LEASE_MS = 1500;

// Two processes on one database needs PostgreSQL (an embedded PGlite belongs to one process).
describe.runIf(process.env.DATABASE_URL)('a worker process killed in the middle of a job', () => {
  it('loses the job to another worker when its lease expires, and the job completes there', async () => {
    const fresh = await createPostgresDatabase(process.env.DATABASE_URL!);
    const database = await createDb({ url: fresh.url, maxConnections: 4 });
    try {
      const { id } = await enqueue(database.db, { accountId: 1, kind: 'hang', name: 'long report' }, systemClock);
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures/hanging-worker.ts')], {
        env: { ...process.env, TEST_DATABASE_URL: fresh.url, LEASE_MS: String(LEASE_MS) }, stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the child worker never started the job')), 30_000);
        child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('STARTED')) { clearTimeout(timer); resolve(); } });
        child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
      });
      const held = await jobRow(database, id);
      expect(held).toMatchObject({ state: 'running', lockedBy: 'doomed-worker', attempts: 1 });
      child.kill('SIGKILL');

      const logs = createLogWriter(database, { flushIntervalMs: 5 });
      const ran: number[] = [];
      const survivor = createEngine({
        database, clock: systemClock, secrets: createSecretBox(randomBytes(32)), connectors: [], logs, leaseMs: LEASE_MS, pollMs: 50,
        tasks: { hang: { product: 'Test', run: async ({ job }) => { ran.push(job.attempts); } } }, onError: () => {},
      });
      survivor.start();
      const deadline = Date.now() + 20_000;
      while ((await jobRow(database, id)).state !== 'succeeded' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await survivor.stop();
      await logs.close();
      expect(ran).toEqual([2]);
      expect((await jobRow(database, id)).state).toBe('succeeded');
      const rows = await logRows(database, sql`job_id = ${id}`);
      expect(rows[0]).toMatchObject({ product: 'Test', status: 'warning' });
      expect(rows[0]!.description).toContain('stopped responding (attempt 1 of 8) — it will run again');
    } finally {
      await database.close();
      await fresh.drop();
    }
  });
});
