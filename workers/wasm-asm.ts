// A minimal WASM assembler: just what the SIMD pixel kernels (wasm-pixels.ts, wasm-guide.ts)
// need. Each kernel module imports the tfjs backend's own WebAssembly.Memory, so the kernels
// work on tensors and frame bytes where they lie.

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
export const name = (s: string): number[] => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
export const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b;
export const get = (i: number) => [0x20, i], set = (i: number) => [0x21, i], tee = (i: number) => [0x22, i];
export const i32 = (n: number) => [0x41, n]; // small non-negative constants only (< 64)
export const f32 = (v: number) => [0x43, ...new Uint8Array(new Float32Array([v]).buffer)];
const SUB = [0x6b], EQZ = [0x45];
export const ADD = [0x6a];
export const i32Load = (offset: number) => [0x28, 0, ...leb(offset)];
export const f32Load = (offset: number) => [0x2a, 0, ...leb(offset)];
export const f32Store = (offset: number) => [0x38, 0, ...leb(offset)];
export const [F32_ADD, F32_SUB, F32_MUL] = [[0x92], [0x93], [0x94]];
export const simd = (op: number, ...imm: number[]) => [0xfd, ...leb(op), ...imm];
export const load = (offset: number) => simd(0x00, 0, ...leb(offset));
export const store = (offset: number) => simd(0x0b, 0, ...leb(offset));
export const load32Zero = simd(0x5c, 0, 0);
export const load64Zero = simd(0x5d, 0, 0);
export const store32Lane = (lane: number) => simd(0x5a, 0, 0, lane);
export const store64Lane = (lane: number) => simd(0x5b, 0, 0, lane);
export const bytes = (b: ArrayLike<number>) => simd(0x0c, ...Array.from(b));
export const f32s = (v: number) => bytes(new Uint8Array(new Float32Array([v, v, v, v]).buffer));
export const shuffle = (lanes: number[]) => simd(0x0d, ...lanes);
export const SPLAT_F32 = simd(0x13);
export const replaceLaneF32 = (lane: number) => simd(0x20, lane);
export const extractLaneF32 = (lane: number) => simd(0x1f, lane);
export const [NARROW_U16_TO_U8, NARROW_I32_TO_I16, EXT_LOW_U8, EXT_HIGH_U8, EXT_LOW_U16, EXT_HIGH_U16, I32_SUB, ADD_F, SUB_F, MUL, DIV, PMAX, CONVERT_U] =
  [0x66, 0x85, 0x89, 0x8a, 0xa9, 0xaa, 0xb1, 0xe4, 0xe5, 0xe6, 0xe7, 0xeb, 0xfb].map((op) => simd(op));
/** `block; if (count == 0) break; loop { body; if (--count) continue } end` */
export const countedLoop = (count: number, body: number[]) =>
  [0x02, 0x40, ...get(count), ...EQZ, 0x0d, 0, 0x03, 0x40, ...body, ...get(count), ...i32(1), ...SUB, ...tee(count), 0x0d, 0, 0x0b, 0x0b];
/** `local += step` for an i32 local (step < 64). */
export const advance = (local: number, step: number) => [...get(local), ...i32(step), ...ADD, ...set(local)];

/**
 * max(0, x) for the f32x4 `x` that `value` leaves (NaN gives 0), rounded half to even to i32x4:
 * adding 1.5*2^23 lands the integer in the low mantissa bits, and subtracting the constant's
 * bits leaves it. Cheaper than nearest + trunc_sat, which V8 expands into several instructions on x64.
 */
export const roundToInts = (value: number[]) => {
  const magic = f32s(1.5 * 2 ** 23);
  return [...bytes(new Uint8Array(16)), ...value, ...PMAX, ...magic, ...ADD_F, ...magic, ...I32_SUB];
};

/** A function body with its locals: `[count, type]` pairs. */
export const func = (locals: number[][], body: number[]): number[] => {
  const b = [...vec(locals), ...body, 0x0b];
  return [...leb(b.length), ...b];
};

/**
 * A module of functions (each `[type, body]`, types as `[params, results]`) that imports the
 * backend's memory as env.memory; a shared one (threads) must declare a maximum: the wasm32 limit.
 */
export function assemble(shared: boolean, types: [number[], number[]][], fns: { name: string; type: number; body: number[] }[]): Uint8Array<ArrayBuffer> {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types.map(([params, results]) => [0x60, ...vec(params.map((p) => [p])), ...vec(results.map((r) => [r]))]))),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, ...(shared ? [0x03, 1, ...leb(65536)] : [0x00, 1])]])),
    ...section(3, vec(fns.map((f) => [f.type]))),
    ...section(7, vec(fns.map((f, i) => [...name(f.name), 0x00, i]))),
    ...section(10, vec(fns.map((f) => f.body))),
  ]);
}

/** The module instantiated over `memory`, or null where this engine has no WASM SIMD. */
export function instantiate<T>(memory: WebAssembly.Memory, module: (shared: boolean) => Uint8Array<ArrayBuffer>): T | null {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    return new WebAssembly.Instance(new WebAssembly.Module(module(shared)), { env: { memory } }).exports as unknown as T;
  } catch {
    return null;
  }
}
