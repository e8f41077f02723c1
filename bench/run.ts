// npm run bench [-- --backends wasm,webgl,webgpu --sizes 320x180,640x360,1280x720 --models id,...
//   --runs 101 --budget-ms 6000 --timeout-ms 90000]: up to --runs frames per case, or as many as fit in
// --budget-ms (at least one).
// Every registry filter and the peers (browser-bicubic, esrgan-slim, esrgan-medium; x2) on the
// same test-card frames, in a worker in headless Chromium (Debian's), through the product's frame
// pipeline. Prints a table, writes bench/results.json. Report ratios to the peers measured in the
// same run: these machines are shared and noisy, absolute times drift between runs.
import { chromium } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { chromiumLaunchOptions, chromiumSetup, describeSetup } from '../test/browser/chromium.js';
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
  // One browser for every backend, launched as the probe decided (test/browser/chromium.ts): its
  // flags let WebGPU present the zero-copy path's canvas and keep WebGL2.
  const setup = await chromiumSetup();
  console.log(describeSetup(setup));
  const browser = await chromium.launch(await chromiumLaunchOptions());
  const results: BenchResult[] = [];
  try {
    const page = await browser.newPage();
    page.on('console', (m) => { if (m.type() === 'error') console.error(`page: ${m.text()}`); });
    await page.goto(url);
    await page.waitForSelector('body[data-ready="1"]');
    for (const backend of o.backends) for (const model of o.models) {
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
    const machine = {
      cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), chromium: browser.version(),
      chromiumFlags: setup.args, webgpuAdapter: setup.adapter, date: new Date().toISOString(),
    };
    writeFileSync(o.out, JSON.stringify({ machine, options: o.runOpts, results }, null, 2) + '\n');
    console.log(`\nMachine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Chromium ${machine.chromium}, WebGPU adapter ${setup.adapter}\n`);
    console.log(table(results));
    console.log(`\nwrote ${o.out}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
