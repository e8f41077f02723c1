// The benchmark page: one worker per backend, driven case by case by bench/run.ts. A case that
// runs past its time limit gets its worker terminated (the only way to stop a running model).
import * as Comlink from 'comlink';
import type { BackendChoice, BackendName } from '../workers/types.js';
import type { BenchCase, BenchResult, BenchWorkerApi } from './types.js';
import { quantile } from '../host/quantile.js';

const workers = new Map<BackendName, { worker: Worker; api: Comlink.Remote<BenchWorkerApi>; choice: BackendChoice }>();

async function workerFor(backend: BackendName) {
  const hit = workers.get(backend);
  if (hit) return hit;
  const worker = new Worker(new URL('./bench-worker.ts', import.meta.url), { type: 'module' });
  const api = Comlink.wrap<BenchWorkerApi>(worker);
  const w = { worker, api, choice: await api.init(new URL('./', location.href).href, backend) };
  workers.set(backend, w);
  return w;
}

function drop(backend: BackendName): void {
  workers.get(backend)?.worker.terminate();
  workers.delete(backend);
}

async function runCase(c: BenchCase, opts: { maxRuns: number; budgetMs: number; timeoutMs: number }): Promise<BenchResult> {
  let timer = 0;
  try {
    const w = await workerFor(c.backend);
    // A forced backend that could not start falls back; say so instead of mislabelling numbers.
    if (w.choice.backend !== c.backend) return { ...c, runs: 0, skipped: w.choice.reason };
    const timeout = new Promise<never>((_, reject) => { timer = self.setTimeout(() => reject(new Error(`over ${opts.timeoutMs / 1000} s`)), opts.timeoutMs); });
    const t = await Promise.race([w.api.run(c.model, c.width, c.height, opts.maxRuns, opts.budgetMs), timeout]);
    const median = quantile(t.pipelineMs, 0.5), model = quantile(t.modelMs, 0.5);
    // Each frame is timed through the pipeline and then through the network alone: the median
    // of those paired differences is steadier than a difference of medians when the machine's
    // speed drifts during a case.
    const outside = quantile(t.pipelineMs.map((p, i) => p - t.modelMs[i]), 0.5);
    return {
      ...c, scale: t.scale, runs: t.pipelineMs.length, medianMs: median, p95Ms: quantile(t.pipelineMs, 0.95),
      modelMedianMs: model, overhead: model ? Math.max(0, outside / median) : undefined, backendReason: w.choice.reason,
    };
  } catch (e) {
    drop(c.backend);
    return { ...c, runs: 0, skipped: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

Object.assign(window, { __bench: { runCase } });
document.body.dataset.ready = '1';
