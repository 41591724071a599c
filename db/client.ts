import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import postgres from 'postgres';
import * as schema from './schema/index.ts';

type Schema = typeof schema;
/** The query surface shared by the PGlite and postgres.js drivers: code is written once against it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything a query can run on: the database or an open transaction. */
export type Queryable = Db | Tx;

export type Database = {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Rows of a raw SQL statement, whatever the driver's result shape. */
  rows<T = Record<string, unknown>>(q: SQL, on?: Queryable): Promise<T[]>;
  /** The driver underneath, for what drizzle does not cover (COPY, LISTEN). Exactly one is set. */
  raw: { pglite?: PGlite; postgres?: postgres.Sql };
  close(): Promise<void>;
};

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export type CreateDbOptions = {
  /** postgres:// URL; when absent an embedded PGlite database is opened. */
  url?: string | undefined;
  /** PGlite data directory; `memory://` (the default when no dir is given) keeps it in memory. */
  dataDir?: string | undefined;
  /** postgres.js pool size. */
  maxConnections?: number;
};

/**
 * Opens the database and applies pending migrations.
 * @example const { db } = await createDb({ url: process.env.DATABASE_URL, dataDir: './data' });
 */
export async function createDb(opts: CreateDbOptions = {}): Promise<Database> {
  if (opts.url) return openPostgres(opts.url, opts.maxConnections ?? 10);
  return openPglite(opts.dataDir);
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  // PGlite parses json itself and drizzle parses again (a "123" string came back as 123):
  // hand drizzle the raw text, as its postgres.js driver does.
  const raw = (v: string) => v;
  const options = { parsers: { 114: raw, 3802: raw } };
  let client: PGlite;
  if (dataDir && !dataDir.startsWith('memory:')) {
    const dir = path.resolve(dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    client = await PGlite.create(dir, options);
  } else {
    client = await PGlite.create(options);
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  await migratePglite(db as never, { migrationsFolder });
  return {
    db,
    kind: 'pglite',
    async rows<T>(q: SQL, on: Queryable = db) {
      const res = (await on.execute(q)) as unknown as { rows: T[] };
      return res.rows;
    },
    raw: { pglite: client },
    close: () => client.close(),
  };
}

async function openPostgres(url: string, max: number): Promise<Database> {
  // Several processes may start at once against one database: one migrates, the others wait on a
  // session lock held by a single-connection client.
  const migrator = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await migrator`select pg_advisory_lock(727274, 1)`;
    await migratePostgres(drizzlePostgres(migrator, { schema }), { migrationsFolder });
    await migrator`select pg_advisory_unlock(727274, 1)`;
  } finally {
    await migrator.end();
  }
  const client = postgres(url, { max, onnotice: () => {}, connection: { application_name: 'deskbridge' } });
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    async rows<T>(q: SQL, on: Queryable = db) {
      return (await on.execute(q)) as unknown as T[];
    },
    raw: { postgres: client },
    close: () => client.end({ timeout: 5 }),
  };
}

export { sql };
