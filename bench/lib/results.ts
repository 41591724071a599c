/**
 * bench/RESULTS.md: a short intro, then one section per `npm run bench` run, newest first.
 * Each run starts with RUN_MARKER; everything above the first marker is the intro and is kept as
 * it is. Only the latest MAX_RUNS runs are kept (older ones stay in the git history).
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { BenchFigure, BenchReport } from './types.ts';

export const RUN_MARKER = '<!-- bench run -->';
export const MAX_RUNS = 40;

export type BenchOutcome =
  | { name: string; status: 'ok'; report: BenchReport; seconds: number; peakRssBytes: number }
  | { name: string; status: 'failed'; error: string; seconds: number; peakRssBytes?: number }
  | { name: string; status: 'unavailable'; reason: string };

export type RunRecord = {
  date: Date;
  /** The arguments after `npm run bench --`, as typed (without `--note`). */
  args: string[];
  machine: string;
  /** Notes on the whole run (`--note`, `--quick`). */
  notes: string[];
  outcomes: BenchOutcome[];
};

const DEFAULT_INTRO = `# Benchmark results

\`npm run bench\` runs every benchmark and adds a section at the top of this file (newest first;
the latest ${MAX_RUNS} runs are kept, older ones stay in the git history). Each section gives the date, the
\`npm run bench\` arguments, the machine, and per benchmark its data set and a table of figures.

How to read a figure: every figure comes with a **baseline measured in the same run, on the same
machine and data**, and the **ratio** between the two. Compare ratios between runs rather than raw
values: raw values move with the machine and its load, ratios much less. A **target** is the goal
the figure must reach; ✓ / ✗ says whether it did. Peak RSS is the resident memory high-water mark
of the process that ran that one benchmark (each benchmark runs in its own process). A run made
with \`--quick\` uses small data sets and only checks that the benchmarks work.
`;

/** 1234567 → "1,234,567"; 0.41234 → "0.412"; 12.345 → "12.3". */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n) || Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return Number(n.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const mib = (bytes: number) => `${formatNumber(bytes / 2 ** 20)} MiB`;

function figureRow(f: BenchFigure): string {
  const baseline = f.baseline ? `${f.baseline.label}: ${formatNumber(f.baseline.value)} ${f.baseline.unit}` : '';
  const ratio = f.ratio === undefined ? '' : `${formatNumber(f.ratio)}×`;
  const met = f.meets === undefined ? '' : f.meets ? '✓' : '✗';
  return `| ${[f.label, formatNumber(f.value), f.unit, baseline, ratio, f.target ?? '', met].map(cell).join(' | ')} |`;
}

function utcStamp(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function renderRun(run: RunRecord): string {
  const command = ['npm run bench', ...(run.args.length ? ['--', ...run.args] : [])].join(' ');
  const out: string[] = [RUN_MARKER, `## ${utcStamp(run.date)} — \`${command}\``, '', `Machine: ${run.machine}`, ''];
  for (const note of run.notes) out.push(`> ${note}`, '');
  for (const o of run.outcomes) {
    if (o.status === 'unavailable') {
      out.push(`### ${o.name} — not available`, '', o.reason, '');
      continue;
    }
    if (o.status === 'failed') {
      const lines = o.error.trim().split('\n');
      const error = lines.length > 12 ? [...lines.slice(0, 12), `… (${lines.length - 12} more lines)`].join('\n') : lines.join('\n');
      out.push(`### ${o.name} — failed`, '', '```', error.replace(/```/g, "'''"), '```', '');
      const rss = o.peakRssBytes === undefined ? '' : `, peak RSS ${mib(o.peakRssBytes)}`;
      out.push(`After ${o.seconds.toFixed(1)} s${rss}.`, '');
      continue;
    }
    const r = o.report;
    out.push(`### ${o.name}`, '', `Data set: ${r.dataset}`, '');
    out.push('| Figure | Value | Unit | Baseline | Ratio | Target | Met |', '| --- | ---: | --- | --- | ---: | --- | :-: |');
    for (const f of r.figures) out.push(figureRow(f));
    out.push('');
    for (const n of r.notes ?? []) out.push(`- ${n}`);
    if (r.notes?.length) out.push('');
    out.push(`Peak RSS ${mib(o.peakRssBytes)} · ${o.seconds.toFixed(1)} s.`, '');
  }
  return out.join('\n').trimEnd() + '\n';
}

/** The file with `section` as its newest run: the intro kept, at most `keep` runs. */
export function mergeResults(existing: string | null, section: string, keep = MAX_RUNS): string {
  let intro = DEFAULT_INTRO;
  let runs: string[] = [];
  if (existing !== null && existing.trim() !== '') {
    const parts = existing.split(RUN_MARKER);
    intro = parts[0]!.trim() === '' ? DEFAULT_INTRO : parts[0]!;
    runs = parts.slice(1).map((p) => RUN_MARKER + p);
  }
  const kept = [section, ...runs].slice(0, keep).map((r) => r.trim());
  return `${intro.trimEnd()}\n\n${kept.join('\n\n')}\n`;
}

/** Adds a run at the top of the results file (written to a temporary file, then renamed). */
export async function appendRun(file: string, run: RunRecord, keep = MAX_RUNS): Promise<void> {
  const existing = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, mergeResults(existing, renderRun(run), keep));
  await rename(tmp, file);
}
