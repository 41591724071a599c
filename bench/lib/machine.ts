/** The facts about the machine a benchmark run is recorded with (bench/RESULTS.md). */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import postgres from 'postgres';

export type MachineFacts = {
  cpuModel: string;
  cpus: number;
  ramGiB: number;
  /** 1-minute load average when the run started: a busy machine gives lower figures. */
  load1: number;
  os: string;
  node: string;
  /** PostgreSQL server version of the URL given, or why it could not be read; undefined without a URL. */
  postgres?: string;
  date: Date;
};

function osName(): string {
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (pretty?.[1]) return `${pretty[1]}, ${os.type()} ${os.release()} ${os.arch()}`;
  } catch {
    // not Linux, or no os-release: the kernel facts alone
  }
  return `${os.type()} ${os.release()} ${os.arch()}`;
}

/** host:port/database of a postgres:// URL, without user or password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'an unparsable URL';
  }
}

async function postgresVersion(url: string): Promise<string> {
  const where = describeDatabaseUrl(url);
  const sql = postgres(url, { max: 1, connect_timeout: 5, idle_timeout: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ server_version: string }[]>`show server_version`;
    return `PostgreSQL ${row?.server_version.split(' ')[0] ?? '?'} (${where})`;
  } catch (err) {
    return `PostgreSQL not reachable at ${where} (${(err as Error).message})`;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

export async function machineFacts(databaseUrl?: string): Promise<MachineFacts> {
  const cpus = os.cpus();
  const facts: MachineFacts = {
    cpuModel: cpus[0]?.model.trim().replace(/\s+/g, ' ') || os.arch(),
    cpus: os.availableParallelism(),
    ramGiB: os.totalmem() / 2 ** 30,
    load1: os.loadavg()[0] ?? 0,
    os: osName(),
    node: process.version,
    date: new Date(),
  };
  if (databaseUrl) facts.postgres = await postgresVersion(databaseUrl);
  return facts;
}

/** One line for RESULTS.md and the console. */
export function machineLine(m: MachineFacts): string {
  const parts = [
    `${m.cpuModel} × ${m.cpus} CPU${m.cpus === 1 ? '' : 's'}`,
    `${m.ramGiB.toFixed(1)} GiB RAM`,
    m.os,
    `Node ${m.node}`,
  ];
  if (m.postgres) parts.push(m.postgres);
  parts.push(`load ${m.load1.toFixed(2)} at start`);
  return parts.join(' · ');
}
