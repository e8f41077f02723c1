// The second core: a worker thread with its own tfjs-wasm instance that computes one step's
// gradients on the other half of the batch, with weights sent from the trainer each step.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { parentPort, workerData } from 'node:worker_threads';
import { createDiscriminator, createGenerator, type GeneratorConfig } from '../core/nets.js';
import { stepGrads, type LossConfig } from './steps.js';
import { syncedVariables, type HalfStepRequest, type HalfStepReply } from './two-cores.js';

const { genConfig, spectralNorm, loss } = workerData as { genConfig: GeneratorConfig; spectralNorm: boolean; loss: LossConfig };
await tf.setBackend('wasm');
const g = createGenerator(genConfig, 0);
const d = createDiscriminator(0, spectralNorm); // its power-iteration vectors converge on their own

parentPort!.on('message', (m: HalfStepRequest) => {
  tf.tidy(() => {
    syncedVariables(m.kind, g, d).forEach((v, i) => v.assign(tf.tensor(m.weights[i], v.shape)));
  });
  const lr = tf.tensor4d(m.lr, m.lrShape), hr = tf.tensor4d(m.hr, m.hrShape);
  const r = stepGrads(m.kind, g, d, lr, hr, loss, m.seed);
  const grads = r.grads.map((t) => t.dataSync() as Float32Array);
  tf.dispose([lr, hr, ...r.grads]);
  const reply: HalfStepReply = { grads, losses: r.losses };
  parentPort!.postMessage(reply);
});
parentPort!.postMessage('ready');
