import { CronJob } from 'cron';
import type { Database } from '../../db/client.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../core/clock.ts';
import { createSecretBox, resolveEncryptionKey } from '../core/crypto.ts';
import { connectors as registeredConnectors } from '../connectors/index.ts';
import { EXPORT_TASK, purgeExpiredExports } from '../exports/requests.ts';
import { exportTask } from '../exports/task.ts';
import { ZIS_TASK, zisTask } from '../zis/runner.ts';
import { createMailer } from '../mail.ts';
import { ensureLogPartitions, purgeLogs } from '../logs/partitions.ts';
import { createLogWriter } from '../logs/writer.ts';
import type { AnyConnector } from '../sdk/index.ts';
import { createEngine, type Task } from './engine.ts';
import { purgeFinishedJobs } from './maintenance.ts';

/**
 * The runner as a process part: log writer, engine (workers when RUN_WORKERS) with the engine's own
 * tasks (data exports), and the upkeep schedules (log purge, expired exports). `npm start` runs it
 * beside HTTP; `npm run worker` runs it alone, so both register the same tasks.
 */
export async function startRunner(opts: {
  database: Database; config: Config; clock: Clock; say: (msg: string) => void; workers: boolean; tasks?: Record<string, Task>;
  /** The connectors to run; runner/connectors/index.ts's list unless a test or tool brings its own. */
  connectors?: AnyConnector[];
}) {
  const { database, config, clock, say } = opts;
  const connectors = opts.connectors ?? registeredConnectors;
  const key = resolveEncryptionKey({ key: config.ENCRYPTION_KEY, dataDir: config.DATA_DIR, production: config.NODE_ENV === 'production' });
  const logs = createLogWriter(database, { onError: (err) => console.error('integration log:', err instanceof Error ? err.message : err) });
  // One box for connector credentials and private integrations' connections: both open what the HTTP side sealed.
  const secrets = createSecretBox(key);
  const tasks: Record<string, Task> = {
    [EXPORT_TASK]: exportTask({ config, mailer: createMailer(config, database) }), [ZIS_TASK]: zisTask({ secrets }), ...opts.tasks,
  };
  const engine = createEngine({
    database, clock, logs, connectors, secrets, tasks,
    concurrency: config.WORKER_CONCURRENCY, leaseMs: config.JOB_LEASE_SECONDS * 1000,
    jobTimeoutMs: config.JOB_TIMEOUT_SECONDS * 1000, httpTimeoutMs: config.HTTP_TIMEOUT_SECONDS * 1000,
    onError: (msg, err) => console.error(`${msg}:`, err instanceof Error ? err.message : err),
  });

  const upkeep = async () => {
    const now = clock.now();
    await ensureLogPartitions(database, now);
    const purged = await purgeLogs(database, now, config.LOG_RETENTION_DAYS);
    const jobsPurged = await purgeFinishedJobs(database, clock, config.LOG_RETENTION_DAYS);
    if (purged.deletedRows || purged.droppedPartitions.length || jobsPurged) {
      say(`log upkeep: dropped ${purged.droppedPartitions.length} day(s) and ${purged.deletedRows} row(s) older than ${config.LOG_RETENTION_DAYS} days; removed ${jobsPurged} finished job(s)`);
    }
  };
  // A failed upkeep (a lock timeout behind a long reader) is retried at the next tick, not fatal.
  await upkeep().catch((err) => console.error('log upkeep failed (will retry on schedule):', err instanceof Error ? err.message : err));
  const cron = CronJob.from({
    cronTime: config.LOG_PURGE_CRON, start: true,
    onTick: () => upkeep().catch((err) => console.error('log upkeep failed:', err)),
  });

  const purgeExports = () => purgeExpiredExports(database, clock, config.EXPORT_DIR)
    .then((n) => { if (n) say(`exports: ${n} expired export(s) marked expired and their files deleted`); })
    .catch((err) => console.error('export purge failed (will retry on schedule):', err instanceof Error ? err.message : err));
  await purgeExports();
  const exportCron = CronJob.from({ cronTime: config.EXPORT_PURGE_CRON, start: true, onTick: purgeExports });

  if (opts.workers) {
    engine.start();
    say(`runner: ${config.WORKER_CONCURRENCY} worker slot(s) as ${engine.workerId}; connectors: ${connectors.map((c) => c.id).join(', ') || 'none installed in this build'}`);
    if (!config.SMTP_URL) say('mail: SMTP_URL is not set; export emails stay in the outbox (Data export page)');
  }
  return {
    engine,
    logs,
    async stop() {
      await cron.stop();
      await exportCron.stop();
      if (opts.workers) await engine.stop();
      await logs.close();
    },
  };
}
