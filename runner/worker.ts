import { createDb } from '../db/client.ts';
import { loadConfig } from './config.ts';
import { systemClock } from './core/clock.ts';
import { startRunner } from './engine/runtime.ts';

// `npm run worker`: job workers without HTTP. Run as many as you like, on as many machines, against
// one PostgreSQL (DATABASE_URL) and one ENCRYPTION_KEY; they share the queue safely.
async function main() {
  const config = loadConfig();
  const say = (msg: string) => { if (config.LOG_LEVEL !== 'silent') console.log(msg); };
  if (!config.DATABASE_URL) say('note: without DATABASE_URL this worker uses its own embedded database, which no web process shares');
  const database = await createDb({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, maxConnections: config.DATABASE_POOL_SIZE });
  const runner = await startRunner({ database, config, clock: systemClock, say, workers: true });
  const stop = async () => {
    await runner.stop();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
