// The guided stage's passes over many pixels (guided-work.ts) in WASM SIMD, in the backend's
// memory. guide: for every pixel of the frame, a and b enlarged bilinearly from the working
// size, the outlines' keep factor from the size they were drawn at, (a·x + b)·keep, rounded to
// bytes and written over the frame's own RGBA bytes. luma: the luma of a·x + b at the size the
// outlines are drawn at. As tfjs ops on one thread (Node), a 1280x720 frame's enlargings,
// multiplies and packing took about 40 ms, and the outlines' guided luma 16; these take a few.
// Each factor is enlarged along the rows once per source row (expand4/expand1), so a pixel
// needs only the blend of two expanded rows: no gathers in the per-pixel loop.
import {
  ADD, ADD_F, CONVERT_U, EXT_LOW_U16, EXT_LOW_U8, F32, F32_ADD, F32_MUL, F32_SUB, I32, MUL, NARROW_I32_TO_I16, NARROW_U16_TO_U8, SPLAT_F32, SUB_F, V128,
  advance, assemble, bytes, countedLoop, extractLaneF32, f32, f32Load, f32Store, f32s, func, get, i32Load, load, load32Zero, load64Zero, replaceLaneF32,
  roundToInts, set, store, store32Lane, tee,
} from './wasm-asm.js';

/**
 * expand4(src, dst, taps, count): `count` pixels of 4 floats (one v128), each the blend of two at
 * src (taps: their byte offsets and the second's weight). expand1: the same for one float a pixel.
 */
const expandBody = (wide: boolean) => {
  const [src, dst, taps, count, v0] = [0, 1, 2, 3, 4];
  const [read, write, sub, mul, add] = wide ? [load(0), store(0), SUB_F, MUL, ADD_F] : [f32Load(0), f32Store(0), F32_SUB, F32_MUL, F32_ADD];
  const weight = wide ? [...f32Load(8), ...SPLAT_F32] : f32Load(8);
  return countedLoop(count, [
    ...get(dst),
    ...get(src), ...get(taps), ...i32Load(0), ...ADD, ...read, ...tee(v0),
    ...get(src), ...get(taps), ...i32Load(4), ...ADD, ...read, ...get(v0), ...sub,
    ...get(taps), ...weight, ...mul, ...add,
    ...write,
    ...advance(dst, wide ? 16 : 4), ...advance(taps, 12),
  ]);
};

/**
 * guide(a0, a1, b0, b1, k0, k1, px, count, fy, gy): `count` RGBA pixels at px become
 * (a·x + b)·keep, with a = a0 + (a1 - a0)·fy (4 floats a pixel, alpha's 0), b likewise (scaled
 * by 255, alpha's 255) and keep = k0 + (k1 - k0)·gy (one float a pixel; alpha keeps 1); rounded
 * half to even and saturated as pack() in wasm-pixels.ts does.
 */
const guideBody = (() => {
  const [a0, a1, b0, b1, k0, k1, px, count, fy, gy, t, fyv, kf] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const blend = (p0: number, p1: number) => [...get(p0), ...load(0), ...tee(t), ...get(p1), ...load(0), ...get(t), ...SUB_F, ...get(fyv), ...MUL, ...ADD_F];
  const zeros = bytes(new Uint8Array(16));
  return [
    ...get(fy), ...SPLAT_F32, ...set(fyv),
    ...countedLoop(count, [
      ...get(px),
      ...roundToInts([
        ...blend(a0, a1),
        ...get(px), ...load32Zero, ...EXT_LOW_U8, ...EXT_LOW_U16, ...CONVERT_U, ...MUL,
        ...blend(b0, b1), ...ADD_F,
        ...get(k0), ...f32Load(0), ...tee(kf), ...get(k1), ...f32Load(0), ...get(kf), ...F32_SUB, ...get(gy), ...F32_MUL, ...F32_ADD,
        ...SPLAT_F32, ...f32(1), ...replaceLaneF32(3), ...MUL,
      ]),
      ...zeros, ...NARROW_I32_TO_I16, ...zeros, ...NARROW_U16_TO_U8,
      ...store32Lane(0),
      ...advance(a0, 16), ...advance(a1, 16), ...advance(b0, 16), ...advance(b1, 16), ...advance(k0, 4), ...advance(k1, 4), ...advance(px, 4),
    ]),
  ];
})();

/**
 * luma(a0, a1, b0, b1, x, dst, count, fy): `count` pixels of x (3 floats in [0,1] each) -> the
 * BT.601 luma of a·x + b (a and b as for guide) at dst, one float each.
 */
const lumaBody = (() => {
  const [a0, a1, b0, b1, x, dst, count, fy, t, fyv, v] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const blend = (p0: number, p1: number) => [...get(p0), ...load(0), ...tee(t), ...get(p1), ...load(0), ...get(t), ...SUB_F, ...get(fyv), ...MUL, ...ADD_F];
  // b is in bytes (scaled by 255): x is scaled to match, and the weights scaled back.
  const weights = bytes(new Uint8Array(new Float32Array([0.299 / 255, 0.587 / 255, 0.114 / 255, 0]).buffer));
  return [
    ...get(fy), ...SPLAT_F32, ...set(fyv),
    ...countedLoop(count, [
      ...get(dst),
      ...blend(a0, a1),
      ...get(x), ...load64Zero, ...get(x), ...f32Load(8), ...replaceLaneF32(2), ...f32s(255), ...MUL, ...MUL,
      ...blend(b0, b1), ...ADD_F, ...weights, ...MUL, ...set(v),
      ...get(v), ...extractLaneF32(0), ...get(v), ...extractLaneF32(1), ...F32_ADD, ...get(v), ...extractLaneF32(2), ...F32_ADD,
      ...f32Store(0),
      ...advance(a0, 16), ...advance(a1, 16), ...advance(b0, 16), ...advance(b1, 16), ...advance(x, 12), ...advance(dst, 4),
    ]),
  ];
})();

export const guideModule = (shared: boolean) => assemble(shared, [[Array(4).fill(I32), []], [[...Array(8).fill(I32), F32, F32], []], [[...Array(7).fill(I32), F32], []]], [
  { name: 'expand4', type: 0, body: func([[1, V128]], expandBody(true)) },
  { name: 'expand1', type: 0, body: func([[1, F32]], expandBody(false)) },
  { name: 'guide', type: 1, body: func([[2, V128], [1, F32]], guideBody) },
  { name: 'luma', type: 2, body: func([[3, V128]], lumaBody) },
]);

type Expand = (src: number, dst: number, taps: number, count: number) => void;
export interface GuideExports {
  expand4: Expand;
  expand1: Expand;
  guide(a0: number, a1: number, b0: number, b1: number, k0: number, k1: number, px: number, count: number, fy: number, gy: number): void;
  luma(a0: number, a1: number, b0: number, b1: number, x: number, dst: number, count: number, fy: number): void;
}

/**
 * Bilinear taps from `src` samples to `dst` as tf.image.resizeBilinear takes them (half-pixel
 * centres, edges clamped): for each output index, the two source indices and the second's weight.
 */
export function bilinearTaps(src: number, dst: number): { i0: Int32Array; i1: Int32Array; f: Float32Array } {
  const i0 = new Int32Array(dst), i1 = new Int32Array(dst), f = new Float32Array(dst);
  for (let d = 0; d < dst; d++) {
    const p = Math.max(0, ((d + 0.5) * src) / dst - 0.5);
    const a = Math.min(src - 1, Math.floor(p));
    i0[d] = a;
    i1[d] = Math.min(src - 1, a + 1);
    f[d] = p - a;
  }
  return { i0, i1, f };
}

/** Where the fit lies in the heap: a and b as [h, w, 4] floats. */
export interface FitInput { a: number; b: number; h: number; w: number }
/** The fit, and the keep factor as [kh, kw] floats (0: none). */
export interface GuideInput extends FitInput { keep: number; kh: number; kw: number }

interface Heap { _malloc(n: number): number; _free(p: number): void }

/** Runs the kernels, with their tables and expanded rows in heap buffers kept across frames. */
export class GuideKernels {
  private buffers = new Map<string, { ptr: number; bytes: number }>();
  /** Each role's column taps and the sizes they were built for. */
  private tables = new Map<string, { key: string; ptr: number }>();

  constructor(private fns: GuideExports, private heap: Heap, private memory: WebAssembly.Memory) {}

  /** The RGBA frame of W x H at `px`, guided in place. */
  apply(p: GuideInput, px: number, W: number, H: number): void {
    const [eA, eB] = this.expandFit('', p, W);
    let eK: number, kh: number;
    if (p.keep) {
      kh = p.kh;
      eK = this.buffer('keep', kh * W * 4);
      const kColumns = this.columnTaps('keep', p.kw, W, 4);
      for (let r = 0; r < kh; r++) this.fns.expand1(p.keep + r * p.kw * 4, eK + r * W * 4, kColumns, W);
    } else {
      kh = 1;
      eK = this.buffer('keep', W * 4);
      new Float32Array(this.memory.buffer, eK, W).fill(1);
    }
    const rows = bilinearTaps(p.h, H), kRows = bilinearTaps(kh, H);
    for (let y = 0; y < H; y++) {
      const [r0, r1, k0, k1] = [rows.i0[y] * W * 16, rows.i1[y] * W * 16, kRows.i0[y] * W * 4, kRows.i1[y] * W * 4];
      this.fns.guide(eA + r0, eA + r1, eB + r0, eB + r1, eK + k0, eK + k1, px + y * W * 4, W, rows.f[y], kRows.f[y]);
    }
  }

  /** The luma of the fit applied to the W x H float RGB frame at `x`, written as W x H floats at `dst`. */
  luma(p: FitInput, x: number, dst: number, W: number, H: number): void {
    const [eA, eB] = this.expandFit('luma ', p, W);
    const rows = bilinearTaps(p.h, H);
    for (let y = 0; y < H; y++) {
      const [r0, r1] = [rows.i0[y] * W * 16, rows.i1[y] * W * 16];
      this.fns.luma(eA + r0, eA + r1, eB + r0, eB + r1, x + y * W * 12, dst + y * W * 4, W, rows.f[y]);
    }
  }

  /** a's and b's rows enlarged to W columns, in buffers of their own per `role`. */
  private expandFit(role: string, p: FitInput, W: number): [number, number] {
    const eA = this.buffer(`${role}a`, p.h * W * 16), eB = this.buffer(`${role}b`, p.h * W * 16);
    const columns = this.columnTaps(`${role}fit`, p.w, W, 16);
    for (let r = 0; r < p.h; r++) {
      this.fns.expand4(p.a + r * p.w * 16, eA + r * W * 16, columns, W);
      this.fns.expand4(p.b + r * p.w * 16, eB + r * W * 16, columns, W);
    }
    return [eA, eB];
  }

  /** A heap buffer of at least `bytes` for `key`, reused across frames. */
  private buffer(key: string, bytes: number): number {
    const had = this.buffers.get(key);
    if (had && had.bytes >= bytes) return had.ptr;
    if (had) this.heap._free(had.ptr);
    const ptr = this.heap._malloc(bytes);
    this.buffers.set(key, { ptr, bytes });
    return ptr;
  }

  /** The expand kernels' taps (byte offsets of `stride`-byte pixels, weight) from src to dst columns, built again only when a size changes. */
  private columnTaps(role: string, src: number, dst: number, stride: number): number {
    const key = `${src}>${dst}x${stride}`;
    const had = this.tables.get(role);
    if (had?.key === key) return had.ptr;
    const ptr = this.buffer(`taps ${role}`, dst * 12);
    const { i0, i1, f } = bilinearTaps(src, dst);
    const ints = new Int32Array(this.memory.buffer, ptr, dst * 3), floats = new Float32Array(this.memory.buffer, ptr, dst * 3);
    for (let d = 0; d < dst; d++) {
      ints[3 * d] = i0[d] * stride;
      ints[3 * d + 1] = i1[d] * stride;
      floats[3 * d + 2] = f[d];
    }
    this.tables.set(role, { key, ptr });
    return ptr;
  }
}
