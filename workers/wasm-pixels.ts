// Pixel conversions for the readback path on the WASM backend, done with WASM SIMD inside the
// backend's own memory: frame bytes -> an input tensor, and the model's float output -> RGBA
// bytes, undoing a final DepthToSpace on the way (so the model can stop before it: that
// rearrangement alone took about a third of an x2 filter's time). The JS loops in pixels.ts
// took 2.3 ms to pack a 1280x720 output and 0.6 ms to unpack a 640x360 frame; these take about
// a tenth of that. The module is assembled below (a few hundred bytes) and imports the
// backend's WebAssembly.Memory, so no pixel is copied to reach it.
import * as tf from '@tensorflow/tfjs';
import type { ByteOrder } from './pixels.js';
import { noteReadback } from './readback-counter.js';

// --- A minimal WASM assembler: just what the two functions below need. ---
const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    const b = n & 0x7f;
    n >>>= 7;
    out.push(n ? b | 0x80 : b);
  } while (n);
  return out;
};
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const name = (s: string): number[] => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const I32 = 0x7f, V128 = 0x7b;
const get = (i: number) => [0x20, i], set = (i: number) => [0x21, i], tee = (i: number) => [0x22, i];
const i32 = (n: number) => [0x41, n]; // small non-negative constants only (< 64)
const ADD = [0x6a], SUB = [0x6b], EQZ = [0x45];
const simd = (op: number, ...imm: number[]) => [0xfd, ...leb(op), ...imm];
const load = (offset: number) => simd(0x00, 0, ...leb(offset));
const store = (offset: number) => simd(0x0b, 0, ...leb(offset));
const store64Lane = (lane: number) => simd(0x5b, 0, 0, lane);
const bytes = (b: ArrayLike<number>) => simd(0x0c, ...Array.from(b));
const f32s = (v: number) => bytes(new Uint8Array(new Float32Array([v, v, v, v]).buffer));
const shuffle = (lanes: number[]) => simd(0x0d, ...lanes);
const [NARROW_U16_TO_U8, NARROW_I32_TO_I16, EXT_LOW_U8, EXT_HIGH_U8, EXT_LOW_U16, EXT_HIGH_U16, I32_SUB, ADD_F, MUL, DIV, PMAX, CONVERT_U] =
  [0x66, 0x85, 0x89, 0x8a, 0xa9, 0xaa, 0xb1, 0xe4, 0xe6, 0xe7, 0xeb, 0xfb].map((op) => simd(op));
/** `block; if (count == 0) break; loop { body; if (--count) continue } end` */
const countedLoop = (count: number, body: number[]) =>
  [0x02, 0x40, ...get(count), ...EQZ, 0x0d, 0, 0x03, 0x40, ...body, ...get(count), ...i32(1), ...SUB, ...tee(count), 0x0d, 0, 0x0b, 0x0b];

/**
 * pack(src, dstA, dstB, count, srcStep, dstStep): `count` times, 12 floats at src (4 RGB
 * pixels) -> x*255, rounded half to even, saturated to 0..255 -> 4 opaque RGBA pixels, the
 * first two stored at dstA and the last two at dstB. Rounds and clamps as a Uint8ClampedArray
 * store does (NaN gives 0), except that x*255 is rounded to float32 first: a value within about
 * 1e-5 of a half may land one level off.
 */
const packBody = (() => {
  const [src, dstA, dstB, count, srcStep, dstStep, px] = [0, 1, 2, 3, 4, 5, 6];
  // max(0, x*255) (NaN gives 0), then rounded half to even by adding 1.5*2^23: the integer
  // lands in the low mantissa bits, and subtracting the constant's bits leaves it as an i32.
  // Cheaper than nearest + trunc_sat, which V8 expands into several instructions on x64.
  const magic = f32s(1.5 * 2 ** 23);
  const toInts = (offset: number) => [...bytes(new Uint8Array(16)), ...get(src), ...load(offset), ...f32s(255), ...MUL, ...PMAX, ...magic, ...ADD_F, ...magic, ...I32_SUB];
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

function moduleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const fn = (locals: number[][], body: number[]) => { const b = [...vec(locals), ...body, 0x0b]; return [...leb(b.length), ...b]; };
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(Array(6).fill([I32])), 0], [0x60, ...vec(Array(3).fill([I32])), 0]])),
    // The backend's memory; a shared one (threads) must declare a maximum: the wasm32 limit.
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, ...(shared ? [0x03, 1, ...leb(65536)] : [0x00, 1])]])),
    ...section(3, vec([[0], [1], [1]])),
    ...section(7, vec([[...name('pack'), 0x00, 0], [...name('rgba'), 0x00, 1], [...name('bgra'), 0x00, 2]])),
    ...section(10, vec([fn([[1, V128]], packBody), fn([[1, V128]], unpackBody('rgba')), fn([[1, V128]], unpackBody('bgra'))])),
  ]);
}

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
    if (!memory) return null;
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    try {
      const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(shared)), { env: { memory } });
      return new WasmPixels(backend, memory, instance.exports as unknown as Exports);
    } catch {
      return null; // no WASM SIMD here: the JS loops in pixels.ts do the work
    }
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
}
