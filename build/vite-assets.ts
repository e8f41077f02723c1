// Vite plugin shared by the PWA, extension and bench builds: what the filter worker needs from
// its host. It fetches `models/registry.json`, `models/weights/**` and `tfjs-wasm/*.wasm` from
// its asset base, so they are served in dev and emitted into the build at the same paths; and
// the WASM backend's threads need cross-origin isolation and a worker bundle minified so that
// tfjs-backend-wasm can still start them (see `config` below).
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

export interface AssetFile {
  /** Path in the served app, e.g. `models/weights/sr-x2-quality/model.json`. */
  url: string;
  /** File on disk. */
  file: string;
}

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function wasmDir(): string {
  const main = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  return dirname(main); // .../tfjs-backend-wasm/dist, where the three .wasm files are
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name)) : d.isFile() ? [join(dir, d.name)] : []);
}

/** Every file the filter worker may fetch, with the path it is served at. */
export function filterAssetFiles(repoRoot = REPO_ROOT): AssetFile[] {
  const files: AssetFile[] = [];
  const registry = join(repoRoot, 'models/registry.json');
  if (existsSync(registry)) files.push({ url: 'models/registry.json', file: registry });
  for (const file of walk(join(repoRoot, 'models/weights'))) {
    files.push({ url: relative(repoRoot, file).split(sep).join('/'), file });
  }
  const wasm = wasmDir();
  for (const name of readdirSync(wasm).filter((n) => n.endsWith('.wasm'))) {
    files.push({ url: `tfjs-wasm/${name}`, file: join(wasm, name) });
  }
  return files;
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json', '.wasm': 'application/wasm', '.bin': 'application/octet-stream',
};

/** COOP + COEP make the page cross-origin isolated: SharedArrayBuffer, so WASM threads. */
const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export function filterAssets(repoRoot = REPO_ROOT): Plugin {
  return {
    name: 'filter-assets',
    config: () => ({
      server: { headers: ISOLATION_HEADERS },
      preview: { headers: ISOLATION_HEADERS },
      // tfjs-backend-wasm starts each thread from its factory's source text (Function.toString)
      // in a fresh worker, where only `typeof _scriptDir` guards keep the factory's free variable
      // from throwing. The default minifier drops those guards and renames the variable
      // ("ReferenceError: e is not defined" in every thread), so: no compression, and that one
      // name kept. Costs about 100 kB of the worker's 2.6 MB.
      worker: { rolldownOptions: { output: { minify: { compress: false, mangle: { reserved: ['_scriptDir'] } } } } },
    }),
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const base = server.config.base;
        const path = decodeURIComponent((req.url ?? '').split('?')[0]);
        if (!path.startsWith(base)) return next();
        // Listed afresh per request so a model written during `vite dev` shows up.
        const hit = filterAssetFiles(repoRoot).find((a) => a.url === path.slice(base.length));
        if (!hit) return next();
        res.setHeader('Content-Type', CONTENT_TYPES[extname(hit.file)] ?? 'application/octet-stream');
        res.setHeader('Content-Length', String(statSync(hit.file).size));
        res.setHeader('Cache-Control', 'no-cache');
        createReadStream(hit.file).pipe(res);
      });
    },
    generateBundle() {
      const files = filterAssetFiles(repoRoot);
      if (!files.some((f) => f.url === 'models/registry.json')) {
        this.warn('models/registry.json not found: the build has no filters');
      }
      for (const a of files) this.emitFile({ type: 'asset', fileName: a.url, source: readFileSync(a.file) });
    },
  };
}
