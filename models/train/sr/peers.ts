// The UpscalerJS ESRGAN-family models (dev dependencies), loaded in Node as peers to measure
// our filters against. Their RDN variants take and return RGB in 0..255.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { peerModelDir, type PeerName } from './peer-files.js';

export { PEERS, type PeerName } from './peer-files.js';

export interface Peer { id: string; scale: number; upscale: (x: tf.Tensor4D) => tf.Tensor4D }

export async function loadPeer(name: PeerName, scale: number): Promise<Peer> {
  const dir = peerModelDir(name, scale);
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const group = json.weightsManifest[0];
  const bins = group.paths.map((p: string) => readFileSync(join(dir, p)));
  const weightData = new Uint8Array(Buffer.concat(bins)).buffer;
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: group.weights, weightData }));
  return {
    id: `${name} x${scale}`, scale,
    upscale: (x) => tf.div(model.predict(tf.mul(x, 255)) as tf.Tensor4D, 255),
  };
}
