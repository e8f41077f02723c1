// What every trainer in this folder shares about a run folder: resumable checkpoints of named
// variables plus optimizer slots, and the progress line with an ETA.
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import type { GanLoss } from './losses.js';

/** Options every GAN trainer here takes (train.ts, train-style.ts add their own). */
export interface GanRunConfig {
  /** Photos folder; every holdOutEvery-th photo is held out for evaluation. */
  data: string;
  /** Run folder: checkpoints, samples, loss plot, report. */
  run: string;
  lrD: number;
  ganLoss: GanLoss;
  advWeight: number;
  /** Decay of the exported EMA copy of the generator (0 = export the raw weights). */
  emaDecay: number;
  /** Spectral normalization of the discriminator's convolutions. */
  spectralNorm: boolean;
  /** R1 penalty weight on real data, and the WGAN-GP penalty weight (with --gan-loss wgan-gp). */
  r1Weight: number;
  gpWeight: number;
  seed: number;
  holdOutEvery: number;
  checkpointEvery: number;
  /** Every this many steps: samples/step-N.png and losses.png. */
  sampleEvery: number;
}

export interface NamedVariable { name: string; v: tf.Variable }

export type Optimizers = Record<string, tf.Optimizer>;

/**
 * Restores variables and optimizer slots from the run's checkpoint, if there is one. Returns the
 * saved state and the names of variables the checkpoint lacks (a run resumed with a new option,
 * such as an EMA copy, keeps those as initialized), or null for a fresh run.
 */
export async function restoreRun<S>(run: string, named: NamedVariable[], opts: Optimizers): Promise<{ state: S; missing: string[] } | null> {
  const ckpt = loadCheckpoint<S>(run);
  if (!ckpt) return null;
  const missing: string[] = [];
  for (const { name, v } of named) {
    const t = ckpt.tensors.get(name);
    if (t) v.assign(t); else missing.push(name);
  }
  for (const [key, opt] of Object.entries(opts)) {
    const ws = [...ckpt.tensors].filter(([n]) => n.startsWith(`${key}:`)).map(([n, t]) => ({ name: n.slice(key.length + 1), tensor: t }));
    if (ws.length) await opt.setWeights(ws);
  }
  tf.dispose([...ckpt.tensors.values()]);
  return { state: ckpt.state, missing };
}

export async function saveRun<S>(run: string, state: S, named: NamedVariable[], opts: Optimizers): Promise<void> {
  // Optimizer slots are matched by position, not name, when restored.
  const tensors = named.map(({ name, v }) => ({ name, tensor: v as tf.Tensor }));
  const iterations: tf.Tensor[] = [];
  for (const [key, opt] of Object.entries(opts)) {
    const ws = await opt.getWeights();
    iterations.push(ws[0].tensor); // getWeights makes a fresh 'iter' scalar each call
    ws.forEach((w, i) => tensors.push({ name: `${key}:${String(i).padStart(4, '0')}`, tensor: w.tensor }));
  }
  await saveCheckpoint(run, state, tensors);
  tf.dispose(iterations);
}

export const fmtTime = (s: number): string => `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;

/** Progress bar, step, phase, recent mean losses, pace and ETA from the recent pace. */
export class Progress {
  private last: { time: number; step: number };
  constructor(private total: number, step: number) { this.last = { time: Date.now(), step }; }

  /** `recent`: the last steps' loss records (numeric fields are averaged; `step` is skipped). */
  line(step: number, phase: string, recentRows: readonly object[]): string {
    const recent = recentRows as Record<string, number | undefined>[];
    const now = Date.now();
    const perStep = (now - this.last.time) / 1000 / Math.max(1, step - this.last.step);
    this.last = { time: now, step };
    const keys = [...new Set(recent.flatMap((r) => Object.keys(r)))].filter((k) => k !== 'step' && recent.some((r) => r[k] !== undefined));
    const means = keys.map((k) => `${k}=${(recent.reduce((s, r) => s + (r[k] ?? 0), 0) / recent.length).toPrecision(4)}`);
    const bar = '#'.repeat(Math.round((30 * step) / this.total)).padEnd(30, '.');
    return `[${bar}] step ${step}/${this.total} ${phase} ${means.join(' ')} ${perStep.toFixed(2)}s/step ETA ${fmtTime(perStep * (this.total - step))} tensors=${tf.memory().numTensors}`;
  }
}
