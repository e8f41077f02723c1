// Builds the service worker after Vite has written the app: Workbox precaches everything in
// the output (app shell, JS, .wasm, registry, model weights, demo clip) so the app runs offline.
import { generateSW } from 'workbox-build';
import type { Plugin } from 'vite';

export function serviceWorker(outDir: string): Plugin {
  return {
    name: 'workbox-service-worker',
    apply: 'build',
    async closeBundle() {
      const { count, size, warnings } = await generateSW({
        globDirectory: outDir,
        globPatterns: ['**/*.{html,js,css,wasm,json,bin,webm,svg,webmanifest}'],
        swDest: `${outDir}/sw.js`,
        // Model weights and the .wasm files are larger than Workbox's 2 MB default.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        // Vite's hashed file names already change when their content does.
        dontCacheBustURLsMatching: /assets\//,
        skipWaiting: true,
        clientsClaim: true,
        cleanupOutdatedCaches: true,
        // ?filter=ID picks the opening filter; the page itself is the same.
        ignoreURLParametersMatching: [/^filter$/, /^utm_/],
        inlineWorkboxRuntime: true,
        sourcemap: false,
        mode: 'production',
      });
      for (const w of warnings) this.warn(w);
      console.log(`service worker: precaching ${count} files, ${(size / 1e6).toFixed(1)} MB`);
    },
  };
}
