// Extension build: dist/extension is loadable unpacked.
//  - compositor/, popup/, options/: extension pages (ES modules; the compositor starts the filter worker).
//  - content.js, camera-hook.js, background.js: loaded by the browser as classic scripts, so each
//    is bundled on its own as one self-contained IIFE.
//  - models/** and tfjs-wasm/** from the shared assets plugin; locales/ (shared with the PWA) copied as _locales/.
//  - icons/ (made by build/make-images.ts) copied as they are;
//  - manifest.json, copied from the repository root after checking that every file it names exists.
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
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
  default_locale?: string;
  content_scripts?: { js?: string[]; css?: string[] }[];
  web_accessible_resources?: { resources: string[] }[];
  background?: { service_worker?: string; scripts?: string[] };
  icons?: Record<string, string>;
  action?: { default_popup?: string; default_icon?: Record<string, string> };
  options_ui?: { page?: string };
  [key: string]: unknown;
}

/** Classic scripts the browser loads itself: entry file -> output name. */
const SCRIPTS: Record<string, string> = {
  'content/content.ts': 'content.js',
  'camera-hook.ts': 'camera-hook.js',
  'background.ts': 'background.js',
};

/** Files a manifest names, which must all be in the output. */
function manifestFiles(m: Manifest): string[] {
  return [
    ...(m.content_scripts ?? []).flatMap((c) => [...(c.js ?? []), ...(c.css ?? [])]),
    ...(m.web_accessible_resources ?? []).flatMap((w) => w.resources.filter((r) => !r.includes('*'))),
    ...(m.background?.service_worker ? [m.background.service_worker] : []),
    ...(m.background?.scripts ?? []),
    ...(m.action?.default_popup ? [m.action.default_popup] : []),
    ...(m.options_ui?.page ? [m.options_ui.page] : []),
    ...(m.default_locale ? [`_locales/${m.default_locale}/messages.json`] : []),
    ...Object.values(m.icons ?? {}),
    ...Object.values(m.action?.default_icon ?? {}),
  ];
}

function extensionPackage(): Plugin {
  return {
    name: 'extension-package',
    apply: 'build',
    async closeBundle() {
      // Each classic script: one IIFE, no imports, no shared chunks.
      for (const [entry, fileName] of Object.entries(SCRIPTS)) {
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
            lib: { entry: join(root, entry), formats: ['iife'], name: 'gvf', fileName: () => fileName },
          },
        });
      }
      cpSync(join(repoRoot, 'locales'), join(outDir, '_locales'), { recursive: true });
      cpSync(join(root, 'icons'), join(outDir, 'icons'), { recursive: true });
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
    rolldownOptions: {
      input: {
        compositor: join(root, 'compositor/compositor.html'),
        popup: join(root, 'popup/popup.html'),
        options: join(root, 'options/options.html'),
      },
    },
  },
  plugins: [filterAssets(), extensionPackage()],
});
