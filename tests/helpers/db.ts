import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createDb, type Database } from '../../db/client.ts';

/**
 * A fresh, migrated database for one test file: a new PostgreSQL database when DATABASE_URL is set
 * (dropped on close), otherwise an in-memory PGlite. Both paths run the same tests.
 */
export async function createTestDatabase(): Promise<Database> {
  if (!process.env.DATABASE_URL) return createDb({});
  const fresh = await createPostgresDatabase(process.env.DATABASE_URL);
  const database = await createDb({ url: fresh.url, maxConnections: 5 });
  return {
    ...database,
    async close() {
      await database.close();
      await fresh.drop();
    },
  };
}

/** Creates an empty database on the server of `serverUrl`; `drop()` removes it. */
export async function createPostgresDatabase(serverUrl: string) {
  const name = `deskbridge_t_${randomBytes(5).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const again = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await again.unsafe(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}

export const onPostgres = () => Boolean(process.env.DATABASE_URL);
