/**
 * Bulk benchmark data: `npm run seed -- --tickets 1000000 [--account bench] [--seed 42] [--replace] [--token T] [--now ISO]`.
 * Uses DATABASE_URL when set, else PGlite in DATA_DIR (default ./data). See bench/seed/generate.ts.
 */
import { parseArgs } from 'node:util';
import { createDb } from '../db/client.ts';
import { AccountExistsError, seedBench, type SeedProgress } from '../bench/seed/generate.ts';

const USAGE = `Usage: npm run seed -- --tickets N [--account SUBDOMAIN] [--seed N] [--replace] [--token TOKEN] [--now ISO-DATE]

  --tickets N     tickets to generate (required)
  --account S     account subdomain (default: bench)
  --seed N        random seed (default: 42); the same flags give the same rows
  --replace       delete the account's data first if it exists
  --token T       the API token to create (default: random)
  --now ISO       end of the generated year of history (default: today 00:00 UTC)

DATABASE_URL selects PostgreSQL; without it, PGlite in DATA_DIR (default ./data).`;

function fail(message: string): never {
  console.error(`seed: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function integer(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < min) fail(`--${name} must be an integer >= ${min}, got "${value}"`);
  return n;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main() {
  let args;
  try {
    args = parseArgs({
      options: {
        tickets: { type: 'string' }, account: { type: 'string' }, seed: { type: 'string' }, replace: { type: 'boolean' },
        token: { type: 'string' }, now: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    }).values;
  } catch (err) {
    fail((err as Error).message);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const tickets = integer('tickets', args.tickets, 1) ?? fail('--tickets is required');
  const seed = integer('seed', args.seed, 0) ?? 42;
  const account = args.account ?? 'bench';
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(account)) fail('--account must be lower-case letters, digits and dashes');
  if (args.token !== undefined && args.token.length < 16) fail('--token must be at least 16 characters');
  let now: Date | undefined;
  if (args.now !== undefined) {
    now = new Date(args.now);
    if (Number.isNaN(now.getTime())) fail(`--now must be an ISO date, got "${args.now}"`);
  }

  const url = process.env.DATABASE_URL || undefined;
  const dataDir = process.env.DATA_DIR || './data';
  const where = url ? `PostgreSQL ${url.replace(/\/\/[^@/]*@/, '//***@')}` : `PGlite in ${dataDir}`;
  console.log(`Seeding ${fmt(tickets)} tickets into account "${account}" (seed ${seed}) on ${where}`);
  const database = await createDb({ url, dataDir, maxConnections: 12 });

  const tty = process.stdout.isTTY;
  let lastPrint = 0;
  let lastPhase = '';
  const onProgress = (p: SeedProgress) => {
    const now = p.seconds;
    const phaseChanged = p.phase !== lastPhase;
    if (!phaseChanged && now - lastPrint < (tty ? 0.5 : 5) && p.ticketsDone < p.tickets) return;
    lastPrint = now;
    if (phaseChanged && tty && lastPhase === 'tickets') process.stdout.write('\n');
    lastPhase = p.phase;
    if (p.phase === 'tickets') {
      const pct = ((100 * p.ticketsDone) / p.tickets).toFixed(1);
      const line = `  tickets ${fmt(p.ticketsDone)}/${fmt(p.tickets)} (${pct}%)  ${fmt(p.rows)} rows  ${fmt(p.rows / Math.max(now, 0.001))} rows/s  ${now.toFixed(1)}s`;
      if (tty) process.stdout.write(`\r${line.padEnd(100)}`);
      else console.log(line);
    } else {
      const label = { replace: 'deleting the existing account', setup: 'creating the account', users: 'organizations, agents and end-users', finish: 'committing', analyze: 'analyzing' }[p.phase];
      console.log(`  ${label}… (${now.toFixed(1)}s)`);
    }
  };

  try {
    const s = await seedBench(database, { tickets, account, seed, replace: args.replace ?? false, token: args.token, now, onProgress });
    const width = Math.max(...Object.keys(s.counts).map((k) => k.length));
    console.log(`\nDone in ${s.seconds.toFixed(1)}s: ${fmt(s.totalRows)} rows, ${fmt(s.totalRows / s.seconds)} rows/s`);
    for (const [table, n] of Object.entries(s.counts)) console.log(`  ${table.padEnd(width)}  ${fmt(n).padStart(12)}`);
    console.log(`\nAccount  ${s.subdomain} (id ${s.accountId}), history up to ${s.now}`);
    console.log(`Owner    ${s.ownerEmail}`);
    console.log(`Token    ${s.apiToken}`);
    console.log(`API      curl -u '${s.ownerEmail}/token:${s.apiToken}' -H 'X-Deskbridge-Account: ${s.subdomain}' http://localhost:3000/api/v2/tickets.json`);
    console.log(`\nTicket metrics are not part of the seed: npm run metrics:rebuild -- --account ${s.subdomain}`);
  } catch (err) {
    if (err instanceof AccountExistsError) {
      console.error(`seed: ${err.message}`);
      process.exitCode = 1;
    } else {
      console.error('\nseed failed:', err);
      console.error(`The account may be left half-seeded: run again with --replace.`);
      process.exitCode = 1;
    }
  } finally {
    await database.close();
  }
}

await main();
