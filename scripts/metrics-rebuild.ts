/**
 * npm run metrics:rebuild [-- --account SUBDOMAIN]
 * Recomputes the stored metrics of every ticket from its audits and the account's schedule history.
 */
import { and, asc, eq, gt } from 'drizzle-orm';
import { createDb } from '../db/client.ts';
import { accounts, tickets } from '../db/schema/index.ts';
import { loadConfig } from '../runner/config.ts';
import { refreshMany } from '../runner/core/metrics/store.ts';
import { loadScheduleHistory } from '../runner/core/schedules.ts';

const args = process.argv.slice(2);
const only = args.includes('--account') ? args[args.indexOf('--account') + 1] : undefined;
const config = loadConfig();
const database = await createDb({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
const { db } = database;
const started = Date.now();
let total = 0;
const list = await db.select().from(accounts).where(only ? eq(accounts.subdomain, only) : undefined).orderBy(asc(accounts.id));
if (only && !list.length) {
  console.error(`No account with subdomain ${only}`);
  process.exit(1);
}
for (const account of list) {
  const history = await loadScheduleHistory(db, account.id);
  let after = 0;
  for (;;) {
    const ids = (await db.select({ id: tickets.id }).from(tickets).where(and(eq(tickets.accountId, account.id), gt(tickets.id, after))).orderBy(asc(tickets.id)).limit(2000)).map((r) => r.id);
    if (!ids.length) break;
    await db.transaction((tx) => refreshMany(tx, account.id, ids, new Date(), history));
    total += ids.length;
    after = ids[ids.length - 1]!;
    process.stdout.write(`\r${account.subdomain}: ${total} tickets, ${Math.round(total / ((Date.now() - started) / 1000))} tickets/s   `);
  }
}
console.log(`\nrebuilt metrics of ${total} tickets in ${((Date.now() - started) / 1000).toFixed(1)} s`);
await database.close();
