/**
 * npm run bench [-- NAME…] [--quick] [--no-write] [--note TEXT]
 *
 * Runs the registered benchmarks (all of them, or the ones named), one after the other, each in
 * its own Node process (so one benchmark's memory and JIT state do not colour the next, and peak
 * RSS is that benchmark's), then adds the run at the top of bench/RESULTS.md.
 *
 *   --quick      small data sets: checks that the benchmarks work, figures not comparable
 *   --no-write   print the results only, leave bench/RESULTS.md alone
 *   --note TEXT  a remark recorded with the run (repeatable), e.g. "trial, machine busy"
 *
 * Benchmarks that need PostgreSQL get DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres.
 * A benchmark whose file does not exist is reported "not available"; a benchmark that throws is
 * reported "failed". The exit code is 1 when a benchmark failed (or a benchmark named on the
 * command line is not available), after all the others have run; 2 for a usage error.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../runner/config.ts';
import { machineFacts, machineLine } from './lib/machine.ts';
import { appendRun, renderRun, type BenchOutcome, type RunRecord } from './lib/results.ts';
import type { Bench, BenchContext, BenchReport } from './lib/types.ts';

type Entry = { name: string; load: () => Promise<{ default: Bench }> };

/** Every benchmark `npm run bench` knows, in the order they run. */
const BENCHES: Entry[] = [
  { name: 'metrics', load: () => import('./metrics.ts') },
  { name: 'logs-ingest', load: () => import('./logs-ingest.ts') },
  { name: 'logs-query', load: () => import('./logs-query.ts') },
  { name: 'export', load: () => import('./export.ts') },
  { name: 'queue', load: () => import('./queue.ts') },
  { name: 'export-xml', load: () => import('./export-xml.ts') },
];

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

const THIS_FILE = fileURLToPath(import.meta.url);
const BENCH_DIR = path.dirname(THIS_FILE);
const ROOT = path.resolve(BENCH_DIR, '..');
const RESULTS_FILE = path.join(BENCH_DIR, 'RESULTS.md');

const USAGE = `Usage: npm run bench [-- NAME…] [--quick] [--no-write] [--note TEXT]

  NAME         run only these benchmarks (default: all): ${BENCHES.map((b) => b.name).join(', ')}
  --quick      small data sets (checks the benchmarks work; figures not comparable)
  --no-write   do not add the run to bench/RESULTS.md
  --note TEXT  a remark recorded with the run (repeatable)

Benchmarks that need PostgreSQL use DATABASE_URL, else ${DEFAULT_DATABASE_URL}.`;

// ---------------------------------------------------------------------------------------------
// Child: runs one benchmark and sends its outcome to the parent.

type Job = { name: string; quick: boolean; databaseUrl: string | undefined };
type ChildReply =
  | { status: 'ok'; report: BenchReport; peakRssBytes: number }
  | { status: 'failed'; error: string; peakRssBytes: number }
  | { status: 'unavailable'; reason: string };

const peakRss = () => process.resourceUsage().maxRSS * 1024;

/** The entry's own module is missing (not a module that it imports). */
function missingBenchFile(err: unknown): string | null {
  const e = err as NodeJS.ErrnoException;
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || typeof e.message !== 'string') return null;
  if (!e.message.includes(`imported from ${THIS_FILE}`)) return null;
  const m = /Cannot find (?:module|package) '([^']+)'/.exec(e.message);
  return m ? path.relative(ROOT, m[1]!.startsWith('file:') ? fileURLToPath(m[1]!) : m[1]!) : 'its file';
}

const describeError = (err: unknown) => (err instanceof Error ? err.stack ?? err.message : String(err));

async function runJob(job: Job): Promise<ChildReply> {
  const entry = BENCHES.find((b) => b.name === job.name);
  if (!entry) return { status: 'failed', error: `no benchmark named ${job.name}`, peakRssBytes: peakRss() };
  let bench: Bench;
  try {
    const mod = await entry.load();
    if (typeof mod?.default !== 'function') {
      return { status: 'failed', error: `the module of ${job.name} has no default export of type Bench`, peakRssBytes: peakRss() };
    }
    bench = mod.default;
  } catch (err) {
    const missing = missingBenchFile(err);
    if (missing) return { status: 'unavailable', reason: `${missing} does not exist (yet).` };
    return { status: 'failed', error: `loading the benchmark failed: ${describeError(err)}`, peakRssBytes: peakRss() };
  }
  const ctx: BenchContext = {
    databaseUrl: job.databaseUrl,
    quick: job.quick,
    log: (msg) => console.log(`[${job.name}] ${msg}`),
  };
  try {
    const report = await bench(ctx);
    if (!report || typeof report.dataset !== 'string' || !Array.isArray(report.figures)) {
      return { status: 'failed', error: 'the benchmark returned no BenchReport ({ name, dataset, figures })', peakRssBytes: peakRss() };
    }
    return { status: 'ok', report, peakRssBytes: peakRss() };
  } catch (err) {
    return { status: 'failed', error: describeError(err), peakRssBytes: peakRss() };
  }
}

function child() {
  process.once('message', (job: Job) => {
    void runJob(job).then((reply) => {
      // Exit once the reply is sent, whatever handles (pools, timers) the benchmark left open.
      process.send!(reply, () => process.exit(0));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Parent.

function runInChild(job: Job): Promise<BenchOutcome> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  return new Promise((resolve) => {
    let reply: ChildReply | null = null;
    const proc = fork(THIS_FILE, ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    proc.on('message', (m: ChildReply) => { reply = m; });
    proc.on('error', (err) => { if (!reply) reply = { status: 'failed', error: describeError(err), peakRssBytes: 0 }; });
    proc.on('exit', (code, signal) => {
      const r = reply as ChildReply | null;
      if (r === null) {
        resolve({ name: job.name, status: 'failed', error: `the benchmark process ended without a result (${signal ? `signal ${signal}` : `exit code ${code}`})`, seconds: seconds() });
      } else if (r.status === 'ok') {
        resolve({ name: job.name, status: 'ok', report: r.report, seconds: seconds(), peakRssBytes: r.peakRssBytes });
      } else if (r.status === 'failed') {
        resolve({ name: job.name, status: 'failed', error: r.error, seconds: seconds(), peakRssBytes: r.peakRssBytes });
      } else {
        resolve({ name: job.name, status: 'unavailable', reason: r.reason });
      }
    });
    proc.send(job);
  });
}

function usageError(message: string): never {
  console.error(`bench: ${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main() {
  const argv = process.argv.slice(2);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        quick: { type: 'boolean' },
        'no-write': { type: 'boolean' },
        note: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    usageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const unknown = positionals.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length) usageError(`unknown benchmark ${unknown.join(', ')}`);
  const names = positionals.length ? [...new Set(positionals)] : BENCHES.map((b) => b.name);
  const quick = values.quick ?? false;
  const databaseUrl = loadConfig().DATABASE_URL ?? DEFAULT_DATABASE_URL;

  const facts = await machineFacts(databaseUrl);
  const machine = machineLine(facts);
  console.log(`Machine: ${machine}`);
  const outcomes: BenchOutcome[] = [];
  for (const name of names) {
    console.log(`\n== ${name}${quick ? ' (quick)' : ''}`);
    const o = await runInChild({ name, quick, databaseUrl });
    outcomes.push(o);
    console.log(o.status === 'ok' ? `== ${name}: done in ${o.seconds.toFixed(1)} s` : o.status === 'failed' ? `== ${name}: FAILED` : `== ${name}: not available`);
  }

  // The command as typed, without the notes (they are shown under the heading).
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--note') { i++; continue; }
    if (a.startsWith('--note=')) continue;
    args.push(a);
  }
  const notes = [...(values.note ?? [])];
  if (quick) notes.push('Quick run (`--quick`): small data sets, figures not comparable with full runs.');
  const run: RunRecord = { date: facts.date, args, machine, notes, outcomes };
  console.log(`\n${renderRun(run)}`);
  if (values['no-write']) console.log('(--no-write: bench/RESULTS.md left unchanged)');
  else {
    await appendRun(RESULTS_FILE, run);
    console.log(`Added to ${path.relative(process.cwd(), RESULTS_FILE) || RESULTS_FILE}`);
  }

  const failed = outcomes.filter((o) => o.status === 'failed').map((o) => o.name);
  const missingNamed = positionals.length ? outcomes.filter((o) => o.status === 'unavailable').map((o) => o.name) : [];
  if (failed.length) console.error(`Failed: ${failed.join(', ')}`);
  if (missingNamed.length) console.error(`Not available: ${missingNamed.join(', ')}`);
  process.exitCode = failed.length || missingNamed.length ? 1 : 0;
}

if (process.argv.includes('--child') && typeof process.send === 'function') child();
else await main();
