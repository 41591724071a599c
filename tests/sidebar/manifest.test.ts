import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageApp } from '../../scripts/app-package.ts';

// The app package checked the way Zendesk's validator (zendesk_apps_support) checks it: documented
// manifest keys, locations and parameter types, a translation file for the default locale, and
// location URLs that point at files of the package.

const MANIFEST_KEYS = [
  'name', 'author', 'version', 'frameworkVersion', 'location', 'gaID', 'defaultLocale', 'parameters', 'domainWhitelist', 'private',
  'requirementsOnly', 'singleInstall', 'signedUrls', 'termsConditionsURL', 'experiments', 'marketingOnly', 'oauth', 'noTemplate', 'remoteInstallationURL',
];
const SUPPORT_LOCATIONS = ['top_bar', 'nav_bar', 'ticket_sidebar', 'new_ticket_sidebar', 'user_sidebar', 'organization_sidebar', 'background', 'modal', 'ticket_editor', 'system_top_bar', 'ticket_module'];
const PARAMETER_TYPES = ['text', 'password', 'checkbox', 'url', 'number', 'multiline', 'hidden', 'oauth'];
const PARAMETER_KEYS = ['name', 'type', 'required', 'secure', 'default'];
const BOOLEAN_KEYS = ['requirementsOnly', 'marketingOnly', 'singleInstall', 'signedUrls', 'private'];

type Manifest = Record<string, any>;
const manifest = JSON.parse(readFileSync('manifest.json', 'utf8')) as Manifest;
const en = JSON.parse(readFileSync('translations/en.json', 'utf8')) as Record<string, any>;

/** Every URL the manifest's locations point at (string or `{ url }` form). */
const locationUrls = (m: Manifest): string[] =>
  Object.values(m.location as Record<string, Record<string, unknown>>).flatMap((byName) =>
    Object.values(byName).map((v) => (typeof v === 'string' ? v : (v as { url?: string }).url)).filter((u): u is string => typeof u === 'string'));

describe('manifest.json', () => {
  it('uses only documented keys, with the required ones present and typed', () => {
    expect(Object.keys(manifest).filter((k) => !MANIFEST_KEYS.includes(k))).toEqual([]);
    expect(manifest.frameworkVersion).toBe('2.0');
    expect(manifest.author).toEqual({ name: expect.any(String), email: expect.stringMatching(/@/), url: expect.stringMatching(/^https:\/\//) });
    expect(manifest.defaultLocale).toMatch(/^[a-z]{2}(-\w{2,3})?$/);
    for (const key of BOOLEAN_KEYS.filter((k) => k in manifest)) expect(typeof manifest[key], key).toBe('boolean');
    expect(manifest.domainWhitelist.every((d: unknown) => typeof d === 'string')).toBe(true);
  });

  it('puts the app in the ticket sidebar, flexible, from the packaged assets/iframe.html', () => {
    expect(Object.keys(manifest.location)).toEqual(['support']);
    expect(Object.keys(manifest.location.support).filter((l) => !SUPPORT_LOCATIONS.includes(l))).toEqual([]);
    expect(manifest.location.support.ticket_sidebar).toEqual({ url: 'assets/iframe.html', flexible: true });
  });

  it('declares the deskbridge URL and a secure token with documented parameter types', () => {
    const params = manifest.parameters as Record<string, unknown>[];
    for (const p of params) {
      expect(Object.keys(p).filter((k) => !PARAMETER_KEYS.includes(k))).toEqual([]);
      expect(PARAMETER_TYPES).toContain(p.type ?? 'text');
      expect(p.name).not.toBe('name');
      for (const flag of ['required', 'secure']) if (flag in p) expect(typeof p[flag]).toBe('boolean');
    }
    expect(new Set(params.map((p) => p.name)).size).toBe(params.length);
    expect(params).toContainEqual(expect.objectContaining({ name: 'deskbridge_url', type: 'text', required: true }));
    expect(params).toContainEqual(expect.objectContaining({ name: 'deskbridge_token', secure: true }));
  });

  it('has the default locale translations with the app name, descriptions and parameter labels', () => {
    expect(existsSync(`translations/${manifest.defaultLocale}.json`)).toBe(true);
    const keys = ['name', 'short_description', 'long_description', 'installation_instructions'];
    for (const key of keys) expect(typeof en.app[key], key).toBe('string');
    for (const p of manifest.parameters) expect(typeof en.app.parameters[p.name].label, p.name).toBe('string');
  });
});

describe('npm run app:package', () => {
  it('zips exactly manifest.json, translations/ and assets/, with everything the manifest and the page reference', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'zaf-')), 'app.zip');
    await packageApp({ out, build: false, domain: 'acme.deskbridge.example' });
    const names = execFileSync('zipinfo', ['-1', out], { encoding: 'utf8' }).trim().split('\n').sort();
    const expected = ['manifest.json', ...readdirSync('translations').map((f) => `translations/${f}`), ...readdirSync('assets').map((f) => `assets/${f}`)].sort();
    expect(names).toEqual(expected);
    for (const required of ['assets/logo.png', 'assets/logo-small.png', 'assets/logo.svg', 'translations/en.json']) expect(names).toContain(required);
    for (const url of locationUrls(manifest)) expect(names).toContain(url);
    // The page's own scripts and styles are in the package, referenced relatively.
    const page = execFileSync('unzip', ['-p', out, 'assets/iframe.html'], { encoding: 'utf8' });
    const refs = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(names).toContain(path.posix.join('assets', ref));
    const packed = JSON.parse(execFileSync('unzip', ['-p', out, 'manifest.json'], { encoding: 'utf8' })) as Manifest;
    expect(packed.domainWhitelist).toEqual(['acme.deskbridge.example']);
  });
});
