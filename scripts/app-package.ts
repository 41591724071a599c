#!/usr/bin/env tsx
// `npm run app:package [-- --domain acme.deskbridge.example] [--out file.zip] [--skip-build]`
//
// Builds the ticket sidebar (vite.sidebar.config.ts → assets/) and writes the ZIP that
// `zcli apps:create` / `zcli apps:update` upload: manifest.json, translations/ and assets/ at its
// root, nothing else. `--domain` puts your deskbridge host into the packaged manifest's
// domainWhitelist (the repository's manifest names a placeholder), since Zendesk's proxy only sends
// secure-setting requests to whitelisted domains.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ZipArchive } from 'archiver';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export type PackageOptions = { out?: string; domain?: string; build?: boolean };

/** The files of a folder, as paths relative to the repository (`assets/logo.png`). */
const filesOf = (folder: string) =>
  readdirSync(path.join(repo, folder), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => `${folder}/${e.name}`).sort();

export function buildSidebar(): void {
  const vite = path.join(repo, 'node_modules/.bin', process.platform === 'win32' ? 'vite.cmd' : 'vite');
  // A caller's NODE_ENV (vitest sets `test`) would make Vite bundle React's development build.
  const result = spawnSync(vite, ['build', '--config', 'vite.sidebar.config.ts', '--logLevel', 'warn'], {
    cwd: repo, env: { ...process.env, NODE_ENV: 'production' }, stdio: 'inherit', shell: process.platform === 'win32',
  });
  if (result.status !== 0) throw new Error(`the sidebar build failed (${result.error?.message ?? `exit ${result.status}`})`);
}

/** Writes the app ZIP; resolves to its path and the entries it holds. */
export async function packageApp({ out = path.join(repo, 'dist/deskbridge-zendesk-app.zip'), domain, build = true }: PackageOptions = {}) {
  if (build) buildSidebar();
  const manifest = JSON.parse(readFileSync(path.join(repo, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  if (domain) manifest.domainWhitelist = [domain];
  const entries = ['manifest.json', ...filesOf('translations'), ...filesOf('assets')];

  mkdirSync(path.dirname(out), { recursive: true });
  const zip = new ZipArchive({ zlib: { level: 9 } });
  const done = new Promise<void>((resolve, reject) => {
    const file = createWriteStream(out);
    file.on('close', resolve);
    zip.on('error', reject);
    zip.pipe(file);
  });
  zip.append(`${JSON.stringify(manifest, null, 2)}\n`, { name: 'manifest.json' });
  for (const entry of entries.slice(1)) zip.file(path.join(repo, entry), { name: entry });
  await zip.finalize();
  await done;
  return { file: out, entries };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, domain: { type: 'string' }, 'skip-build': { type: 'boolean' } } });
  const result = await packageApp({ out: values.out && path.resolve(values.out), domain: values.domain, build: !values['skip-build'] });
  console.log(`wrote ${path.relative(process.cwd(), result.file)}: ${result.entries.join(', ')}`);
}
