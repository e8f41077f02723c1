// Resumable checkpoints: named float32 tensors (weights and optimizer slots) plus JSON state.
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface NamedTensor { name: string; tensor: tf.Tensor }

interface Meta<S> { state: S; tensors: { name: string; shape: number[]; offset: number }[] }

export async function saveCheckpoint<S>(dir: string, state: S, tensors: NamedTensor[]): Promise<void> {
  const values = await Promise.all(tensors.map((t) => t.tensor.data() as Promise<Float32Array>));
  const meta: Meta<S> = { state, tensors: [] };
  let offset = 0;
  tensors.forEach((t, i) => { meta.tensors.push({ name: t.name, shape: t.tensor.shape, offset }); offset += values[i].length; });
  const bin = new Float32Array(offset);
  values.forEach((v, i) => bin.set(v, meta.tensors[i].offset));
  // Write then rename, so a session killed mid-write leaves the previous checkpoint intact.
  writeFileSync(join(dir, 'ckpt.bin.tmp'), new Uint8Array(bin.buffer));
  writeFileSync(join(dir, 'ckpt.json.tmp'), JSON.stringify(meta));
  renameSync(join(dir, 'ckpt.bin.tmp'), join(dir, 'ckpt.bin'));
  renameSync(join(dir, 'ckpt.json.tmp'), join(dir, 'ckpt.json'));
}

export function loadCheckpoint<S>(dir: string): { state: S; tensors: Map<string, tf.Tensor> } | null {
  if (!existsSync(join(dir, 'ckpt.json'))) return null;
  const meta = JSON.parse(readFileSync(join(dir, 'ckpt.json'), 'utf8')) as Meta<S>;
  const buf = readFileSync(join(dir, 'ckpt.bin'));
  const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const tensors = new Map<string, tf.Tensor>();
  for (const t of meta.tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    tensors.set(t.name, tf.tensor(all.slice(t.offset, t.offset + n), t.shape));
  }
  return { state: meta.state, tensors };
}
