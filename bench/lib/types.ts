/**
 * The contract between `npm run bench` (bench/run.ts) and each benchmark. A benchmark module's
 * default export is a `Bench`; it measures its figures and a baseline in the same run, so every
 * figure can be read as a ratio to something measured on the same machine at the same moment.
 */

export type BenchFigure = {
  label: string;
  value: number;
  unit: string;
  /** What the figure is compared with, measured in the same run. */
  baseline?: { label: string; value: number; unit: string };
  /** value / baseline.value (or as the benchmark defines it; say so in a note). */
  ratio?: number;
  /** The goal in words, e.g. "≥ 50,000 tickets/s per core". */
  target?: string;
  /** Whether `target` is met. */
  meets?: boolean;
};

export type BenchReport = {
  name: string;
  /** The data the figures were measured on, in words (sizes, shape, seed). */
  dataset: string;
  figures: BenchFigure[];
  notes?: string[];
};

export type BenchContext = {
  /**
   * PostgreSQL for benchmarks that need one: DATABASE_URL, else
   * postgres://postgres@127.0.0.1:5432/postgres. Benchmarks that do not need PostgreSQL ignore it.
   */
  databaseUrl: string | undefined;
  /** Small data sets (`--quick`): a smoke test of the benchmark, not figures to compare. */
  quick: boolean;
  /** Progress for the console; not written to RESULTS.md. */
  log(msg: string): void;
};

export type Bench = (ctx: BenchContext) => Promise<BenchReport>;
