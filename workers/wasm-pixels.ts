// Pixel conversions for the readback path on the WASM backend, done with WASM SIMD inside the
// backend's own memory: frame bytes -> an input tensor, and the model's float output -> RGBA
// bytes, undoing a final DepthToSpace on the way (so the model can stop before it: that
// rearrangement alone took about a third of an x2 filter's time). The JS loops in pixels.ts
// took 2.3 ms to pack a 1280x720 output and 0.6 ms to unpack a 640x360 frame; these take about
// a tenth of that. The module is assembled below (a few hundred bytes, wasm-asm.ts) and imports
// the backend's WebAssembly.Memory, so no pixel is copied to reach it.
import * as tf from '@tensorflow/tfjs';
import type { ByteOrder } from './pixels.js';
import { noteReadback } from './readback-counter.js';
import type { GuideFit, GuideParts } from './guided-work.js';
import { GuideKernels, guideModule, type FitInput, type GuideExports } from './wasm-guide.js';
import {
  ADD, CONVERT_U, DIV, EXT_HIGH_U16, EXT_HIGH_U8, EXT_LOW_U16, EXT_LOW_U8, I32, MUL, NARROW_I32_TO_I16, NARROW_U16_TO_U8, V128,
  assemble, bytes, countedLoop, f32s, func, get, i32, instantiate, load, roundToInts, set, shuffle, store, store64Lane, tee,
} from './wasm-asm.js';

/**
 * pack(src, dstA, dstB, count, srcStep, dstStep): `count` times, 12 floats at src (4 RGB
 * pixels) -> x*255, rounded half to even, saturated to 0..255 -> 4 opaque RGBA pixels, the
 * first two stored at dstA and the last two at dstB. Rounds and clamps as a Uint8ClampedArray
 * store does (NaN gives 0), except that x*255 is rounded to float32 first: a value within about
 * 1e-5 of a half may land one level off.
 */
const packBody = (() => {
  const [src, dstA, dstB, count, srcStep, dstStep, px] = [0, 1, 2, 3, 4, 5, 6];
  const toInts = (offset: number) => roundToInts([...get(src), ...load(offset), ...f32s(255), ...MUL]);
  return countedLoop(count, [
    ...toInts(0), ...toInts(16), ...NARROW_I32_TO_I16, ...toInts(32), ...bytes(new Uint8Array(16)), ...NARROW_I32_TO_I16,
    ...NARROW_U16_TO_U8, ...bytes(new Uint8Array(16).fill(255)),
    ...shuffle([0, 1, 2, 16, 3, 4, 5, 16, 6, 7, 8, 16, 9, 10, 11, 16]), ...set(px),
    ...get(dstA), ...get(px), ...store64Lane(0),
    ...get(dstB), ...get(px), ...store64Lane(1),
    ...get(src), ...get(srcStep), ...ADD, ...set(src),
    ...get(dstA), ...get(dstStep), ...ADD, ...set(dstA),
    ...get(dstB), ...get(dstStep), ...ADD, ...set(dstB),
  ]);
})();

/**
 * rgba(src, dst, count): `count` times, 4 RGBA pixels (16 bytes) at src -> 12 floats in [0,1]
 * at dst. bgra(...): the same from BGRA bytes, the layout of bitmaps and canvases in Chromium,
 * which are then copied as they are (several times cheaper than converting them to RGBA).
 */
const unpackBody = (order: ByteOrder) => {
  const [src, dst, count, rgb] = [0, 1, 2, 3];
  const third = (ext16: number[], ext32: number[], offset: number) =>
    [...get(dst), ...get(rgb), ...ext16, ...ext32, ...CONVERT_U, ...f32s(255), ...DIV, ...store(offset)];
  const lanes = [0, 4, 8, 12].flatMap((p) => (order === 'rgba' ? [p, p + 1, p + 2] : [p + 2, p + 1, p]));
  return countedLoop(count, [
    ...get(src), ...load(0), ...tee(rgb), ...get(rgb), ...shuffle([...lanes, 0, 0, 0, 0]), ...set(rgb),
    ...third(EXT_LOW_U8, EXT_LOW_U16, 0), ...third(EXT_LOW_U8, EXT_HIGH_U16, 16), ...third(EXT_HIGH_U8, EXT_LOW_U16, 32),
    ...get(src), ...i32(16), ...ADD, ...set(src),
    ...get(dst), ...i32(48), ...ADD, ...set(dst),
  ]);
};

const moduleBytes = (shared: boolean) => assemble(shared, [[Array(6).fill(I32), []], [Array(3).fill(I32), []]], [
  { name: 'pack', type: 0, body: func([[1, V128]], packBody) },
  { name: 'rgba', type: 1, body: func([[1, V128]], unpackBody('rgba')) },
  { name: 'bgra', type: 1, body: func([[1, V128]], unpackBody('bgra')) },
]);

// --- The backend side. ---
interface WasmModule {
  _malloc(n: number): number;
  _free(p: number): void;
  wasmMemory?: WebAssembly.Memory;
  asm?: { memory?: WebAssembly.Memory };
}
interface WasmBackend {
  wasm: WasmModule;
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  getMemoryOffset(dataId: object): number;
}
type Pack = (src: number, dstA: number, dstB: number, count: number, srcStep: number, dstStep: number) => void;
type Unpack = (src: number, dst: number, count: number) => void;
type Exports = { pack: Pack } & Record<ByteOrder, Unpack>;

/** The depth-to-space blocks pack() can undo while packing (4 pixels per 16-byte store or two 8-byte ones). */
export const PACKED_BLOCKS = [1, 2, 4];

export class WasmPixels {
  private scratch = 0;
  private scratchBytes = 0;

  private guideKernels: GuideKernels | null | undefined;

  private constructor(private backend: WasmBackend, private memory: WebAssembly.Memory, private fns: Exports) {}

  private static cache = new WeakMap<object, WasmPixels | null>();

  /** For the current backend: null unless it is WASM and this engine runs WASM SIMD. */
  static current(): WasmPixels | null {
    if (tf.getBackend() !== 'wasm') return null;
    const backend = tf.backend() as unknown as WasmBackend;
    if (!WasmPixels.cache.has(backend)) WasmPixels.cache.set(backend, WasmPixels.build(backend));
    return WasmPixels.cache.get(backend)!;
  }

  private static build(backend: WasmBackend): WasmPixels | null {
    const memory = backend.wasm?.wasmMemory ?? backend.wasm?.asm?.memory;
    const fns = memory ? instantiate<Exports>(memory, moduleBytes) : null;
    // No WASM SIMD here: the JS loops in pixels.ts do the work.
    return memory && fns ? new WasmPixels(backend, memory, fns) : null;
  }

  /** A heap buffer of at least n bytes, reused across frames. */
  private scratchOf(n: number): number {
    if (n > this.scratchBytes) {
      if (this.scratch) this.backend.wasm._free(this.scratch);
      this.scratch = this.backend.wasm._malloc(n);
      this.scratchBytes = n;
    }
    return this.scratch;
  }

  /**
   * A [1, height, width, 3] float32 tensor in [0,1] from the pixels that `write` puts into heap
   * memory (e.g. VideoFrame.copyTo), in the byte order it returns (RGBA if none), converted in
   * place: no copy on the JS side.
   */
  async toTensor(width: number, height: number, write: (pixels: Uint8Array) => Promise<ByteOrder | void> | ByteOrder | void): Promise<tf.Tensor4D> {
    const n = width * height;
    const src = this.scratchOf(n * 4);
    const order = (await write(new Uint8Array(this.memory.buffer, src, n * 4))) ?? 'rgba';
    const info = this.backend.makeOutput([1, height, width, 3], 'float32');
    const dst = this.backend.getMemoryOffset(info.dataId);
    const whole = n >> 2;
    this.fns[order](src, dst, whole);
    const px = new Uint8Array(this.memory.buffer, src, n * 4), out = new Float32Array(this.memory.buffer, dst, n * 3);
    const lane = order === 'rgba' ? [0, 1, 2] : [2, 1, 0];
    for (let p = whole * 4; p < n; p++) for (let c = 0; c < 3; c++) out[p * 3 + c] = px[p * 4 + lane[c]] / 255;
    return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor4D;
  }

  /**
   * A float RGB tensor [1, H, W, 3*block*block] (block > 1: a DepthToSpace input, DCR order)
   * -> RGBA bytes of the (H*block) x (W*block) image, clamped and rounded. Returns a view into
   * the heap: valid until the next call or tfjs op, so copy it at once. Counts as the frame's
   * one readback.
   */
  toRgba(t: tf.Tensor, block: number): Uint8Array {
    const [, h, w, c] = t.shape;
    if (t.dtype !== 'float32' || !PACKED_BLOCKS.includes(block) || c !== 3 * block * block) {
      throw new Error(`cannot pack a ${t.dtype} [${t.shape}] tensor with block ${block}`);
    }
    noteReadback();
    const src = this.backend.getMemoryOffset(t.dataId);
    const outW = w * block, n = outW * h * block;
    const dst = this.scratchOf(n * 4);
    const row = outW * 4;
    if (block === 1) {
      const whole = n >> 2;
      this.fns.pack(src, dst, dst + 8, whole, 48, 16);
      const f = new Float32Array(this.memory.buffer, src, n * 3), b = new Uint8ClampedArray(this.memory.buffer, dst, n * 4);
      for (let p = whole * 4; p < n; p++) b.set([f[p * 3] * 255, f[p * 3 + 1] * 255, f[p * 3 + 2] * 255, 255], p * 4);
    } else if (block === 2) {
      // Each input pixel's 12 values are output rows 2y and 2y+1, two pixels each.
      for (let y = 0; y < h; y++) this.fns.pack(src + y * w * 48, dst + 2 * y * row, dst + (2 * y + 1) * row, w, 48, 8);
    } else {
      // Each input pixel's 48 values are four output rows of four pixels.
      for (let y = 0; y < h; y++) for (let i = 0; i < 4; i++) {
        const at = dst + (4 * y + i) * row;
        this.fns.pack(src + y * w * 192 + i * 48, at, at + 8, w, 192, 16);
      }
    }
    return new Uint8Array(this.memory.buffer, dst, n * 4);
  }

  /** Whether guide() runs here (its kernels need the same WASM SIMD as the rest). */
  get guides(): boolean {
    if (this.guideKernels === undefined) {
      const fns = instantiate<GuideExports>(this.memory, guideModule);
      this.guideKernels = fns ? new GuideKernels(fns, this.backend.wasm, this.memory) : null;
    }
    return this.guideKernels !== null;
  }

  /**
   * The frame whose RGBA bytes the last toTensor left in the heap, guided (GuideParts) at its own
   * size in one SIMD pass, in place (wasm-guide.ts). Returns a view into the heap as toRgba does.
   * Counts as the frame's one readback.
   */
  guide(parts: GuideParts, width: number, height: number): Uint8Array {
    const n = width * height;
    if (!this.guides || this.scratchBytes < n * 4) throw new Error(`cannot guide a ${width}x${height} frame here`);
    noteReadback();
    const fit = this.fitForKernels(parts);
    try {
      const keep = parts.keep ? { keep: this.at(parts.keep), kh: parts.keep.shape[1], kw: parts.keep.shape[2] } : { keep: 0, kh: 0, kw: 0 };
      this.guideKernels!.apply({ ...fit.input, ...keep }, this.scratch, width, height);
    } finally {
      fit.dispose();
    }
    return new Uint8Array(this.memory.buffer, this.scratch, n * 4);
  }

  /** guided-work.ts guidedLuma in one SIMD pass: the luma [1,h,w,1] of the fit applied to xs [1,h,w,3]. */
  guidedLuma(f: GuideFit, xs: tf.Tensor4D): tf.Tensor4D {
    const [, H, W] = xs.shape;
    if (!this.guides || xs.dtype !== 'float32') throw new Error('cannot take a guided luma here');
    const fit = this.fitForKernels(f);
    try {
      const info = this.backend.makeOutput([1, H, W, 1], 'float32');
      this.guideKernels!.luma(fit.input, this.at(xs), this.backend.getMemoryOffset(info.dataId), W, H);
      return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor4D;
    } finally {
      fit.dispose();
    }
  }

  private at(t: tf.Tensor): number {
    return this.backend.getMemoryOffset(t.dataId);
  }

  /** The fit as the kernels take it, 4 floats a pixel (one v128 each): a's alpha 0; b scaled to bytes, its alpha 255. */
  private fitForKernels({ a, b }: GuideFit): { input: FitInput; dispose(): void } {
    const [, h, w] = a.shape;
    const [a4, b4] = tf.tidy(() => [tf.pad(a, [[0, 0], [0, 0], [0, 0], [0, 1]]), tf.concat([tf.mul(b, 255), tf.fill([1, h, w, 1], 255)], 3)]);
    return { input: { a: this.at(a4), b: this.at(b4), h, w }, dispose: () => tf.dispose([a4, b4]) };
  }
}
