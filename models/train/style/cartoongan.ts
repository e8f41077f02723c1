// The pretrained CartoonGAN generator (../shared/teachers/README.md) as an offline teacher: it
// renders the paired anime targets a small real-time student is distilled from. Training-time
// only: the weights are never shipped or loaded by the apps or tests.
import * as tf from '@tensorflow/tfjs';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Image } from '../imaging/image.js';

export const CARTOONGAN_STYLES = ['hosoda', 'shinkai'] as const;
export type CartoonStyle = (typeof CARTOONGAN_STYLES)[number];

const TEACHERS_DIR = resolve(fileURLToPath(import.meta.url), '../../../../../shared/teachers/cartoongan');

/** IEEE half to float (denormals, infinities and NaN included). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1, exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** A little-endian float16 C-order .npy file, as float32 values and its shape. */
export function readNpyF16(path: string): { shape: number[]; values: Float32Array } {
  const buf = readFileSync(path);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${path}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  if (!/'descr':\s*'<f2'/.test(header) || !/'fortran_order':\s*False/.test(header)) throw new Error(`${path}: expected '<f2' in C order, got ${header.trim()}`);
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0, p = start + headerLen; i < n; i++, p += 2) values[i] = halfToFloat(buf.readUInt16LE(p));
  return { shape, values };
}

type Weights = Map<string, tf.Tensor>;

/**
 * One style's tensors, in tfjs layouts. PyTorch's conv [out,in,kh,kw] and transposed conv
 * [in,out,kh,kw] both become [kh,kw,dim1,dim0] by the same permutation: conv2d wants
 * [kh,kw,in,out] and conv2dTranspose [kh,kw,out,in]. No spatial flip: both frameworks' transposed
 * conv is the adjoint of the same cross-correlation.
 */
function loadWeights(style: CartoonStyle): Weights {
  const dir = join(TEACHERS_DIR, style), weights: Weights = new Map();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.npy'))) {
    const { shape, values } = readNpyF16(join(dir, file));
    const t = tf.tensor(values, shape);
    weights.set(file.slice(0, -4), shape.length === 4 ? tf.transpose(t, [2, 3, 1, 0]) : t);
    if (shape.length === 4) t.dispose();
  }
  return weights;
}

const loaded = new Map<CartoonStyle, Weights>();
const weightsOf = (style: CartoonStyle): Weights => {
  if (!loaded.has(style)) loaded.set(style, loadWeights(style));
  return loaded.get(style)!;
};

/** Reflection pad, then a 'valid' conv with bias. */
function conv(w: Weights, name: string, x: tf.Tensor4D, pad: number, stride = 1): tf.Tensor4D {
  const padded = pad ? tf.mirrorPad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]], 'reflect') : x;
  return tf.add(tf.conv2d(padded, w.get(`${name}.weight`) as tf.Tensor4D, stride, 'valid'), w.get(`${name}.bias`)!);
}

/** Instance norm as the port computes it: (x - mean) / (std + 1e-9), per channel over H and W. */
function instanceNorm(w: Weights, name: string, x: tf.Tensor4D): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [1, 2], true);
  const normed = tf.div(tf.sub(x, mean), tf.add(tf.sqrt(variance), 1e-9));
  return tf.add(tf.mul(normed, w.get(`${name}.scale`)!), w.get(`${name}.shift`)!);
}

/** Transposed 3x3 stride 2: 'valid' gives 2H+1; dropping the first row and column leaves 2H x 2W. */
function deconv(w: Weights, name: string, x: tf.Tensor4D): tf.Tensor4D {
  const filter = w.get(`${name}.weight`) as tf.Tensor4D;
  const [, h, wd] = x.shape, out = filter.shape[2];
  const full = tf.conv2dTranspose(x, filter, [1, 2 * h + 1, 2 * wd + 1, out], 2, 'valid');
  return tf.add(tf.slice(full, [0, 1, 1, 0], [1, 2 * h, 2 * wd, out]), w.get(`${name}.bias`)!);
}

const NN = (n: number) => String(n).padStart(2, '0');

/** The generator's stages, NHWC; each runs in its own tidy so that only one stage's activations live at a time. */
function stages(w: Weights): ((x: tf.Tensor4D) => tf.Tensor4D)[] {
  const residual = (i: number) => (x: tf.Tensor4D) => {
    const y = tf.relu(instanceNorm(w, `in${NN(i)}_1`, conv(w, `conv${NN(i)}_1`, x, 1)));
    return tf.add<tf.Tensor4D>(x, instanceNorm(w, `in${NN(i)}_2`, conv(w, `conv${NN(i)}_2`, y, 1)));
  };
  return [
    (x) => tf.relu(instanceNorm(w, 'in01_1', conv(w, 'conv01_1', x, 3))),
    (x) => tf.relu(instanceNorm(w, 'in02_1', conv(w, 'conv02_2', conv(w, 'conv02_1', x, 1, 2), 1))),
    (x) => tf.relu(instanceNorm(w, 'in03_1', conv(w, 'conv03_2', conv(w, 'conv03_1', x, 1, 2), 1))),
    ...Array.from({ length: 8 }, (_, k) => residual(4 + k)),
    (x) => tf.relu(instanceNorm(w, 'in12_1', conv(w, 'deconv01_2', deconv(w, 'deconv01_1', x), 1))),
    (x) => tf.relu(instanceNorm(w, 'in13_1', conv(w, 'deconv02_2', deconv(w, 'deconv02_1', x), 1))),
    (x) => tf.tanh(conv(w, 'deconv03_1', x, 3)),
  ];
}

/**
 * The teacher's rendering of an RGB [0,1] image, as RGB [0,1]. H and W must be multiples of 4.
 * The network takes BGR (0..255) and returns BGR in [-1,1]; the swaps happen here.
 */
export async function renderTeacher(style: CartoonStyle, image: Image): Promise<Image> {
  const { width, height } = image;
  if (width % 4 || height % 4) throw new Error(`renderTeacher: ${width}x${height} is not a multiple of 4`);
  const w = weightsOf(style);
  let x = tf.tidy(() => tf.reverse(tf.tensor4d(image.data, [1, height, width, 3]), 3).mul(255) as tf.Tensor4D);
  for (const stage of stages(w)) {
    const next = tf.tidy(() => stage(x));
    x.dispose();
    x = next;
  }
  const rgb = tf.tidy(() => tf.reverse(x, 3).add(1).div(2));
  x.dispose();
  const data = (await rgb.data()) as Float32Array;
  rgb.dispose();
  return { width, height, data };
}
