import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { installationStore } from '../../db/schema/index.ts';
import type { Clock } from '../core/clock.ts';
import { PermanentError, type KeyValueStore } from '../sdk/index.ts';

const MAX_KEY = 255;
/** Cursors and id links are small; a bigger value means the store is being misused as a cache. */
const MAX_VALUE_BYTES = 256 * 1024;

/** `ctx.store`: one installation's JSON values by key (sync cursors, remote ↔ local id links). */
export function createInstallationStore(database: Database, clock: Clock, accountId: number, installationId: number): KeyValueStore {
  const db = database.db;
  const at = (key: string) => {
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY) throw new PermanentError(`Store keys are 1 to ${MAX_KEY} characters`, 'InvalidInput');
    return and(eq(installationStore.accountId, accountId), eq(installationStore.installationId, installationId), eq(installationStore.key, key));
  };
  return {
    async get<T = unknown>(key: string): Promise<T | undefined> {
      const [row] = await db.select({ value: installationStore.value }).from(installationStore).where(at(key));
      return row ? (row.value as T) : undefined;
    },
    async set(key, value) {
      const where = at(key);
      if (value === undefined) { await db.delete(installationStore).where(where); return; }
      const json = JSON.stringify(value);
      if (Buffer.byteLength(json) > MAX_VALUE_BYTES) throw new PermanentError(`Store value "${key}" is larger than ${MAX_VALUE_BYTES / 1024} KB`, 'InvalidInput');
      const now = clock.now();
      await db.insert(installationStore).values({ accountId, installationId, key, value: JSON.parse(json), updatedAt: now })
        .onConflictDoUpdate({ target: [installationStore.accountId, installationStore.installationId, installationStore.key], set: { value: JSON.parse(json), updatedAt: now } });
    },
    async delete(key) {
      await db.delete(installationStore).where(at(key));
    },
  };
}
