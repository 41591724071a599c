import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const repo = path.dirname(fileURLToPath(import.meta.url));
const sidebar = path.join(repo, 'apps/sidebar');

/**
 * The ticket sidebar ZAF app (`npm run build:sidebar`): apps/sidebar/iframe.html → the top-level
 * assets/ folder that manifest.json points at and `npm run app:package` zips. Paths are relative
 * (`base: './'`) because the same files are served by Zendesk's CDN and by deskbridge under
 * /zaf/assets/; the logos come from apps/sidebar/public/. The Admin Center keeps vite.config.ts.
 */
export default defineConfig({
  root: sidebar,
  base: './',
  plugins: [react()],
  build: {
    outDir: path.join(repo, 'assets'),
    emptyOutDir: true,
    // Flat: assets/iframe.html beside assets/iframe.js, as Zendesk apps lay them out. Fixed names
    // (no content hash): the folder is committed, and a rebuild must not leave a changed tree behind.
    assetsDir: '',
    rolldownOptions: {
      input: { iframe: path.join(sidebar, 'iframe.html') },
      output: { entryFileNames: '[name].js', chunkFileNames: '[name].js', assetFileNames: '[name][extname]' },
    },
  },
});
