// Runs a filter's graph model on one frame tensor. Filters that downsample inside need frame
// sides that are a multiple of `inputMultiple`, and their strided convolutions' zero padding
// shows as a seam along the frame's edges. So such frames are mirror-padded by a margin on
// every side (and up to the multiple), and the output is cropped back: callers never see it.
import * as tf from '@tensorflow/tfjs';
import { PACKED_BLOCKS } from './wasm-pixels.js';
import { guideParts, guidedWork, type GuideLook, type GuidedLuma, type GuideParts } from './guided-work.js';
import { celTone } from './cel-tone.js';
import type { FilterEntry } from './types.js';
import { TILE_ABOVE_PIXELS } from './tile-plan.js';
import { tiledTensor } from './tiling.js';

/** What a filter model must offer: a graph model, or an adapter around another model (bench peers). */
export interface FrameModel {
  execute(x: tf.Tensor4D): tf.Tensor | tf.Tensor[];
  /**
   * For graphs that end in DepthToSpace: the graph up to that op, and its block. The WASM
   * readback path runs this and rearranges while packing pixels (wasm-pixels.ts).
   */
  beforeShuffle?: { block: number; execute(x: tf.Tensor4D): tf.Tensor4D };
}

/** Mirrored border added around frames for filters with an inputMultiple (in input pixels). */
export const edgeMargin = (multiple: number): number => (multiple > 1 ? 2 * multiple : 0);

/** The network's picture of x, in the filter's cel palette when it has one (at the size it runs at: a live style's working size). */
export function executeFilter(model: FrameModel, entry: Pick<FilterEntry, 'scale' | 'inputMultiple' | 'tone'>, x: tf.Tensor4D): tf.Tensor4D {
  const y = executePadded(model, entry, x);
  if (!entry.tone) return y;
  const toned = celTone(y, entry.tone);
  y.dispose();
  return toned;
}

function executePadded(model: FrameModel, entry: Pick<FilterEntry, 'scale' | 'inputMultiple'>, x: tf.Tensor4D): tf.Tensor4D {
  const m = entry.inputMultiple ?? 1;
  if (m === 1) return model.execute(x) as tf.Tensor4D;
  const [, h, w] = x.shape;
  const e = edgeMargin(m), s = entry.scale;
  const padH = (m - ((h + 2 * e) % m)) % m, padW = (m - ((w + 2 * e) % m)) % m;
  return tf.tidy(() => {
    const y = model.execute(tf.mirrorPad(x, [[0, 0], [e, e + padH], [e, e + padW], [0, 0]], 'symmetric')) as tf.Tensor4D;
    return tf.slice(y, [0, e * s, e * s, 0], [1, h * s, w * s, 3]);
  });
}

/**
 * How the readback path runs a filter: the network, and the DepthToSpace block it leaves to the
 * pixel packing (1: none). A guided run also offers its parts, for the packing to apply at the
 * frame's size (wasm-guide.ts).
 */
export interface FrameRun {
  block: number;
  execute(x: tf.Tensor4D): tf.Tensor4D;
  parts?(x: tf.Tensor4D, lumaOf?: GuidedLuma): GuideParts;
}

/** Whether a frame runs at a working size and is guided back up (style filters only: they keep the frame's size). */
export const guidesUp = (spec: { scale: number }, workScale = 1): boolean => spec.scale === 1 && workScale < 1;

/**
 * The filter as executeFilter runs it (at `workScale` of the frame, guided back up, when
 * guidesUp) or, where the pixel packing can rearrange (`packsShuffle`: WASM SIMD), stopped
 * before its final DepthToSpace.
 */
export function frameRun(model: FrameModel, spec: Pick<FilterEntry, 'scale' | 'inputMultiple' | 'tone'> & GuideLook, packsShuffle: boolean, workScale = 1, wholeRows?: number): FrameRun {
  if (guidesUp(spec, workScale)) {
    const net = (t: tf.Tensor4D) => executeFilter(model, spec, t);
    const run = (t: tf.Tensor4D) => (t.shape[1] * t.shape[2] > TILE_ABOVE_PIXELS ? tiledTensor(net, t, spec.inputMultiple ?? 1) : net(t));
    return { block: 1, execute: (x) => guidedWork(run, x, workScale, spec, wholeRows), parts: (x, lumaOf) => guideParts(run, x, workScale, spec, lumaOf, wholeRows) };
  }
  const pre = model.beforeShuffle;
  if (packsShuffle && pre && pre.block === spec.scale && (spec.inputMultiple ?? 1) === 1 && PACKED_BLOCKS.includes(pre.block)) return pre;
  return { block: 1, execute: (x) => executeFilter(model, spec, x) };
}
