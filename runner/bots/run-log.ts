import type { Database } from '../../db/client.ts';
import { createLogWriter, type LogWriter } from '../logs/writer.ts';
import type { LogDetails, Logger, LogStatus } from '../sdk/index.ts';

/**
 * Bot steps and actions run inside the HTTP request that asks for them (a bot waits for the answer),
 * not as engine jobs, so their log rows go through a writer of their own: one per database, shared
 * by every request. A run flushes before the response goes out, so its rows are readable at once.
 */
const writers = new WeakMap<Database, LogWriter>();
function writerFor(database: Database): LogWriter {
  let writer = writers.get(database);
  if (!writer) {
    writer = createLogWriter(database, { flushIntervalMs: 20, onError: (err) => console.error('integration log:', err instanceof Error ? err.message : err) });
    writers.set(database, writer);
  }
  return writer;
}

export type RunLog = {
  log: Logger;
  /** Secrets (a connection's) blanked in every row written after the call. */
  addSecrets(values: string[]): void;
  /** Resolves once every row of the run is committed. */
  flush(): Promise<void>;
};

export function createRunLog(database: Database, accountId: number, product: string, ticketId: number | null = null): RunLog {
  const writer = writerFor(database);
  const secrets: string[] = [];
  const written: Promise<void>[] = [];
  const make = (name: string): Logger => {
    const write = (status: LogStatus, description: string, details: LogDetails = {}) => {
      written.push(writer.write({ accountId, product: name, status, description, details, ticketId }, [...secrets]).catch(() => {}));
    };
    return {
      info: (d, x) => write('info', d, x),
      warn: (d, x) => write('warning', d, x),
      error: (d, x) => write('error', d, x),
      debug: (d, x) => write('debug', d, x),
      withProduct: (p) => make(p),
    };
  };
  return {
    log: make(product),
    addSecrets: (values) => { secrets.push(...values); },
    async flush() {
      await writer.flush();
      await Promise.all(written);
    },
  };
}
