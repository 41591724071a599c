import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const repo = path.dirname(fileURLToPath(import.meta.url));
const apps = path.join(repo, 'apps');

/**
 * One HTML document per browser app. The admin app is `apps/index.html` so the build writes
 * `dist/web/index.html`, the document runner/http/app.ts serves; other apps (the ZAF sidebar)
 * add their own `apps/<name>/index.html` here.
 */
const entries: Record<string, string> = {
  admin: path.join(apps, 'index.html'),
  // deskbridge's agent view (/agent); the sidebar it hosts is built by vite.sidebar.config.ts into assets/.
  agent: path.join(apps, 'agent/index.html'),
};

// `vite` (dev) answers the pages itself and hands the API to `npm run dev` on port 3000.
const backend = { '/api': 'http://localhost:3000', '/auth': 'http://localhost:3000' };

export default defineConfig({
  root: apps,
  plugins: [react()],
  build: {
    outDir: path.join(repo, 'dist/web'),
    emptyOutDir: true,
    rolldownOptions: { input: entries },
  },
  server: { proxy: backend },
  preview: { proxy: backend },
});
