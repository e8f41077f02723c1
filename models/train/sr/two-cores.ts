// Data-parallel training on both CPU cores: each step, the trainer's thread and one worker
// thread (grad-worker.ts) compute gradients on half of the batch each, and the trainer applies
// their mean. With mean losses over equal halves that is the full batch's gradient, except
// for ragan, whose "average" logits become per-half averages.
import * as tf from '@tensorflow/tfjs';
import { Worker } from 'node:worker_threads';
import type { ConvLayer, Generator } from '../core/nets.js';
import { stepGrads, stepVariables, type LossConfig, type StepGrads, type StepKind, type StepLosses } from './steps.js';

/** What a step reads: an L1 step needs only the generator, adversarial steps both nets. */
export const syncedVariables = (kind: StepKind, g: Generator, d: ConvLayer[]): tf.Variable[] =>
  [...stepVariables('l1', g, d), ...(kind === 'l1' ? [] : stepVariables('d', g, d))];

export interface HalfStepRequest {
  kind: StepKind;
  seed: number;
  /** Generator, then (for d and g steps) discriminator variables, in stepVariables order. */
  weights: Float32Array[];
  lr: Float32Array; lrShape: [number, number, number, number];
  hr: Float32Array; hrShape: [number, number, number, number];
}
export interface HalfStepReply { grads: Float32Array[]; losses: StepLosses }

export class TwoCores {
  private pending: { resolve: (r: HalfStepReply) => void; reject: (e: Error) => void } | null = null;

  private constructor(private worker: Worker) {
    worker.on('message', (r: HalfStepReply) => this.pending?.resolve(r));
    worker.on('error', (e: Error) => this.pending?.reject(e));
    worker.on('exit', (code) => this.pending?.reject(new Error(`gradient worker exited (${code})`)));
  }

  static async start(genConfig: Generator['config'], spectralNorm: boolean, loss: LossConfig): Promise<TwoCores> {
    // The worker is TypeScript too: a tiny bootstrap registers tsx in that thread, then loads it.
    const entry = new URL('./grad-worker.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(entry)}); })`;
    const worker = new Worker(boot, { eval: true, workerData: { genConfig, spectralNorm, loss } });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return new TwoCores(worker);
  }

  /** Same result shape as stepGrads on the whole batch: the mean of both halves' gradients. */
  async stepGrads(kind: StepKind, g: Generator, d: ConvLayer[], lr: tf.Tensor4D, hr: tf.Tensor4D, loss: LossConfig, seed: number): Promise<StepGrads> {
    const [lrA, lrB] = tf.split(lr, 2) as tf.Tensor4D[];
    const [hrA, hrB] = tf.split(hr, 2) as tf.Tensor4D[];
    const weights = syncedVariables(kind, g, d).map((v) => v.dataSync() as Float32Array);
    const request: HalfStepRequest = { kind, seed: seed + 1, weights, lr: lrB.dataSync() as Float32Array, lrShape: lrB.shape, hr: hrB.dataSync() as Float32Array, hrShape: hrB.shape };
    const reply = new Promise<HalfStepReply>((resolve, reject) => { this.pending = { resolve, reject }; });
    this.worker.postMessage(request);
    const local = stepGrads(kind, g, d, lrA, hrA, loss, seed); // runs on this core meanwhile
    tf.dispose([lrA, lrB, hrA, hrB]);
    const remote = await reply;
    this.pending = null;
    const grads = local.grads.map((t, i) => tf.tidy(() => tf.mul(tf.add(t, tf.tensor(remote.grads[i], t.shape)), 0.5)));
    tf.dispose(local.grads);
    const losses: StepLosses = {};
    for (const k of ['l1', 'adv', 'd'] as const) {
      if (local.losses[k] !== undefined) losses[k] = (local.losses[k]! + remote.losses[k]!) / 2;
    }
    return { grads, losses };
  }

  async stop(): Promise<void> {
    this.worker.removeAllListeners();
    await this.worker.terminate();
  }
}
