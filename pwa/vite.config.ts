// PWA build: root pwa/, output dist/pwa, worker bundled as an ES module worker.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { filterAssets } from '../build/vite-assets.js';
import { serviceWorker } from './sw-plugin.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/pwa', import.meta.url));

export default defineConfig({
  root,
  base: './',
  // Real 404s for missing files, so a missing model file is reported as missing.
  appType: 'mpa',
  worker: { format: 'es' },
  build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
  plugins: [filterAssets(), serviceWorker(root, outDir)],
  preview: { port: 4173 },
});
