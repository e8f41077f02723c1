// Counts GPU/WASM-to-JS readbacks by wrapping the active backend's read and readSync: every
// tensor.data()/dataSync() anywhere (ours or inside tfjs) goes through one of them. The WebGPU
// path must show none per frame in the steady state, the WASM path one per frame. Tensors of
// at most SMALL_READ elements are not counted: the graph executor reads op parameters such as
// MirrorPad's paddings that way, which costs nothing like a frame.
import * as tf from '@tensorflow/tfjs';

type Readable = {
  read(...args: unknown[]): unknown;
  readSync(...args: unknown[]): unknown;
} & Partial<Record<'tensorMap' | 'dataIdMap', Storage>>;

/** A backend's DataStorage (tensorMap on WebGPU, dataIdMap on WASM). get() of an id it lacks moves data between backends, so ask has() first. */
interface Storage { has(dataId: unknown): boolean; get(dataId: unknown): { shape?: number[] } }

const SMALL_READ = 256;

export const readbacks = { count: 0 };

/** Counts a readback that bypasses read/readSync (a view into the WASM heap). */
export function noteReadback(): void {
  readbacks.count++;
}
const wrapped = new WeakSet<object>();

/** Installs the counter on the current backend (once per backend instance). */
export function countReadbacks(): void {
  const backend = tf.backend() as unknown as Readable;
  if (wrapped.has(backend)) return;
  wrapped.add(backend);
  let depth = 0; // wasm's read() calls readSync(): count the outer call only
  for (const name of ['read', 'readSync'] as const) {
    const original = backend[name].bind(backend);
    backend[name] = (...args: unknown[]) => {
      const storage = backend.tensorMap ?? backend.dataIdMap;
      const shape = (storage?.has(args[0]) && storage.get(args[0]).shape) || [];
      if (depth === 0 && shape.reduce((a, b) => a * b, 1) > SMALL_READ) readbacks.count++;
      depth++;
      let result: unknown;
      try {
        result = original(...args);
      } catch (e) {
        depth--;
        throw e;
      }
      if (result instanceof Promise) return result.finally(() => { depth--; });
      depth--;
      return result;
    };
  }
}
