import { copyFileSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * What the browser tests share: the app on an ephemeral port, Debian's Chromium with the flags CI
 * needs, and screenshots kept as CI artifacts (and, when named, as the README's pictures).
 */

const SHOTS = path.resolve(process.env.ARTIFACTS_DIR ?? '.ci-artifacts', 'screenshots');
const DOCS = path.resolve('docs/screenshots');

/** Serves `fetch` on 127.0.0.1 (a free port); `close` also ends open responses such as SSE streams. */
export async function serveApp(app: { fetch: (req: Request) => Response | Promise<Response> }): Promise<{ base: string; close: () => Promise<void> }> {
  const server: ServerType = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => {
      (server as Server).closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}

export function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(DOCS, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Saves `<name>.png` with the CI artifacts; with `docsName`, copies it to docs/screenshots/ too. */
export async function screenshot(page: Page, name: string, docsName?: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, ...opts });
  if (docsName) copyFileSync(file, path.join(DOCS, docsName));
  return file;
}
