// Extension build: dist/extension is loadable unpacked.
//  - enhance.html (+ its ES-module script and the filter worker it starts): the compositor iframe.
//  - content.js: the content script, which Chrome loads as a classic script, so a second build
//    bundles it as one self-contained IIFE.
//  - models/** and tfjs-wasm/** from the shared assets plugin.
//  - manifest.json, copied from the repository root after checking that every file it names exists.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, defineConfig, type Plugin } from 'vite';
import { filterAssets } from '../build/vite-assets.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/extension', import.meta.url));
const target = 'chrome116';

interface Manifest {
  version: string;
  content_scripts?: { js?: string[]; css?: string[] }[];
  web_accessible_resources?: { resources: string[] }[];
  background?: { service_worker?: string };
  [key: string]: unknown;
}

/** Files a manifest names, which must all be in the output. */
function manifestFiles(m: Manifest): string[] {
  return [
    ...(m.content_scripts ?? []).flatMap((c) => [...(c.js ?? []), ...(c.css ?? [])]),
    ...(m.web_accessible_resources ?? []).flatMap((w) => w.resources.filter((r) => !r.includes('*'))),
    ...(m.background?.service_worker ? [m.background.service_worker] : []),
  ];
}

function extensionPackage(): Plugin {
  return {
    name: 'extension-package',
    apply: 'build',
    async closeBundle() {
      // The content script: one IIFE, no imports, no shared chunks.
      await build({
        configFile: false,
        logLevel: 'warn',
        root: repoRoot,
        publicDir: false,
        build: {
          outDir,
          emptyOutDir: false,
          target,
          minify: true,
          copyPublicDir: false,
          lib: {
            entry: join(root, 'content.ts'),
            formats: ['iife'],
            name: 'gvfContent',
            fileName: () => 'content.js',
          },
        },
      });
      const manifest = JSON.parse(readFileSync(join(repoRoot, 'manifest.json'), 'utf8')) as Manifest;
      const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
      manifest.version = pkg.version;
      const missing = manifestFiles(manifest).filter((f) => !existsSync(join(outDir, f)));
      if (missing.length) throw new Error(`manifest.json names files missing from ${outDir}: ${missing.join(', ')}`);
      writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    },
  };
}

export default defineConfig({
  root,
  // Extension pages live at the extension's origin root: absolute paths are exact.
  base: '/',
  publicDir: false,
  appType: 'mpa',
  worker: { format: 'es' },
  build: {
    outDir,
    emptyOutDir: true,
    target,
    chunkSizeWarningLimit: 4096,
    // The polyfill would be an inline script, which the extension CSP forbids; Chrome needs none.
    modulePreload: { polyfill: false },
    rolldownOptions: { input: { enhance: join(root, 'enhance.html') } },
  },
  plugins: [filterAssets(), extensionPackage()],
});
