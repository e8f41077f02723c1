// Builds the service worker after Vite has written the app: pwa/sw.ts is bundled as one classic
// script, then Workbox injects the precache list of everything in the output (app shell, JS,
// .wasm, registry, model weights, demo clip) so the app runs offline.
import { injectManifest } from 'workbox-build';
import { build, type Plugin } from 'vite';

export function serviceWorker(root: string, outDir: string): Plugin {
  return {
    name: 'workbox-service-worker',
    apply: 'build',
    async closeBundle() {
      await build({
        configFile: false,
        logLevel: 'warn',
        publicDir: false,
        // Library mode leaves process.env.NODE_ENV in Workbox's code; a service worker has no process.
        define: { 'process.env.NODE_ENV': JSON.stringify('production') },
        build: {
          outDir, emptyOutDir: false, target: 'es2022', minify: true, copyPublicDir: false,
          lib: { entry: `${root}/sw.ts`, formats: ['iife'], name: 'gvfServiceWorker', fileName: () => 'sw.js' },
        },
      });
      const { count, size, warnings } = await injectManifest({
        swSrc: `${outDir}/sw.js`,
        swDest: `${outDir}/sw.js`,
        globDirectory: outDir,
        globPatterns: ['**/*.{html,js,css,wasm,json,bin,webm,svg,png,webmanifest}'],
        globIgnores: ['sw.js'],
        // Model weights and the .wasm files are larger than Workbox's 2 MB default.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        // Vite's hashed file names already change when their content does.
        dontCacheBustURLsMatching: /assets\//,
      });
      for (const w of warnings) this.warn(w);
      console.log(`service worker: precaching ${count} files, ${(size / 1e6).toFixed(1)} MB`);
    },
  };
}
