// Types shared by the benchmark runner (Node), its page and its worker.
import type { BackendChoice, BackendName } from '../workers/types.js';

/** A registry filter id, a peer ('esrgan-slim', 'esrgan-medium') or 'browser-bicubic'. */
export type BenchModelId = string;

export interface BenchCase { model: BenchModelId; backend: BackendName; width: number; height: number }

export interface BenchTimes {
  /** Whole pipeline per frame: frame read, upload, model, readback, output bitmap. */
  pipelineMs: number[];
  /** The model alone on a ready input tensor, including the wait for its output. */
  modelMs: number[];
  scale: number;
}

export interface BenchResult extends BenchCase {
  scale?: number;
  runs: number;
  medianMs?: number;
  p95Ms?: number;
  modelMedianMs?: number;
  /** Median of the per-frame differences (pipeline - network alone), as a share of the pipeline's median frame time (0..1). */
  overhead?: number;
  backendReason?: string;
  skipped?: string;
}

export interface BenchWorkerApi {
  init(assetBase: string, backend: BackendName): Promise<BackendChoice>;
  /** Runs one model at one size: one warm-up, then timed frames until `maxRuns` or `budgetMs`. */
  run(model: BenchModelId, width: number, height: number, maxRuns: number, budgetMs: number): Promise<BenchTimes>;
}
