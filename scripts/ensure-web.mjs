#!/usr/bin/env node
// Builds the browser pages (dist/web) when they are missing or older than their sources, so
// `npm start` and the browser tests never serve a stale build. Silent when there is nothing to do.
//
// Several processes may ask at once (test files run in parallel, each starting a server): a lock
// directory lets one build while the others wait for it, instead of emptying dist/web under it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Each build: the file it writes last, what it is built from, and Vite's arguments. The ticket
// sidebar (the ZAF app) builds into the top-level assets/ that manifest.json points at.
const targets = [
  { label: 'the web pages (dist/web)', built: path.join(repo, 'dist/web/index.html'), sources: [path.join(repo, 'apps'), path.join(repo, 'vite.config.ts')], args: ['build'] },
  {
    label: 'the ticket sidebar app (assets/)',
    built: path.join(repo, 'assets/iframe.html'),
    sources: ['apps/sidebar', 'apps/shared', 'translations', 'vite.sidebar.config.ts'].map((p) => path.join(repo, p)),
    args: ['build', '--config', 'vite.sidebar.config.ts'],
  },
];
const lock = path.join(repo, 'dist/.web-build.lock');
// A lock this old belongs to a build that was killed; a real build takes seconds.
const STALE_LOCK_MS = 5 * 60_000;

/** Newest modification time (ms) of a file, or of any file below a folder. */
function newest(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    latest = Math.max(latest, newest(path.join(target, entry.name)));
  }
  return latest;
}

const builtAt = (target) => (existsSync(target.built) ? statSync(target.built).mtimeMs : 0);
const isFresh = (target) => builtAt(target) > 0 && builtAt(target) >= Math.max(...target.sources.map(newest));
const fresh = () => targets.every(isFresh);
/** Fresh, and no other process in the middle of replacing it. */
const upToDate = () => !existsSync(lock) && fresh();

async function acquireLock() {
  mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      return true;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    const age = existsSync(lock) ? Date.now() - statSync(lock).mtimeMs : 0;
    if (age > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
    await sleep(200);
    if (upToDate()) return false;
  }
}

function build(target) {
  console.log(builtAt(target) === 0 ? `building ${target.label}…` : `sources changed; rebuilding ${target.label}…`);
  const vite = path.join(repo, 'node_modules/.bin', process.platform === 'win32' ? 'vite.cmd' : 'vite');
  // A caller's NODE_ENV (vitest sets `test`) would make Vite bundle React's development build.
  const env = { ...process.env, NODE_ENV: 'production' };
  const result = spawnSync(vite, [...target.args, '--logLevel', 'warn'], { cwd: repo, env, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.error) {
    console.error(`could not run ${vite}: ${result.error.message}`);
    return 1;
  }
  return result.status ?? 1;
}

if (!upToDate() && (await acquireLock())) {
  let status;
  try {
    // Another process may have finished a build between the first look and taking the lock.
    status = 0;
    for (const target of targets) if (status === 0 && !isFresh(target)) status = build(target);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  process.exitCode = status;
}
