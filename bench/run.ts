// npm run bench [-- --backends wasm,webgl,webgpu --sizes 320x180,640x360,1280x720 --models id,...
//   --runs 101 --budget-ms 6000 --timeout-ms 90000]: up to --runs frames per case, or as many as fit in
// --budget-ms (at least one).
// Every registry filter and the peers (browser-bicubic, esrgan-slim, esrgan-medium; x2) on the
// same test-card frames, in a worker in headless Chromium (Debian's), through the product's frame
// pipeline. Prints a table, writes bench/results.json. Report ratios to the peers measured in the
// same run: these machines are shared and noisy, absolute times drift between runs.
import { chromium, type Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import type { Registry } from '../workers/types.js';
import type { BenchCase, BenchResult } from './types.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const PEER_IDS = ['browser-bicubic', 'esrgan-slim', 'esrgan-medium'];
/** After a case this slow (or failed), larger sizes of the same model and backend are skipped. */
const SLOW_MS = 10_000;

function options() {
  const argv = process.argv.slice(2);
  const get = (k: string, d: string) => { const i = argv.indexOf(`--${k}`); return i >= 0 ? argv[i + 1] : d; };
  const registry = JSON.parse(readFileSync(`${root}models/registry.json`, 'utf8')) as Registry;
  return {
    backends: get('backends', 'wasm,webgl,webgpu').split(',') as BenchCase['backend'][],
    sizes: get('sizes', '320x180,640x360,1280x720').split(',').map((s) => s.split('x').map(Number) as [number, number]),
    models: get('models', [...registry.filters.map((f) => f.id), ...PEER_IDS].join(',')).split(','),
    runOpts: { maxRuns: Number(get('runs', '101')), budgetMs: Number(get('budget-ms', '6000')), timeoutMs: Number(get('timeout-ms', '90000')) },
    out: get('out', `${root}bench/results.json`),
  };
}

const ms = (v?: number) => (v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1));

function table(results: BenchResult[]): string {
  const lines = ['| filter | backend | input | median ms | p95 ms | model ms | overhead | esrgan-slim / this |', '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |'];
  for (const r of results) {
    const slim = results.find((p) => p.model === 'esrgan-slim' && p.backend === r.backend && p.width === r.width && p.medianMs);
    const ratio = slim?.medianMs && r.medianMs && r.scale === 2 ? `${(slim.medianMs / r.medianMs).toFixed(1)}x` : '-';
    const cells = r.skipped
      ? [r.model, r.backend, `${r.width}x${r.height}`, `skipped: ${r.skipped}`, '', '', '', '']
      : [r.model, r.backend, `${r.width}x${r.height}`, ms(r.medianMs), ms(r.p95Ms), ms(r.modelMedianMs), r.overhead === undefined ? '-' : `${(100 * r.overhead).toFixed(0)}%`, ratio];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

async function main() {
  const o = options();
  // No file watching or hot reload: an edit during a long run must not reload the page mid-case.
  const server = await createServer({ configFile: `${root}bench/vite.config.ts`, server: { port: 4190, strictPort: false, hmr: false, watch: null } });
  await server.listen();
  const url = server.resolvedUrls!.local[0];
  // WebGPU runs in shared/notes' configuration B (SwiftShader through Vulkan), which can present
  // the zero-copy path's canvas; WASM and WebGL in configuration A, which has WebGL2.
  const launch = (gpu: boolean) => chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--enable-unsafe-webgpu', '--no-sandbox', ...(gpu ? ['--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-angle=vulkan'] : [])],
  });
  const browsers = { plain: await launch(false), gpu: o.backends.includes('webgpu') ? await launch(true) : null };
  const browser = browsers.plain;
  const results: BenchResult[] = [];
  try {
    const pages = new Map<string, Page>();
    const pageFor = async (backend: string) => {
      const key = backend === 'webgpu' ? 'gpu' : 'plain';
      if (pages.has(key)) return pages.get(key)!;
      const page = await (key === 'gpu' ? browsers.gpu! : browsers.plain).newPage();
      page.on('console', (m) => { if (m.type() === 'error') console.error(`page: ${m.text()}`); });
      await page.goto(url);
      await page.waitForSelector('body[data-ready="1"]');
      pages.set(key, page);
      return page;
    };
    for (const backend of o.backends) for (const model of o.models) {
      const page = await pageFor(backend);
      let tooSlow = '';
      for (const [width, height] of o.sizes) {
        const c: BenchCase = { model, backend, width, height };
        const r: BenchResult = tooSlow
          ? { ...c, runs: 0, skipped: tooSlow }
          : await page.evaluate(([cc, ro]) => (window as unknown as { __bench: { runCase: (a: unknown, b: unknown) => Promise<BenchResult> } }).__bench.runCase(cc, ro), [c, o.runOpts] as const);
        if (!tooSlow && (r.skipped || (r.medianMs ?? 0) > SLOW_MS)) tooSlow = `${r.skipped ? 'failed' : `${ms(r.medianMs)} ms`} at ${width}x${height}`;
        results.push(r);
        console.log(r.skipped ? `${model} ${backend} ${width}x${height}: skipped (${r.skipped})` : `${model} ${backend} ${width}x${height}: median ${ms(r.medianMs)} ms, p95 ${ms(r.p95Ms)}, model ${ms(r.modelMedianMs)} (${r.runs} runs)`);
      }
    }
    const machine = { cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), chromium: browser.version(), date: new Date().toISOString() };
    writeFileSync(o.out, JSON.stringify({ machine, options: o.runOpts, results }, null, 2) + '\n');
    console.log(`\nMachine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Chromium ${machine.chromium}, no GPU unless the webgpu rows say otherwise\n`);
    console.log(table(results));
    console.log(`\nwrote ${o.out}`);
  } finally {
    await browsers.plain.close();
    await browsers.gpu?.close();
    await server.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
