import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../db/client.ts';
import { accounts } from '../../db/schema/index.ts';
import { loadConfig } from '../../runner/config.ts';
import { createAccount } from '../../runner/core/accounts.ts';
import { systemClock } from '../../runner/core/clock.ts';
import { createTestDatabase } from '../helpers/db.ts';

describe('createDb', () => {
  it('PGlite in a data directory keeps its rows across restarts and migrates only once', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'deskbridge-'));
    try {
      const first = await createDb({ dataDir: dir });
      expect(first.kind).toBe('pglite');
      await createAccount(first.db, systemClock, { subdomain: 'kept', name: 'Kept', owner: { name: 'O', email: 'o@kept.test' } });
      await first.close();
      const second = await createDb({ dataDir: dir });
      const rows = await second.db.select().from(accounts);
      expect(rows.map((a) => a.subdomain)).toEqual(['kept']);
      expect(rows[0]!.settings).toEqual({ export: { enabled: false, approvedDomain: 'kept.test' } });
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`the test database (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}) has every table of the schema`, async () => {
    const database = await createTestDatabase();
    try {
      const rows = await database.rows<{ t: string }>(sql`select table_name as t from information_schema.tables where table_schema = 'public' order by 1`);
      expect(rows.map((r) => r.t)).toEqual(expect.arrayContaining([
        'accounts', 'api_tokens', 'audit_events', 'audits', 'comments', 'group_memberships', 'groups', 'organizations',
        'satisfaction_ratings', 'schedule_holidays', 'schedules', 'sessions', 'ticket_field_values', 'ticket_fields', 'tickets', 'users',
      ]));
      expect(database.kind).toBe(process.env.DATABASE_URL ? 'postgres' : 'pglite');
    } finally {
      await database.close();
    }
  });
});

describe('config', () => {
  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ DEMO_PASSWORD: 'short' })).toThrow(/DEMO_PASSWORD/);
  });
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, DATA_DIR: './data', DEFAULT_ACCOUNT: 'demo', DEMO: true });
    expect(c.DATABASE_URL).toBeUndefined();
  });
});
